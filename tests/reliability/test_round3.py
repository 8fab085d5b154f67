"""Reliability round 3 (issue 26): faults found by hostile probing.

Each test reproduces one fault as a user meets it. A fault that hangs the process
(close() never returning) is run in a child process with a bounded wait, so the test
fails instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from host import BaseCOMP, FloatPar, Host, IntPar, Par, TableDAT

BOUND = 120.0  # seconds a child process may take; generous, the point is that it ends
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "120"}

SWALLOWS_EVERYTHING = '''
import asyncio

async def swallows_everything():
    while True:
        try:
            await asyncio.sleep(1)
        except:  # noqa: E722  (the fault: GeneratorExit and every error swallowed)
            pass
'''


def run_child(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, capture_output=True, text=True, env=ENV, cwd=cwd,
                              timeout=BOUND)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{args} still running after {BOUND:g} s: {exc.stderr!r}")


# -- 1: close() is bounded whatever a coroutine does -----------------------------------

def test_close_returns_when_a_coroutine_swallows_generator_exit_and_every_error(
        tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(SWALLOWS_EVERYTHING + textwrap.dedent('''
        from host import Host

        host = Host(fps=60, realtime=False)
        host.tasks.Run(swallows_everything(), description="stubborn")
        host.step(3)
        host.close()
        print("closed", host.loop.is_closed(), flush=True)
    '''))
    done = run_child([sys.executable, "-X", "dev", "-W", "error", str(script)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "closed True\n"
    assert "could not be closed" in done.stderr  # the one warning naming the task
    assert "Task was destroyed but it is pending" not in done.stderr


def test_framehost_run_exits_with_a_scene_whose_task_swallows_everything(
        tmp_path: Path) -> None:
    scene = tmp_path / "stubborn.py"
    scene.write_text(SWALLOWS_EVERYTHING + textwrap.dedent('''
        def build(host):
            host.tasks.Run(swallows_everything(), description="stubborn")
    '''))
    done = run_child([sys.executable, "-m", "host", "run", str(scene), "--headless",
                      "--frames", "10", "--no-realtime"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Task was destroyed but it is pending" not in done.stderr


# -- 10: an abandoned coroutine leaves no "Task was destroyed" -------------------------

class _Suspend:
    """Suspends its awaiter once: how a coroutine ignores GeneratorExit."""

    def __await__(self) -> Generator[None, None, None]:
        yield


def test_a_task_abandoned_at_close_is_not_reported_destroyed_later(
        caplog: pytest.LogCaptureFixture, unraisable: list[str]) -> None:
    caplog.set_level(logging.ERROR, logger="asyncio")
    host = Host(fps=60, realtime=False)

    async def ignores_generator_exit() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue
            except GeneratorExit:
                await _Suspend()

    host.tasks.Run(ignores_generator_exit())
    host.step(2)
    host.close()
    assert host.loop.is_closed()
    del host
    gc.collect()
    destroyed = [r.getMessage() for r in caplog.records
                 if "Task was destroyed" in r.getMessage()]
    assert destroyed == []


# -- 4: a write by row label keeps the label index when column 0 is untouched ----------

def _lines_run_in(filename: str, action: Callable[[], object]) -> int:
    """Python lines executed in ``filename`` while ``action()`` runs: a count of work
    that no machine's speed changes."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if frame.f_code.co_filename != filename:
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def _label_writes(rows: int) -> int:
    import td.table

    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "big")
        dat.appendRow(["id", "status"])
        dat.appendRows([[str(i), "pending"] for i in range(rows)])

        assert dat["0", "status"] == "pending"  # the labels are indexed once, here

        def writes() -> None:
            for i in range(0, rows, rows // 30):
                dat[str(i), "status"] = "done"

        count = _lines_run_in(td.table.__file__, writes)
        assert dat[str(rows // 30), "status"] == "done"
        assert dat.findCell("done", cols=[1]) is not None
        return count


def test_writes_by_row_label_cost_the_same_on_a_table_ten_times_bigger() -> None:
    assert _label_writes(20_000) == _label_writes(2_000)


def test_a_write_to_column_0_moves_the_label() -> None:
    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "t")
        dat.appendRows([["id", "v"], ["a", "1"], ["b", "2"]])
        assert dat["a", "v"] == 1
        dat["a", "v"] = 5
        dat["a", 0] = "c"
        assert dat["a", "v"] is None and dat["c", "v"] == 5
        dat.appendRow(["d", "4"])
        assert dat["d", "v"] == 4
        dat.deleteRow("b")
        assert dat["d", "v"].row == 2


# -- 12 to 14 ----------------------------------------------------------------------------

def test_run_with_a_huge_delay_names_run_and_the_value() -> None:
    from td.environment import run

    with Host(fps=60, realtime=False):
        with pytest.raises(ValueError, match=r"run\(\) expected delayMilliSeconds as a "
                                             r"finite number >= 0, got 1000000"):
            run(print, delayMilliSeconds=10**400)


@pytest.mark.parametrize("name", ["Gain\n", "Gain\r", "Ga\nin"])
def test_a_parameter_name_with_a_newline_is_refused(name: str) -> None:
    with Host(fps=60, realtime=False) as host:
        comp = host.root.create(BaseCOMP, "c")
        page = comp.appendCustomPage("Config")
        page.appendFloat("Gain")
        with pytest.raises(ValueError, match=r"parameter name expected a capital letter"):
            page.appendFloat(name)
        with pytest.raises(ValueError, match=r"parameter name expected a capital letter"):
            FloatPar(name)
        assert [p.name for p in comp.par if p.isCustom] == ["Gain"]


def test_an_operator_name_with_a_trailing_newline_is_refused() -> None:
    with Host(fps=60, realtime=False) as host:
        with pytest.raises(ValueError, match="name"):
            host.root.create(TableDAT, "t\n")
        assert host.root.op("t\n") is None and host.root.op("t") is None


def test_a_cell_whose_row_was_deleted_reprs_and_reads_with_a_clear_error() -> None:
    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "t")
        dat.appendRows([["a", "1"], ["b", "2"]])
        cell = dat[1, 1]
        dat.deleteRow(1)
        assert repr(cell) == "<Cell /t[1, 1] (no such cell: /t has 1 rows and 2 columns)>"
        with pytest.raises(IndexError, match=r"/t has 1 rows \(0\.\.0\); row 1 is out of range"):
            _ = cell.val
        with pytest.raises(IndexError, match=r"/t has 1 rows \(0\.\.0\); row 5 is out of range"):
            dat.cellValue(5, 0)
        with pytest.raises(IndexError, match=r"/t has 2 columns; column 7 is out of range"):
            dat.setCellValue(0, 7, "x")
        assert dat.values() == [["a", "1"]]


# -- the smaller ones -------------------------------------------------------------------

def test_a_cell_is_not_hashable_as_it_equals_both_its_text_and_its_number() -> None:
    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "t")
        dat.appendRows([["3", "x"]])
        three = dat[0, 0]
        assert three == 3 and three == "3"  # no one hash can agree with both
        with pytest.raises(TypeError, match="unhashable type: 'Cell'"):
            hash(three)
        assert {c.val for c in dat.row(0)} == {"3", "x"}  # type: ignore[union-attr]


def test_a_destroyed_table_refuses_writes() -> None:
    from td.destroyed import OperatorDestroyed

    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "t")
        dat.appendRow(["a"])
        dat.destroy()
        for write in (lambda: dat.appendRow(["b"]), lambda: dat.__setitem__((0, 0), "z"),
                      lambda: dat.clear()):
            with pytest.raises(OperatorDestroyed, match=r"<TableDAT /t> was destroyed"):
                write()


def test_a_replaced_parameter_no_longer_fires_its_operator() -> None:
    changes: list[str] = []

    class Comp(BaseCOMP):
        def onValueChange(self, par: Par, prev: object) -> None:
            changes.append(f"{par.name}={par.eval()}")

    with Host(fps=60, realtime=False) as host:
        comp = host.root.create(Comp, "c")
        page = comp.appendCustomPage("Config")
        (old,) = page.appendFloat("Gain")
        (new,) = page.appendFloat("Gain", replace=True)
        with pytest.raises(RuntimeError, match=r"/c par\.Gain was replaced; use the "
                                               r"operator's par\.Gain now"):
            old.val = 2.0
        assert changes == [] and old.eval() == 0.0
        new.val = 3.0
        assert changes == ["Gain=3.0"] and comp.par.Gain is new


@pytest.mark.parametrize("spec", [FloatPar, IntPar])
def test_min_above_max_is_blamed_on_the_bounds(spec: type[FloatPar] | type[IntPar]) -> None:
    with pytest.raises(ValueError, match=r"Speed expected min <= max, got min=5 and max=1"):
        spec("Speed", min=5, max=1)


def test_a_pending_run_is_not_pending_once_its_host_closed() -> None:
    from td.environment import run

    called: list[int] = []
    host = Host(fps=60, realtime=False)
    pending = run(called.append, 1, delayFrames=5)
    assert pending.active
    host.close()
    assert not pending.active and "done" in repr(pending)
    assert pending.kill() is False and called == []


def test_a_description_with_tabs_and_newlines_keeps_task_table_text_one_row_a_task(
        host: Host) -> None:
    async def work() -> None:
        raise ValueError("line one\nline\ttwo")

    task_id = host.tasks.Run(work(), description="a\tb\nc\r\nd")
    host.step(2)
    table = host.asyncio_comp.task_table
    lines = table.text.splitlines()
    assert len(lines) == table.numRows == 2
    assert all(line.count("\t") == table.numCols - 1 for line in lines)
    assert table[str(task_id), "description"] == "a b c  d"
    assert table[str(task_id), "error"] == "ValueError: line one line two"
    assert host.tasks.GetTaskInfo(task_id)["description"] == "a\tb\nc\r\nd"  # type: ignore[index]


# -- 5: a done callback cannot kill the worker thread ------------------------------------

@pytest.mark.parametrize("exc_type", [SystemExit, KeyboardInterrupt])
def test_a_done_callback_raising_system_exit_leaves_the_worker_serving(
        exc_type: type[BaseException], caplog: pytest.LogCaptureFixture) -> None:
    from asyncio_comp import SerialWorker, WorkerStatus

    def fatal(task: object) -> None:
        raise exc_type

    worker = SerialWorker()
    release = threading.Event()
    try:
        first = worker.submit(release.wait, 30.0)
        with caplog.at_level(logging.ERROR):
            first.add_done_callback(fatal)  # pending: it runs on the worker thread
            later = [worker.submit(int, str(n)) for n in range(2, 5)]
            done = threading.Event()
            later[-1].add_done_callback(lambda _t: done.set())
            release.set()
            assert done.wait(30.0), "the worker thread died"
        assert [t.get_result() for t in later] == [2, 3, 4]
        assert all(t.get_status() is WorkerStatus.COMPLETED for t in later)
        assert first.get_status() is WorkerStatus.COMPLETED
    finally:
        release.set()
        assert worker.stop(30.0)
    assert any(f"raised {exc_type.__name__}" in r.getMessage() for r in caplog.records)


# -- 8: a project's own scenes/ package (run hello: tests/cli/test_cli_subprocess.py) ---

def test_framehost_scenes_from_a_project_with_its_own_scenes_lists_the_bundled_ones(
        tmp_path: Path) -> None:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scenes" / "__init__.py").write_text("")
    (tmp_path / "scenes" / "mine.py").write_text("def build(host):\n    pass\n")
    done = run_child([sys.executable, "-m", "host", "scenes"], tmp_path)
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert "hello" in names and "chat" in names and "mine" not in names, done.stdout


def test_a_host_dropped_without_close_is_collected_quietly(tmp_path: Path) -> None:
    # It lives while its loop is the thread's current one (asyncio.get_event_loop()
    # between frames is the host's loop); once another loop is set, or at exit, it is
    # collected: quietly, its loop closed.
    script = tmp_path / "dropped.py"
    script.write_text(textwrap.dedent('''
        import asyncio, gc, weakref
        from host import Host

        async def forever():
            await asyncio.sleep(3600)

        def dropped():
            host = Host(fps=60, realtime=False)
            host.tasks.Run(forever())
            host.step(3)
            return weakref.ref(host)

        first = dropped()
        asyncio.set_event_loop(None)  # as asyncio.run() leaves it
        gc.collect()
        print("collected", first() is None, flush=True)
        second = dropped()  # left for the interpreter's exit
    '''))
    done = run_child([sys.executable, "-X", "dev", "-W", "error", str(script)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "collected True\n"
    assert done.stderr == ""
