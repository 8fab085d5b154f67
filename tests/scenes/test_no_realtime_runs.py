"""Every bundled scene does its work in virtual time.

``framehost run NAME --headless --no-realtime --frames 900``: the summary's "whole
run" column (tasks ended over the run, whatever Clear After removed) shows
completed work for every scene. Scenes waiting on real work (a chat server thread,
a process pool, a worker thread, file reads in threads) get it because virtual
frames are paced to real time while that work is in flight.
"""

from __future__ import annotations

import re

import pytest

from host.cli import main
from host.scene_loader import list_scenes


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", [info.name for info in list_scenes()])
def test_every_scene_completes_work_with_no_realtime(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", name, "--headless", "--no-realtime", "--frames", "900"]) == 0
    out = capsys.readouterr().out
    assert "900 frames, 15.00s of host time at 60 fps (virtual time)" in out
    match = re.search(r"completed\s+(\d+)\s+(\d+)", out)
    assert match is not None, out
    assert int(match.group(2)) > 0, f"{name} completed nothing in 900 frames:\n{out}"
