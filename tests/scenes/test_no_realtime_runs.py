"""Every bundled scene does its work in virtual time.

``framehost run NAME --headless --no-realtime --frames 900``: the summary's "whole
run" column (tasks ended over the run, whatever Clear After removed) shows
completed work for every scene. Scenes waiting on real work (a chat server thread,
a process pool, a worker thread, file reads in threads) get it because virtual
frames are paced to real time while that work is in flight.

Paced frames are real time, so a frame count is a real-time budget for work outside
the loop. The cluster scene starts a Dask scheduler and worker processes before its
first job can end (47 s at a load average of 18 on two cores, where 900 frames are
15 s): it runs one small job in up to 7,200 frames (two minutes of real time; the
frames after its job has ended are paced only for the farm's own round trips).
"""

from __future__ import annotations

import re

import pytest

from host.cli import main
from host.scene_loader import list_scenes

#: Scenes whose real work needs more than 900 paced frames on a loaded machine.
LONGER = {"cluster": (7200, ["--arg", "limits=100000", "--arg", "segments=2",
                             "--arg", "workers=1"])}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", [info.name for info in list_scenes()])
def test_every_scene_completes_work_with_no_realtime(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    frames, args = LONGER.get(name, (900, []))
    assert main(["run", name, "--headless", "--no-realtime", "--frames", str(frames),
                 *args]) == 0
    out = capsys.readouterr().out
    assert f"{frames} frames, {frames / 60:.2f}s of host time at 60 fps (virtual time)" in out
    match = re.search(r"completed\s+(\d+)\s+(\d+)", out)
    assert match is not None, out
    assert int(match.group(2)) > 0, f"{name} completed nothing in {frames} frames:\n{out}"
