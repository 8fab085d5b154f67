"""Every bundled scene does its work in virtual time.

``framehost run NAME --headless --no-realtime``: the summary's "whole run" column
(tasks ended over the run, whatever Clear After removed) shows completed work for
every scene. Scenes waiting on real work (a chat server thread, a process pool, a
Dask cluster, file reads in threads) get it because virtual frames are paced to
real time while that work is in flight.

So a bound in frames is a bound in wall-clock seconds for those scenes: 900 frames
are 15 s of real time, which the cluster scene misses on a loaded machine (three
fresh Pythons importing Dask, then workers niced so that frames win the CPU). Each
run here is a scene file wrapping the bundled one that stops the host at the end
of the first frame by which a task has completed: the wait is on that condition,
and the frame bound is only there to end a run that would never get there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from host.cli import main
from host.scene_loader import list_scenes

#: Frames after which a run that completed nothing stops, failing the test: four
#: minutes of host time, which paced frames spend in real time.
BOUND_FRAMES = 60 * 240

WRAPPER = """\
from host.scene_loader import build_scene, load_scene


def build(host):
    build_scene(load_scene({name!r}), host, {{}})

    def stop_once_a_task_completed(host):
        if host.tasks.GetLifetimeCounts().get("completed", 0) > 0:
            host.stop()

    host.on_frame_end(stop_once_a_task_completed)
"""


@pytest.mark.timeout(420)
@pytest.mark.parametrize("name", [info.name for info in list_scenes()])
def test_every_scene_completes_work_with_no_realtime(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scene = tmp_path / f"until_{name}_completes.py"
    scene.write_text(WRAPPER.format(name=name))
    assert main(["run", str(scene), "--headless", "--no-realtime",
                 "--frames", str(BOUND_FRAMES)]) == 0
    out = capsys.readouterr().out
    ran = re.search(r"(\d+) frames, [\d.]+s of host time at 60 fps \(virtual time\)", out)
    assert ran is not None, out
    assert int(ran.group(1)) < BOUND_FRAMES, f"{name} completed nothing:\n{out}"
    match = re.search(r"completed\s+(\d+)\s+(\d+)", out)
    assert match is not None, out
    assert int(match.group(2)) > 0, f"{name} completed nothing:\n{out}"
