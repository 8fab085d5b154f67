"""The closing lines of ``framehost run``: the run's worst frames, each with its top
three costs, longest first, before the summary line (docs/api.md, "Frame blame").

The scene installs a wall clock that only its own work moves (as the ``work_clock``
fixture does for a host made in a test), so which frames are the worst and what
each cost is exact, however loaded the machine is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from host.cli import main

SceneFile = Callable[..., Path]

COSTLY_SCENE = """\
    import asyncio

    NOW = [1000.0]

    async def blocks(ms):
        await asyncio.sleep(0.1)
        NOW[0] += ms / 1000  # a step holding the host for ms of its wall clock

    def slow_callback(outcome):
        NOW[0] += 0.060

    async def fetch():
        await asyncio.sleep(0.5)

    def build(host):
        host.wall_clock = lambda: NOW[0]
        for name, ms in (("a", 40), ("b", 30), ("c", 20), ("d", 10)):
            host.tasks.Run(blocks(ms), description=f"blocks {name}")
        host.tasks.Run(fetch(), description="fetch", completion_callback=slow_callback)
    """


@pytest.mark.parametrize("view", ["--headless", "--terminal"])
def test_the_worst_frames_come_with_their_top_three_costs_before_the_summary(
        capsys: pytest.CaptureFixture[str], scene_file: SceneFile, view: str) -> None:
    path = scene_file(COSTLY_SCENE)
    assert main(["run", str(path), view, "--no-realtime", "--frames", "60"]) == 0
    lines = capsys.readouterr().err.splitlines()
    worst = [line for line in lines if line.startswith("framehost: worst frame")]
    # The four tasks' steps share frame 7 (their sleep of 0.1 s ends there at 60 fps):
    # 100 ms, of which the three biggest are listed and the fourth (10 ms) is not.
    # The callback's 60 ms is frame 31's (fetch's sleep of 0.5 s).
    assert worst == [
        "framehost: worst frame 7: 100.0 ms: task #1 blocks a 40.0 ms, "
        "task #2 blocks b 30.0 ms, task #3 blocks c 20.0 ms",
        "framehost: worst frame 31: 60.0 ms: callback #5 fetch 60.0 ms",
    ]
    assert lines[-3:-1] == worst  # just before the summary line, which ends the run
    # Virtual time: no frame starts late against a wall clock, so the line counts only
    # the frames over budget (the two listed), never "0 late frames" beside them.
    assert re.fullmatch(r"framehost: 60 frames, 1\.00 s of host time, 2 over budget, "
                        r"frame time mean [\d.]+ ms max [\d.]+ ms", lines[-1]), lines[-1]
