"""``framehost run ... --trace FILE.json``: the run in Google's Trace Event Format."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from host.cli import main

SceneFile = Callable[..., Path]

LINEAGE_SCENE = """\
    import asyncio

    async def child(n):
        await asyncio.sleep(0.05 * n)
        return n

    async def parent(host):
        ids = [host.tasks.Run(child(n), description=f"child {n}") for n in (1, 2)]
        await asyncio.sleep(0.2)
        return ids

    async def forever():
        await asyncio.sleep(3600)

    def build(host):
        host.tasks.Run(parent(host), description="parent",
                       completion_callback=lambda outcome: None)
        host.tasks.Run(forever(), description="forever")
    """


def _events(path: Path) -> list[dict[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    events = document["traceEvents"]
    assert isinstance(events, list)
    return events


def test_the_trace_of_a_scene_run_has_tasks_frames_callbacks_and_lineage(
        capsys: pytest.CaptureFixture[str], scene_file: SceneFile, tmp_path: Path) -> None:
    trace = tmp_path / "run.json"
    status = main(["run", str(scene_file(LINEAGE_SCENE)), "--headless", "--no-realtime",
                   "--frames", "30", "--trace", str(trace)])
    assert status == 0
    assert "wrote the trace" in capsys.readouterr().err
    events = _events(trace)
    for event in events:
        if event["ph"] == "X":
            assert {"name", "ts", "dur", "pid", "tid"} <= event.keys()
            assert event["dur"] >= 0
    tasks = {e["args"]["task_id"]: e for e in events if e["ph"] == "X" and e["cat"] == "task"}
    # One complete event per task that ended: all four (the host's close cancelled one).
    assert sorted(e["name"] for e in tasks.values()) == ["child 1", "child 2", "forever",
                                                          "parent"]
    assert len([e for e in events if e["ph"] == "X" and e["cat"] == "task"]) == 4
    statuses = {e["name"]: e["args"]["status"] for e in tasks.values()}
    assert statuses == {"child 1": "completed", "child 2": "completed", "forever": "cancelled",
                        "parent": "completed"}
    frames = [e for e in events if e["ph"] == "X" and e["cat"] == "frame"]
    assert [e["name"] for e in frames] == [f"frame {n}" for n in range(1, 31)]
    assert any(e["ph"] == "X" and e["cat"] == "callback" for e in events)
    # Lineage: a flow from the parent's slice to each child's.
    parent = next(e for e in tasks.values() if e["name"] == "parent")
    starts = {e["id"]: e for e in events if e["ph"] == "s"}
    ends = {e["id"]: e for e in events if e["ph"] == "f"}
    assert len(starts) == 2 and starts.keys() == ends.keys()
    children = {e["tid"]: e for e in tasks.values() if e["name"].startswith("child")}
    for flow_id, start in starts.items():
        assert start["tid"] == parent["tid"]
        assert parent["ts"] <= start["ts"] <= parent["ts"] + parent["dur"]
        child = children[ends[flow_id]["tid"]]
        assert child["args"]["parent_id"] == parent["args"]["task_id"]
    # Overlapping tasks never share a lane (events on one track must nest).
    by_lane: dict[int, list[tuple[float, float]]] = {}
    for event in tasks.values():
        by_lane.setdefault(event["tid"], []).append((event["ts"], event["ts"] + event["dur"]))
    for spans in by_lane.values():
        spans.sort()
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_trace_wants_a_json_file_in_an_existing_folder(
        capsys: pytest.CaptureFixture[str], scene_file: SceneFile, tmp_path: Path) -> None:
    path = str(scene_file(LINEAGE_SCENE))
    assert main(["run", path, "--headless", "--trace", str(tmp_path / "run.txt")]) == 2
    assert "--trace expected a .json file, got" in capsys.readouterr().err
    missing = tmp_path / "nowhere" / "run.json"
    assert main(["run", path, "--headless", "--trace", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not missing.exists()
