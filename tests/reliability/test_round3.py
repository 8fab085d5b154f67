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
from collections.abc import Generator
from pathlib import Path

import pytest

from host import Host

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
