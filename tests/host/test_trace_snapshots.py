"""Trace snapshots: a scene's or a test's task events, frame by
frame, compared with a stored syrupy snapshot (``__snapshots__/``; refresh with
``pytest --snapshot-update`` after a deliberate change)."""

from __future__ import annotations

import asyncio

import pytest
from syrupy.assertion import SnapshotAssertion

from host import Host
from host.testing import TaskTrace, trace_scene, wait_for_tasks


def test_the_hello_scene_first_300_frames_match_the_snapshot(
        snapshot: SnapshotAssertion) -> None:
    trace = trace_scene("hello", frames=300)
    assert len(trace) > 20
    assert trace.text() == snapshot


def test_a_scene_trace_is_identical_on_every_run() -> None:
    first = trace_scene("failures", frames=120)
    assert first.text() == trace_scene("failures", frames=120).text()
    statuses = {status for _, _, _, status in first.events}
    assert {"pending", "running", "completed", "failed", "cancelled"} <= statuses


def test_a_tests_own_tasks_are_traced_by_the_fixture(
        host: Host, task_trace: TaskTrace, snapshot: SnapshotAssertion) -> None:
    async def nap(seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "rested"

    async def broken() -> None:
        await asyncio.sleep(0.05)
        raise ValueError("no")

    ids = [host.tasks.Run(nap(0.1), description="nap"),
           host.tasks.Run(broken(), description="broken"),
           host.tasks.Run(nap(5.0), description="too long", timeout=0.2)]
    wait_for_tasks(host, ids)  # type: ignore[arg-type]
    assert task_trace.lines()[0] == "     0      1 pending   nap"
    assert task_trace.text() == snapshot


def test_a_stopped_trace_records_nothing_more(host: Host) -> None:
    trace = TaskTrace(host)

    async def nothing() -> None:
        return None

    host.tasks.Run(nothing())
    host.step()
    trace.stop()
    trace.stop()  # idempotent
    host.tasks.Run(nothing())
    host.step()
    assert [(f, i, s) for f, i, _, s in trace.events] == [
        (0, 1, "pending"), (1, 1, "running"), (1, 1, "completed")]


def test_trace_scene_rejects_a_bad_frame_count() -> None:
    with pytest.raises(ValueError, match="expected frames as a whole number >= 0, got -1"):
        trace_scene("hello", frames=-1)
