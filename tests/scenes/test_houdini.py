"""The houdini scene: the serial worker runs every asset call in submission order."""

from __future__ import annotations

import pytest

from asyncio_comp import TaskStatus
from host.testing import run_until


@pytest.mark.timeout(60)
def test_assets_cook_in_submission_order_on_one_thread(host, build_scene):
    torus, terrain = build_scene(host, "houdini", divisions="40", ring="24")
    host.asyncio_comp.par.Clearafter = 1e9
    run_until(host, lambda: host.tasks.GetActiveTasksCount() == 0, frames=500_000,
              what="every build ended")

    counts = host.tasks.counts()
    assert counts[TaskStatus.COMPLETED] == 3 and host.tasks.task_count() == 3
    worker = host.op("/ChatTD/HoudiniEngine").worker
    history = [t.row().description for t in worker.get_completed_task_history()]
    assert history == [
        "torus: instantiate 'torus'", "torus: set_parm u_divisions=24",
        "torus: set_parm v_divisions=18", "torus: cook", "torus: fetch_surfaces",
        "terrain: instantiate 'terrain'", "terrain: set_parm divisions=40",
        "terrain: set_parm octaves=5", "terrain: cook", "terrain: fetch_surfaces",
        "torus: instantiate 'torus'", "torus: set_parm u_divisions=24",
        "torus: set_parm v_divisions=18", "torus: set_parm twist=2.0", "torus: cook",
        "torus: fetch_surfaces",
    ]
    assert [c.val for c in terrain.surfaces_table.row(1)][:3] == ["terrain_surface", "1600",
                                                                  str(2 * 39 * 39)]
    assert [c.val for c in torus.surfaces_table.row(1)][:3] == ["torus_surface", str(24 * 18),
                                                                str(2 * 24 * 18)]
