"""host.td: TD's globals ``op``, ``tableDAT``, ``baseCOMP`` and ``run`` act on the
current host, and scene files see them without importing them."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from host import BaseCOMP, Host, TableDAT
from host.scene_loader import build_scene, load_scene
from host.td import NoCurrentHost, baseCOMP, op, run, tableDAT


@pytest.fixture
def other() -> Iterator[Host]:
    with Host(fps=60, realtime=False) as second:
        yield second


def test_one_open_host_is_the_current_one(host: Host) -> None:
    assert op("/ChatTD/TDAsyncIO") is host.asyncio_comp
    assert op("ChatTD") is host.op("/ChatTD")  # relative to the root
    assert op("/nothing/here") is None
    assert op(host.asyncio_comp) is host.asyncio_comp  # TD's op() also takes an OP
    assert op.ChatTD is host.op("/ChatTD") and op.TDAsyncIO is host.asyncio_comp
    log = op("/").create(tableDAT, "log")
    assert isinstance(log, TableDAT) and tableDAT is TableDAT and baseCOMP is BaseCOMP


def test_a_missing_shortcut_names_the_known_ones(host: Host) -> None:
    with pytest.raises(AttributeError, match=r"op\.TDAsyncI0: no COMP has the global OP shortcut "
                                             r"'TDAsyncI0' .* did you mean: TDAsyncIO\? known "
                                             r"shortcuts: ChatTD, TDAsyncIO"):
        op.TDAsyncI0  # noqa: B018


def test_with_no_host_or_several_the_error_says_what_to_do(other: Host) -> None:
    with Host(fps=60, realtime=False):
        with pytest.raises(NoCurrentHost, match=r"found 2 open hosts on this thread and none "
                                                r"running a frame"):
            op("/ChatTD")
    assert op("/ChatTD") is other.op("/ChatTD")  # closed hosts are forgotten
    other.close()
    with pytest.raises(NoCurrentHost, match=r"found no open host on thread 'MainThread'"):
        op("/ChatTD")


def test_the_host_running_a_frame_hook_callback_or_task_is_current(host: Host,
                                                                   other: Host) -> None:
    seen: dict[str, Any] = {}
    other.on_frame_start(lambda h: seen.setdefault("other frame", op("/ChatTD/TDAsyncIO")))

    async def task() -> None:
        seen["task"] = op.TDAsyncIO
        await asyncio.sleep(0)
        seen["task after await"] = op("/ChatTD/TDAsyncIO")

    def done(outcome: Any) -> None:
        seen["callback"] = op.TDAsyncIO

    host.tasks.Run(task(), completion_callback=done)
    host.step(3)
    other.step(1)
    assert seen == {"task": host.asyncio_comp, "task after await": host.asyncio_comp,
                    "callback": host.asyncio_comp, "other frame": other.asyncio_comp}


def test_close_and_on_destroy_still_see_their_host(host: Host, other: Host) -> None:
    seen = []

    class Probe(BaseCOMP):
        def onDestroy(self) -> None:
            seen.append(op("/probe"))

    probe = other.root.create(Probe, "probe")
    other.close()
    assert seen == [probe]


def test_run_calls_at_the_start_of_a_later_frame(host: Host) -> None:
    calls: list[tuple[str, int]] = []
    host.on_frame_start(lambda h: calls.append(("frame start", h.frame)))
    host.step(2)
    run(lambda tag: calls.append((tag, host.frame)), "next", delayFrames=0)
    run(lambda tag: calls.append((tag, host.frame)), "in three", delayFrames=3)
    killed = run(calls.append, ("never", 0), delayFrames=1)
    assert killed.kill() and not killed.kill()
    calls.clear()
    host.step(5)
    assert ("next", 3) in calls and ("in three", 5) in calls
    assert calls.index(("next", 3)) > calls.index(("frame start", 3))  # at the frame's start
    assert ("never", 0) not in calls and len([c for c in calls if c[0] != "frame start"]) == 2


def test_run_after_milliseconds_of_host_time(host: Host) -> None:
    calls: list[float] = []
    host.step(2)  # host time 1/60 s
    run(lambda: calls.append(host.seconds), delayMilliSeconds=100)
    host.step(10)
    assert calls == [pytest.approx(7 / 60)]  # frame 8, the first at or past 0.1 s later
    with pytest.raises(ValueError, match=r"delayMilliSeconds as a finite number >= 0, "
                                         r"got nan"):
        run(print, delayMilliSeconds=float("nan"))


def test_run_from_inside_a_frame_means_the_next_frame(host: Host) -> None:
    calls: list[int] = []

    def hook(h: Host) -> None:
        if h.frame == 2:
            run(lambda: calls.append(host.frame))

    host.on_frame_end(hook)
    host.step(4)
    assert calls == [3]


def test_run_reports_a_failing_call_and_refuses_bad_input(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("scheduled call broke")

    before = host.stats.callback_errors
    run(broken)
    host.step(2)
    assert host.stats.callback_errors == before + 1 and "scheduled call broke" in caplog.text
    with pytest.raises(ValueError, match=r"run\(\) was given a script with a syntax error "
                                         r"\(.*line 1\): 'op\(\"/x\"\).destroy\('"):
        run('op("/x").destroy(')
    with pytest.raises(ValueError, match=r"delayFrames as a whole number >= 0, got -1"):
        run(print, delayFrames=-1)
    with pytest.raises(TypeError, match=r"run\(\) expected a script string or a callable, "
                                        r"got 5"):
        run(5)  # type: ignore[arg-type]


def test_scene_files_see_the_td_globals(host: Host, tmp_path: Path) -> None:
    scene = tmp_path / "td_scene.py"
    scene.write_text(textwrap.dedent('''
        """A scene written with TD's globals and no imports."""

        def build(host):
            project = op('/').create(baseCOMP, 'project')
            log = project.create(tableDAT, 'log')
            log.appendRow(['event'])
            run(log.appendRow, ['one frame later'], delayFrames=1)
            project.par.opshortcut = 'Project'
            op.Project.create(tableDAT, 'notes')
    '''))
    build_scene(load_scene(str(scene)), host)
    log = host.op("/project/log")
    assert isinstance(log, TableDAT) and log.numRows == 1
    assert isinstance(host.op("/project/notes"), TableDAT)
    host.step(1)
    assert log.values() == [["event"], ["one frame later"]]
