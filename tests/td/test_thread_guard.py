"""Host objects touched from another thread raise ThreadViolation and change nothing."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable
from typing import Any

import pytest

from host import BaseCOMP, FloatPar, Host, PulsePar, TableDAT, ThreadViolation


class Box(BaseCOMP):
    parameters = (FloatPar("Gain", 1.0), PulsePar("Go"))

    def onCreate(self) -> None:
        self.pulses = 0

    def onPulse(self, par: Any) -> None:
        self.pulses += 1


def in_thread(fn: Callable[[], object], name: str = "worker-7") -> BaseException | None:
    """Run fn on a fresh thread; return what it raised (None if nothing)."""
    caught: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=target, name=name)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    return caught[0] if caught else None


@pytest.fixture
def world(host: Host) -> tuple[Host, Box, TableDAT]:
    box = host.root.create(Box, "box")
    dat = box.create(TableDAT, "dat")
    dat.appendRow(["a", "b"])
    return host, box, dat


def snapshot(host: Host, box: Box, dat: TableDAT) -> object:
    return (box.par.Gain.eval(), box.pulses, dat.values(), dat.version,
            [o.path for o in host.root.walk()], host.tasks.task_count(), host.frame)


async def work() -> None:
    await asyncio.sleep(0)


ACTIONS: dict[str, tuple[Callable[[Host, Box, TableDAT], object], str]] = {
    "par read": (lambda h, b, d: b.par.Gain.eval(), "<ParCollection of /box>"),
    "par assign": (lambda h, b, d: setattr(b.par, "Gain", 2.0), "<ParCollection of /box>"),
    "pulse": (lambda h, b, d: b.par.Go.pulse(), "<ParCollection of /box>"),
    "create child": (lambda h, b, d: b.create(BaseCOMP, "x"), "<Box /box>"),
    "destroy": (lambda h, b, d: d.destroy(), "<TableDAT /box/dat>"),
    "op lookup": (lambda h, b, d: h.op("/box"), "<BaseCOMP />"),
    "children": (lambda h, b, d: b.children, "<Box /box>"),
    "dat read": (lambda h, b, d: d[0, 0].val, "<TableDAT /box/dat>"),
    "dat append": (lambda h, b, d: d.appendRow(["c"]), "<TableDAT /box/dat>"),
    "dat set": (lambda h, b, d: d.__setitem__((0, 0), "z"), "<TableDAT /box/dat>"),
    "dat clear": (lambda h, b, d: d.clear(), "<TableDAT /box/dat>"),
    "host step": (lambda h, b, d: h.step(), "<Host 60 fps"),
    "frame callback": (lambda h, b, d: h.on_frame_end(print), "<Host 60 fps"),
    "Run": (lambda h, b, d: run_keeping_the_coroutine(h), "AsyncIOManager"),
    "CancelTask": (lambda h, b, d: h.tasks.CancelTask(1), "AsyncIOManager"),
    "GetAllTasksInfo": (lambda h, b, d: h.tasks.GetAllTasksInfo(), "AsyncIOManager"),
    "pulse via comp": (lambda h, b, d: h.asyncio_comp.par.Clearall.pulse(),
                       "<ParCollection of /ChatTD/TDAsyncIO>"),
}


def run_keeping_the_coroutine(host: Host) -> None:
    """Run() from the wrong thread refuses before touching the coroutine, which stays
    its caller's to close."""
    coro = work()
    try:
        host.tasks.Run(coro)
    finally:
        assert inspect.getcoroutinestate(coro) == inspect.CORO_CREATED
        coro.close()


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_touch_from_another_thread_raises_and_changes_nothing(
        world: tuple[Host, Box, TableDAT], action: str) -> None:
    host, box, dat = world
    host.tasks.Run(work())
    before = snapshot(host, box, dat)
    fn, names = ACTIONS[action]
    exc = in_thread(lambda: fn(host, box, dat), name="worker-7")
    assert isinstance(exc, ThreadViolation), exc
    message = str(exc)
    assert names in message
    assert "'worker-7'" in message
    assert threading.current_thread().name in message
    assert snapshot(host, box, dat) == before
    # The host is unharmed and still works from its own thread.
    host.step(2)
    box.par.Gain = 4.0
    assert box.par.Gain.eval() == 4.0


def test_par_taken_on_main_thread_cannot_be_used_elsewhere(
        world: tuple[Host, Box, TableDAT]) -> None:
    _, box, _ = world
    gain, go = box.par.Gain, box.par.Go
    for fn in (gain.eval, lambda: setattr(gain, "val", 3.0), go.pulse):
        exc = in_thread(fn)
        assert isinstance(exc, ThreadViolation)
        assert "/box par." in str(exc) and "'worker-7'" in str(exc)
    assert gain.eval() == 1.0
    assert box.pulses == 0


def test_cell_taken_on_main_thread_cannot_be_read_elsewhere(
        world: tuple[Host, Box, TableDAT]) -> None:
    _, _, dat = world
    cell = dat[0, 1]
    exc = in_thread(lambda: cell.val)
    assert isinstance(exc, ThreadViolation)
    exc = in_thread(lambda: setattr(cell, "val", "q"))
    assert isinstance(exc, ThreadViolation)
    assert cell.val == "b"


def test_run_from_a_thread_leaves_the_coroutine_to_its_caller(host: Host) -> None:
    coro = work()
    exc = in_thread(lambda: host.tasks.Run(coro))
    assert isinstance(exc, ThreadViolation)
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CREATED  # untouched
    assert host.tasks.task_count() == 0
    task_id = host.tasks.Run(coro)  # handed over properly, it runs
    host.step(2)
    assert host.tasks.GetTaskInfo(task_id)["status"].value == "completed"  # type: ignore[index]


def test_stop_is_safe_from_any_thread(host: Host) -> None:
    started = threading.Event()

    def stopper() -> None:
        started.wait(10)
        host.stop()

    thread = threading.Thread(target=stopper, name="stopper")
    host.on_frame_start(lambda h: started.set())
    thread.start()
    ran = host.run(frames=10_000_000)
    thread.join(10)
    assert 0 < ran < 10_000_000


def test_thread_violation_is_a_runtime_error() -> None:
    assert issubclass(ThreadViolation, RuntimeError)


def test_a_host_made_on_another_thread_belongs_to_that_thread() -> None:
    made: list[Host] = []
    built, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def owner() -> None:
        try:
            made.append(Host(fps=60, realtime=False))
            built.set()
            release.wait(10)
            made[0].close()  # on its own thread
        except BaseException as exc:
            errors.append(exc)
            built.set()

    thread = threading.Thread(target=owner, name="builder")
    thread.start()
    try:
        assert built.wait(10) and not errors
        with pytest.raises(ThreadViolation, match=r"'builder'"):
            made[0].step()
        with pytest.raises(ThreadViolation):
            made[0].close()
        assert made[0].frame == 0 and not made[0].closed
    finally:
        release.set()
        thread.join(10)
    assert errors == []
    assert made[0].closed
