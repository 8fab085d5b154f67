"""`TraceWriter`: every event it writes is a well-formed Trace Event Format event.

Perfetto's ``trace_processor`` (the ``perfetto`` package) fetches a prebuilt binary
when it starts, which this project cannot rely on; so the file is read with ``json``
and each event checked against what the format's specification asks of its phase.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

from host import Host
from host.trace import TraceWriter

# What the Trace Event Format asks of each phase this writer uses, and the types.
_NUMBER = (int, float)
_REQUIRED: dict[str, dict[str, Any]] = {
    "X": {"name": str, "cat": str, "ts": _NUMBER, "dur": _NUMBER, "pid": int, "tid": int},
    "M": {"name": str, "pid": int, "tid": int, "args": dict},
    "s": {"name": str, "cat": str, "id": int, "ts": _NUMBER, "pid": int, "tid": int},
    "f": {"name": str, "cat": str, "id": int, "ts": _NUMBER, "pid": int, "tid": int, "bp": str},
}


async def _leaf(n: int) -> int:
    await asyncio.sleep(0.01 * n)
    return n


async def _fails() -> None:
    await asyncio.sleep(0)
    raise ValueError('a "quoted" failure')


async def _parent(host: Host) -> None:
    for n in range(3):
        host.tasks.Run(_leaf(n), description=f"leaf {n}")
    await asyncio.sleep(0.05)


def _run(host: Host, path: Path) -> TraceWriter:
    writer = TraceWriter(host, path)
    host.tasks.Run(_parent(host), description="parent", completion_callback=lambda o: None)
    for n in range(50):  # a burst: more tasks at once than lanes free
        host.tasks.Run(_leaf(n % 4), description=f"burst {n}",
                       completion_callback=lambda o: None)
    host.tasks.Run(_fails(), description="fails")
    host.step(30)
    host.close()
    writer.close()
    return writer


def test_every_event_is_well_formed_and_every_task_that_ended_has_one_slice(
        tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    with Host(fps=60.0, realtime=False) as host:
        writer = _run(host, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    events = document["traceEvents"]
    assert len(events) == writer.events
    for event in events:
        required = _REQUIRED[event["ph"]]
        for key, kind in required.items():
            assert isinstance(event[key], kind), (key, event)
        if event["ph"] == "X":
            assert event["dur"] >= 0
    tasks = [e for e in events if e["ph"] == "X" and e["cat"] == "task"]
    assert Counter(e["args"]["task_id"] for e in tasks) == Counter(range(1, 56))
    failed = next(e for e in tasks if e["name"] == "fails")
    assert failed["args"]["status"] == "failed"
    assert failed["args"]["error"] == 'ValueError: a "quoted" failure'
    # Every track an event is on is named; the lanes are as many as ran at once.
    named = {e["tid"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert {e["tid"] for e in events if e["ph"] in "Xsf"} <= named
    assert len({e["tid"] for e in tasks}) >= 50
    # Each flow has one start and one end: the parent to each of its three leaves.
    flows = Counter((e["id"], e["ph"]) for e in events if e["ph"] in "sf")
    assert sorted(flows.values()) == [1] * 6
    callbacks = [e for e in events if e["ph"] == "X" and e["cat"] == "callback"]
    assert len(callbacks) == 51  # every callback, however short
    frames = [e for e in events if e["ph"] == "X" and e["cat"] == "frame"]
    assert len(frames) == 30


def test_what_a_frame_told_is_written_when_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    with Host(fps=60.0, realtime=False) as host:
        writer = TraceWriter(host, path)
        host.tasks.Run(_leaf(0), description="quick")
        before = writer.events
        host.step()  # submitted, ran and ended in this frame: written at its end
        assert writer.events == before + 3  # its lane's name, its slice, the frame
        host.step()
        assert writer.events == before + 4  # the next frame alone
        host.close()
        writer.close()
    events = json.loads(path.read_text(encoding="utf-8"))["traceEvents"]
    assert [e["name"] for e in events if e["ph"] == "X" and e["cat"] == "task"] == ["quick"]
