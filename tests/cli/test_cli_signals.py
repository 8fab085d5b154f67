"""Ctrl-C and SIGTERM, as users send them: real signals to ``python -m host``.

One signal always ends a run within a bounded time, exit 130 (143 for SIGTERM), one
line, no traceback, whatever the load; a second one during shutdown is quiet too; so
is one while the scene module loads. Every wait is bounded; the bounds are generous,
since the point is that the run ends at all.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32",
                                reason="signals to a child are POSIX-only here")

ENV = {**os.environ, "COLUMNS": "120"}
BOUND = 60.0  # seconds: the most any child may take to react, even on a loaded machine


class Child:
    """The command in a child process, its stderr read line by line on a thread."""

    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "host", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=ENV)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.stderr_lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stdout = ""

    def close(self) -> None:
        """Close the pipes once the child has ended."""
        self._reader.join(BOUND)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, text: str) -> None:
        """Wait (bounded) for a stderr line equal to ``text``."""
        while True:
            line = self._lines.get(timeout=BOUND)
            assert line is not None, f"the child ended before {text!r}: {self.stderr_lines}"
            self.stderr_lines.append(line.rstrip("\n"))
            if line.rstrip("\n") == text:
                return

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self) -> tuple[int, list[str]]:
        """Wait (bounded) for the exit; the status and the stderr lines after `wait_for`."""
        assert self.process.stdout is not None
        self.stdout = self.process.stdout.read()  # ends when the child does
        self.process.wait(timeout=BOUND)
        self._reader.join(BOUND)
        rest: list[str] = []
        while True:
            line = self._lines.get(timeout=BOUND)
            if line is None:
                break
            rest.append(line.rstrip("\n"))
        return self.process.returncode, rest


@contextmanager
def child(args: list[str]) -> Iterator[Child]:
    running = Child(args)
    try:
        yield running
    finally:
        process = running.process
        if process.poll() is None:
            process.kill()
            process.wait(timeout=BOUND)
        running.close()


def assert_one_clean_line(lines: list[str], start: str) -> None:
    # A stalled frame is reported as it happens (a warning of the host's, not of the
    # shutdown); some tests stall frames on purpose.
    text = "\n".join(lines)
    lines = [line for line in lines if "blocked the event loop" not in line]
    for bad in ("Traceback", "Task was destroyed", "Exception ignored", "never awaited",
                "KeyboardInterrupt"):
        assert bad not in text, text
    assert len(lines) == 1 and lines[0].startswith(start), text


READY_SCENE = """\
import asyncio
import sys

async def forever():
    await asyncio.sleep(3600)

def build(host, out, extra=""):
    def ended(task):
        with open(out, "w") as f:
            f.write(task.status.value)

    host.tasks.Run(forever(), description="forever", completion_callback=ended)

    def ready(h):
        if h.frame == 3:
            print("ready", file=sys.__stderr__, flush=True)
{extra}
    host.on_frame_end(ready)
"""


def scene(tmp_path: Path, extra: str = "") -> tuple[Path, Path]:
    out = tmp_path / "ended.txt"
    path = tmp_path / "signalled.py"
    path.write_text(READY_SCENE.format(extra=textwrap.indent(textwrap.dedent(extra), "    ")),
                    encoding="utf-8")
    return path, out


def run_args(path: Path, out: Path, *more: str) -> list[str]:
    return ["run", str(path), "--headless", "--seconds", "100000", "--arg",
            f"out={str(out)!r}", *more]


def test_sigterm_is_treated_like_ctrl_c_and_exits_143(tmp_path: Path) -> None:
    path, out = scene(tmp_path)
    with child(run_args(path, out)) as running:
        running.wait_for("ready")
        running.signal(signal.SIGTERM)
        status, lines = running.finish()
    assert status == 143, lines
    assert_one_clean_line(lines, "framehost: terminated (SIGTERM) after ")
    assert lines[0].endswith("cancelled 1 active task and closed the loop")
    assert out.read_text() == "cancelled"  # the cleanup ran: the task ended once


@pytest.mark.parametrize("second", [signal.SIGINT, signal.SIGTERM])
def test_a_second_signal_during_shutdown_is_quiet(tmp_path: Path, second: int) -> None:
    # The task's cleanup takes a while, so the second signal lands during shutdown.
    path, out = scene(tmp_path)
    path.write_text(path.read_text().replace(
        "    await asyncio.sleep(3600)\n",
        "    try:\n        await asyncio.sleep(3600)\n    finally:\n"
        "        print('closing', file=sys.__stderr__, flush=True)\n"
        "        import time; time.sleep(0.5)\n"), encoding="utf-8")
    with child(run_args(path, out)) as running:
        running.wait_for("ready")
        running.signal(signal.SIGINT)
        running.wait_for("closing")
        running.signal(second)
        status, lines = running.finish()
    assert status == 130, lines
    assert_one_clean_line(lines, "framehost: interrupted after ")
    assert out.read_text() == "cancelled"


def test_two_quick_ctrl_c_under_load_end_quietly(tmp_path: Path) -> None:
    path, out = scene(tmp_path, extra="""\
        from host.scenes.stress import build as stress
        stress(host, wave="3000", interval="0.05")
    """)
    with child(run_args(path, out)) as running:
        running.wait_for("ready")
        running.signal(signal.SIGINT)
        threading.Event().wait(0.05)  # the second one 50 ms later, as a user's double tap
        running.signal(signal.SIGINT)
        status, lines = running.finish()
    assert status == 130, lines
    assert_one_clean_line(lines, "framehost: interrupted after ")


def test_ctrl_c_is_not_lost_to_a_gc_callback_in_a_tight_allocation_loop(
        tmp_path: Path) -> None:
    # A KeyboardInterrupt raised inside a gc callback is swallowed ("Exception ignored
    # in ..."); every frame here spends its time allocating, so most land there.
    path, out = scene(tmp_path, extra="""\
        import gc

        def on_gc(phase, info):
            if phase == "start":
                for _ in range(300):  # Python bytecode: where a signal's handler runs
                    pass

        gc.callbacks.append(on_gc)
        gc.set_threshold(50)  # a collection every few allocations: most time is in on_gc

        def churn(h):
            for _ in range(2000):
                [[], [], {}]
        host.on_frame_start(churn)
    """)
    with child(run_args(path, out, "--no-realtime")) as running:  # no idle pacing
        running.wait_for("ready")
        running.signal(signal.SIGINT)
        status, lines = running.finish()
    assert status == 130, lines
    assert_one_clean_line(lines, "framehost: interrupted after ")
    assert out.read_text() == "cancelled"


@pytest.mark.parametrize("stuck", [
    pytest.param("time.sleep(3600)", id="blocking call"),
    pytest.param("while True: pass", id="busy loop"),
])
def test_ctrl_c_ends_a_frame_stuck_in_user_code(tmp_path: Path, stuck: str) -> None:
    path, out = scene(tmp_path, extra=f"""\
        import time

        def stall(h):
            if h.frame == 4:
                {stuck}
        host.on_frame_start(stall)
    """)
    with child(run_args(path, out)) as running:
        running.wait_for("ready")
        running.signal(signal.SIGINT)
        status, lines = running.finish()
    assert status == 130, lines
    assert_one_clean_line(lines, "framehost: interrupted after ")
    assert out.read_text() == "cancelled"


def test_ctrl_c_while_a_to_thread_call_is_blocked(tmp_path: Path) -> None:
    path, out = scene(tmp_path, extra="""\
        import time

        async def blocked():
            await asyncio.to_thread(time.sleep, 3600)

        host.tasks.Run(blocked(), description="blocked")
    """)
    with child(run_args(path, out)) as running:
        running.wait_for("ready")
        running.signal(signal.SIGINT)
        status, lines = running.finish()
    assert status == 130, lines
    abandoned = [line for line in lines if "abandoned a thread" in line]
    assert len(abandoned) == 1 and "sleep(3600)" in abandoned[0], lines
    assert_one_clean_line([line for line in lines if line not in abandoned],
                          "framehost: interrupted after ")
    assert lines[-1].endswith("cancelled 2 active tasks and closed the loop")


def test_ctrl_c_while_the_scene_module_loads(tmp_path: Path) -> None:
    path = tmp_path / "slow_import.py"
    path.write_text(textwrap.dedent("""\
        import sys
        import time

        print("loading", file=sys.__stderr__, flush=True)
        time.sleep(3600)

        def build(host):
            pass
        """), encoding="utf-8")
    with child(["run", str(path), "--headless"]) as running:
        running.wait_for("loading")
        running.signal(signal.SIGINT)
        status, lines = running.finish()
    assert status == 130, lines
    assert lines == ["framehost: interrupted while loading the scene; nothing ran"]


# -- in this process: the signal raised where a KeyboardInterrupt would be lost --------

SWALLOWING_SCENE = """\
    import asyncio
    import gc
    import signal

    SEEN = {}

    async def forever():
        await asyncio.sleep(3600)

    def build(host):
        host.tasks.Run(forever(), completion_callback=lambda t: SEEN.setdefault("ended", t))

        def raise_inside_gc(phase, info):
            # The signal's handler runs right here, inside a gc callback, where a
            # KeyboardInterrupt is swallowed ("Exception ignored in ...").
            gc.callbacks.remove(raise_inside_gc)
            signal.raise_signal(signal.SIGINT)

        def at_frame_3(h):
            if h.frame == 3:
                gc.callbacks.append(raise_inside_gc)
                gc.collect()

        host.on_frame_end(at_frame_3)
    """


def test_a_signal_inside_a_gc_callback_still_stops_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from host.cli import main

    path = tmp_path / "swallowing.py"
    path.write_text(textwrap.dedent(SWALLOWING_SCENE), encoding="utf-8")
    before = signal.getsignal(signal.SIGINT)
    status = main(["run", str(path), "--headless", "--frames", "600", "--no-realtime"])
    err = capsys.readouterr().err
    assert status == 130, err
    assert err.startswith("framehost: interrupted after 3 frames"), err
    assert "Exception ignored" not in err
    assert signal.getsignal(signal.SIGINT) is before  # handlers restored on return
