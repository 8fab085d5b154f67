"""Tasks owned by the operator whose code submitted them: destroy cancels them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from worker_gates import Gate

from asyncio_comp.worker.comp import create_worker
from asyncio_comp.worker.serial_worker import SerialWorker
from asyncio_comp.worker.task import WorkerStatus
from host import BaseCOMP, Host
from host.assemble import Host as AssembledHost
from operators import DotLOPUtils
from td.core import HostCore
from td.current import current_operator
from td.params import PulsePar


class Worker(DotLOPUtils, BaseCOMP):
    """Submits through run_async_task; its callback is a method of its own."""

    parameters = (PulsePar("Go"),)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.called: list[str] = []
        self.ids: list[int] = []

    def on_done(self, outcome: Any) -> None:
        self.called.append(outcome.status.value)

    def onPulse(self, par: Any) -> None:
        # Run called while this operator's code runs (a pulse handler).
        self.ids.append(self.asyncio_comp.ext.AsyncIOManager.Run(
            asyncio.sleep(100), description="from pulse", completion_callback=self.on_done))


def status(host: Host, task_id: int) -> str:
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    return str(info["status"].value)


def test_destroy_cancels_running_and_pending_tasks_and_skips_bound_callbacks(
        host: Host) -> None:
    comp = host.root.create(Worker, "w")
    seen: list[str] = []
    running = comp.run_async_task(asyncio.sleep(100), completion_callback=comp.on_done)
    host.step(1)
    pending = comp.run_async_task(asyncio.sleep(100),
                                  completion_callback=lambda o: seen.append(o.status.value))
    assert host.tasks.GetTaskInfo(running)["owner"] == "/w"
    assert (status(host, running), status(host, pending)) == ("running", "pending")
    comp.destroy()
    assert status(host, pending) == "cancelled"  # never started: at once
    host.step(1)
    assert status(host, running) == "cancelled"
    assert comp.called == []  # bound to the destroyed operator: not called
    assert seen == ["cancelled"]  # a plain function still hears the ending


def test_destroying_a_parent_cancels_tasks_submitted_from_a_childs_handler(
        host: Host) -> None:
    parent = host.root.create(BaseCOMP, "group")
    child = parent.create(Worker, "w")
    child.par.Go.pulse()
    host.step(2)
    (task_id,) = child.ids
    assert host.tasks.GetTaskInfo(task_id)["owner"] == "/group/w"
    assert status(host, task_id) == "running"
    parent.destroy()
    host.step(1)
    assert status(host, task_id) == "cancelled"
    assert child.called == []


def test_a_task_started_by_an_owned_task_has_the_same_owner(host: Host) -> None:
    comp = host.root.create(Worker, "w")
    inner: list[int] = []
    me: list[object] = []

    async def outer() -> None:
        me.append(current_operator())
        inner.append(host.tasks.Run(asyncio.sleep(100), description="inner"))
        await asyncio.sleep(100)

    outer_id = comp.run_async_task(outer())
    host.step(2)
    assert me == [comp]  # a task runs as its owner's code
    assert host.tasks.GetTaskInfo(inner[0])["owner"] == "/w"
    assert host.tasks.GetTaskInfo(inner[0])["parent_id"] == outer_id
    comp.destroy()
    host.step(1)
    assert [status(host, outer_id), status(host, inner[0])] == ["cancelled", "cancelled"]


def test_unowned_tasks_have_no_owner_and_survive_a_destroy(host: Host) -> None:
    comp = host.root.create(Worker, "w")
    inner: list[int] = []

    async def outer() -> None:
        inner.append(host.tasks.Run(asyncio.sleep(100)))
        await asyncio.sleep(100)

    outer_id = host.tasks.Run(outer())
    owned = comp.run_async_task(asyncio.sleep(100))
    host.step(2)
    # Admission happens in TDAsyncIO's cook; that does not make TDAsyncIO the owner.
    assert host.tasks.GetTaskInfo(outer_id)["owner"] is None
    assert host.tasks.GetTaskInfo(inner[0])["owner"] is None
    comp.destroy()
    host.step(1)
    assert status(host, owned) == "cancelled"
    assert [status(host, outer_id), status(host, inner[0])] == ["running", "running"]


def test_a_callback_of_an_extension_whose_owner_was_destroyed_is_not_called(
        host: Host) -> None:
    class Ext:
        def __init__(self, ownerComp: BaseCOMP) -> None:
            self.ownerComp = ownerComp
            self.called = 0

        def Done(self, outcome: Any) -> None:
            self.called += 1

    comp = host.root.create(BaseCOMP, "holder")
    ext = comp.addExtension(Ext)
    # Submitted by nobody in particular: the callback alone ties it to the COMP.
    task_id = host.tasks.Run(asyncio.sleep(0.5), completion_callback=ext.Done)
    comp.destroy()
    host.run(seconds=1.0)
    assert status(host, task_id) == "completed"
    assert ext.called == 0


def test_a_completion_callback_runs_as_its_tasks_owner(host: Host) -> None:
    comp = host.root.create(Worker, "w")
    followers: list[int] = []

    def then(outcome: Any) -> None:
        followers.append(host.tasks.Run(asyncio.sleep(100)))

    comp.run_async_task(asyncio.sleep(0), completion_callback=then)
    host.step(3)
    assert host.tasks.GetTaskInfo(followers[0])["owner"] == "/w"


def test_destroy_cancels_the_pending_worker_jobs_the_operator_submitted(
        host: AssembledHost) -> None:
    engine = create_worker(host, "Engine")
    gate = Gate()
    engine.submit(gate)
    gate.hold()
    comp = host.root.create(Worker, "w")
    jobs: list[Any] = []
    comp.onPulse = lambda par: jobs.append(engine.submit(int, "7"))  # type: ignore[method-assign]
    comp.par.Go.pulse()
    other = engine.submit(int, "8")  # the test's own: nobody owns it
    comp.destroy()
    (job,) = jobs
    assert job.get_status() is WorkerStatus.FAILED
    assert job.get_error_message() == "WorkerTaskCancelled: cancelled before it started"
    assert other.get_status() is WorkerStatus.PENDING
    gate.release.set()
    assert other.wait(10.0) and other.get_result() == 8


class Submitter(BaseCOMP):
    """Submits a job to a worker given to it, from its pulse handler."""

    parameters = (PulsePar("Go"),)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.worker: SerialWorker | None = None
        self.jobs: list[Any] = []

    def onPulse(self, par: Any) -> None:
        assert self.worker is not None
        self.jobs.append(self.worker.submit(int, "7"))


@pytest.mark.parametrize("made_in", ["an assembled host", "a bare HostCore"])
def test_a_bare_serial_worker_cancels_the_jobs_a_destroyed_operator_submitted(
        made_in: str) -> None:
    # Made by hand, not through create_worker: no worker COMP tells it of destroys.
    core: HostCore = (AssembledHost(realtime=False) if made_in == "an assembled host"
                      else HostCore(realtime=False))
    worker = SerialWorker(name="bare")
    try:
        gate = Gate()
        worker.submit(gate)
        gate.hold()
        comp = core.root.create(Submitter, "s")
        comp.worker = worker
        comp.par.Go.pulse()
        other = worker.submit(int, "8")  # submitted by no operator
        comp.destroy()
        (job,) = comp.jobs
        assert job.get_status() is WorkerStatus.FAILED
        assert job.get_error_message() == "WorkerTaskCancelled: cancelled before it started"
        assert other.get_status() is WorkerStatus.PENDING
        gate.release.set()
        assert other.wait(10.0) and other.get_result() == 8
    finally:
        worker.stop()
        core.close()


def owned(host: Host) -> dict[str, int]:
    return {owner.path: count for owner, count in host.tasks.active_by_owner()}


def test_active_tasks_are_counted_per_owner_as_they_start_and_end(host: Host) -> None:
    comp = host.root.create(Worker, "w")
    other = host.root.create(Worker, "v")
    gate = asyncio.Event()

    async def fail() -> None:
        raise ValueError("boom")

    quick = comp.run_async_task(gate.wait())  # completes: the registry's batched ending
    comp.run_async_task(fail())
    comp.run_async_task(asyncio.sleep(100))
    doomed = comp.run_async_task(asyncio.sleep(100))
    other.run_async_task(asyncio.sleep(100))
    host.tasks.Run(asyncio.sleep(100))  # nobody owns it: counted nowhere
    assert owned(host) == {"/w": 4, "/v": 1}  # all pending
    assert host.tasks.CancelTask(doomed)  # pending: ends at once
    assert owned(host) == {"/w": 3, "/v": 1}
    host.step(2)
    assert status(host, quick) == "running"
    assert owned(host) == {"/w": 2, "/v": 1}  # the failure ended
    gate.set()
    host.step(2)
    assert status(host, quick) == "completed"
    assert owned(host) == {"/w": 1, "/v": 1}
    other.destroy()  # its task is cancelled: the destroyed operator is not kept
    host.step(1)
    assert owned(host) == {"/w": 1}
    host.asyncio_comp.par.Clearall.pulse()  # forgotten, and cancelled: they end
    host.step(2)
    assert host.tasks.active_by_owner() == []


class Alike(Worker):
    """An operator class whose instances all compare equal and cannot be hashed."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Alike)

    __hash__ = None  # type: ignore[assignment]


def test_owners_that_compare_equal_are_counted_apart(host: Host) -> None:
    first, second = host.root.create(Alike, "a"), host.root.create(Alike, "b")
    first.run_async_task(asyncio.sleep(100))
    second.run_async_task(asyncio.sleep(100))
    second.run_async_task(asyncio.sleep(100))
    assert owned(host) == {"/a": 1, "/b": 2}
