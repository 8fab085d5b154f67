"""HoudiniAsset: HEGo-style calls queued on the shared session worker, cooked off-thread."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from asyncio_comp.status import TaskStatus
from asyncio_comp.worker.comp import SerialWorkerCOMP
from asyncio_comp.worker.task import WorkerStatus, WorkerTask
from host.assemble import Host
from operators.houdini_asset import DEFAULT_WORKER_PATH, HoudiniAsset, SurfaceSummary
from td.errors import describe_error

WAIT = 20.0
SMALL_TORUS = {"u_divisions": 48, "v_divisions": 32}  # 1,536 vertices: fast tests


def run_host_until(host: Host, condition: Callable[[], object]) -> None:
    deadline = time.monotonic() + WAIT
    host.run(until=lambda: bool(condition()) or time.monotonic() > deadline, frames=5_000_000)
    assert condition(), f"condition not met after {host.frame} frames / {WAIT} s"


def wait_for(host: Host, task_id: int | list[int]) -> dict[str, Any]:
    assert isinstance(task_id, int)

    def finished() -> bool:
        info = host.tasks.GetTaskInfo(task_id)
        return info is not None and info["status"].is_finished

    run_host_until(host, finished)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    return info


def hold_worker(worker: SerialWorkerCOMP) -> threading.Event:
    """Occupy the worker thread until the returned event is set."""
    started, release = threading.Event(), threading.Event()

    def gate() -> None:
        started.set()
        assert release.wait(WAIT)

    worker.submit(gate, description="gate")
    assert started.wait(WAIT)
    return release


def test_build_and_fetch_runs_the_whole_chain_and_awaits_only_the_last_call(host: Host) -> None:
    asset = host.root.create(HoudiniAsset, "donut")
    tid = asset.run_async_task(asset.build_and_fetch("torus", **SMALL_TORUS))
    assert isinstance(tid, int)
    info = wait_for(host, tid)
    assert info["status"] is TaskStatus.COMPLETED, info["error"]
    (surface,) = host.tasks.GetTaskResult(tid)
    assert isinstance(surface, SurfaceSummary)
    assert surface.name == "torus_surface"
    assert surface.vertex_count == 48 * 32 and surface.face_count == 2 * 48 * 32
    # Radius 1 ± 0.35; the u and v steps (7.5°, 11.25°) hit the extremes exactly.
    assert surface.bounds_max == pytest.approx((1.35, 1.35, 0.35))
    assert surface.bounds_min == pytest.approx((-1.35, -1.35, -0.35))
    assert surface.area == pytest.approx(4 * math.pi ** 2 * 0.35, rel=0.02)
    assert asset.surfaces == (surface,)
    assert asset.surfaces_table.values()[1][:3] == ["torus_surface", "1536", "3072"]

    worker = host.op(DEFAULT_WORKER_PATH)
    assert isinstance(worker, SerialWorkerCOMP)
    host.step(1)
    rows = worker.worker_table.values()[1:]
    assert [(r[1], r[2]) for r in rows] == [
        ("completed", "donut: instantiate 'torus'"),
        ("completed", "donut: set_parm u_divisions=48"),
        ("completed", "donut: set_parm v_divisions=32"),
        ("completed", "donut: cook"),
        ("completed", "donut: fetch_surfaces"),
    ]


def test_calls_return_at_once_and_run_in_submission_order(host: Host) -> None:
    asset = host.root.create(HoudiniAsset, "rock")
    release = hold_worker(asset.worker_comp)
    calls: list[WorkerTask[Any]] = [
        asset.instantiate("terrain"),
        asset.set_parm("divisions", 40),
        asset.set_parm("octaves", 2),
        asset.cook(),
        asset.fetch_surfaces(),
    ]
    assert [t.get_status() for t in calls] == [WorkerStatus.PENDING] * 5
    assert asset.worker_comp.worker.get_pending_tasks() == calls
    release.set()
    last = calls[-1]
    run_host_until(host, last.is_done)
    assert [t.get_status() for t in calls] == [WorkerStatus.COMPLETED] * 5
    started = [t.started_at for t in calls]
    assert all(s is not None for s in started)
    assert started == sorted(started)  # type: ignore[type-var]
    surfaces = last.get_result()
    assert surfaces is not None
    (surface,) = surfaces
    assert (surface.vertex_count, surface.face_count) == (1600, 2 * 39 * 39)
    assert surface.bounds_min[:2] == (-5.0, -5.0) and surface.bounds_max[:2] == (5.0, 5.0)
    cook = calls[3].get_result()
    assert cook is not None and cook.vertex_count == 1600 and cook.cook_count == 1


def test_cook_reports_progress_on_the_worker_thread(
        host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float] = []
    original = WorkerTask.report_progress

    def spy(self: WorkerTask[Any], fraction: float) -> None:
        seen.append(fraction)
        original(self, fraction)

    monkeypatch.setattr(WorkerTask, "report_progress", spy)
    asset = host.root.create(HoudiniAsset, "donut")
    asset.instantiate("torus")
    asset.set_parm("u_divisions", 64)
    cook = asset.cook()
    run_host_until(host, cook.is_done)
    assert cook.get_status() is WorkerStatus.COMPLETED
    assert len(seen) >= 8 and seen == sorted(seen) and 0 < seen[0] and seen[-1] >= 0.95
    assert cook.get_progress() == 1.0


def test_a_failure_early_in_the_chain_is_raised_by_awaiting_the_last_call(host: Host) -> None:
    asset = host.root.create(HoudiniAsset, "bad")
    first = asset.instantiate("sphere")
    tid = asset.run_async_task(asset.build_and_fetch("sphere"))
    info = wait_for(host, tid)
    assert first.get_error_message() == (
        "ValueError: instantiate() expected one of ['terrain', 'torus'], got 'sphere'")
    assert info["status"] is TaskStatus.FAILED
    assert describe_error(info["error"]) == (
        "RuntimeError: fetch_surfaces() needs an instantiated asset; queue instantiate() first")
    assert asset.surfaces == ()


def test_parm_errors_name_what_was_given(host: Host) -> None:
    asset = host.root.create(HoudiniAsset, "donut")
    asset.instantiate("torus")
    unknown = asset.set_parm("radius", 2.0)
    wrong_type = asset.set_parm("u_divisions", 2.5)
    too_small = asset.set_parm("v_divisions", 1)
    stale = asset.fetch_surfaces()
    run_host_until(host, stale.is_done)
    assert unknown.get_error_message() == (
        "KeyError: \"torus has no parm 'radius'; it has: major_radius, minor_radius, "
        "u_divisions, v_divisions, twist\"")
    assert wrong_type.get_error_message() == (
        "TypeError: set_parm('u_divisions') expected an integer, got 2.5")
    assert too_small.get_error_message() == (
        "ValueError: set_parm('v_divisions') expected at least 3, got 1")
    assert (stale.get_error_message() or "").startswith(
        "RuntimeError: fetch_surfaces() found 'torus' not cooked")


def test_assets_share_the_default_session_worker(host: Host) -> None:
    a = host.root.create(HoudiniAsset, "a")
    b = host.root.create(HoudiniAsset, "b")
    assert a.worker_comp is b.worker_comp
    assert [c.path for c in host.root.walk() if isinstance(c, SerialWorkerCOMP)] == [
        DEFAULT_WORKER_PATH]


def test_the_build_pulse_cooks_a_full_size_mesh_while_frames_keep_coming() -> None:
    """The default torus: 640 x 480 = 307,200 vertices, built on the worker thread.

    A realtime host, as in use: frames are paced (the host's thread sleeps between
    them), and they keep coming while the worker cooks.
    """
    with Host(fps=60.0, realtime=True) as host:
        asset = host.root.create(HoudiniAsset, "donut")
        asset.par.Build.pulse()
        (row,) = host.tasks.rows()
        assert row.description == "/donut build"
        info = wait_for(host, row.task_id)
        assert info["status"] is TaskStatus.COMPLETED, info["error"]
        (surface,) = asset.surfaces
        assert (surface.vertex_count, surface.face_count) == (307_200, 614_400)
        assert asset.surfaces_table.values()[1][:3] == ["torus_surface", "307200", "614400"]
        assert host.frame > 1 and host.stats.frames == host.frame


def test_a_missing_worker_path_is_reported(host: Host) -> None:
    asset = host.root.create(HoudiniAsset, "lost")
    asset.par.Worker = "/nowhere"
    with pytest.raises(LookupError, match=r"/lost par.Worker expected the path of a "
                                          r"SerialWorkerCOMP, got '/nowhere' \(found None\)"):
        asset.cook()
