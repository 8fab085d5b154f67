"""Write a host's run as a Trace Event Format file (``framehost run ... --trace FILE.json``).

Google's Trace Event Format (the JSON that Perfetto's UI and ``chrome://tracing``
open) is a list of events. The run becomes, in one process:

- a ``frames`` track: one complete event (``ph: "X"``) per frame, its work's span,
  a late frame's top costs in its ``args``;
- a ``host thread`` track: task steps and completion callbacks that the frame
  blame itemised (every callback while a trace is written; the steps long enough
  to be itemised, `td.blame.FrameBlame.threshold`);
- a ``gc`` track: every collection of the cyclic garbage collector;
- ``tasks`` lanes: one complete event per task that ended, from its submission to
  its ending, named by its description. Task lifetimes overlap, and events on one
  track must nest, so each ending task takes a lane that has been free since the
  task's submission (lanes are reused; their number is the run's peak concurrency);
- flow events (``ph: "s"``/``"f"``) from a parent task to each task its code
  submitted: the lineage arrows.

No library is used: the format is a flat JSON list of dicts, which the standard
``json`` module writes. The well-kept Python package for Perfetto (``perfetto``)
writes Perfetto's protobuf format and reads traces through a downloaded
``trace_processor`` binary; viztracer is a profiler of Python calls, not a writer
of an application's own events.

Events are streamed to the file as they become known, so memory stays bounded over
a long run: what is kept is one entry per active task, one heap entry per lane, and the
lane of a finished parent while some child of it has not ended yet. Timestamps are
microseconds of the host's ``wall_clock`` since the writer was made.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from asyncio_comp.records import TaskRow
from asyncio_comp.status import TaskStatus
from td.blame import BlameEntry, FrameSpan

if TYPE_CHECKING:
    from host.assemble import Host

__all__ = ["TraceWriter"]

#: A str as a JSON string literal (the json module's C encoder).
_string: Callable[[str], str] = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]

PID = 1
TID_FRAMES = 1
TID_THREAD = 2
TID_GC = 3
#: The first task lane's tid; lane ``n`` is ``TID_LANES + n``.
TID_LANES = 100

_PENDING = TaskStatus.PENDING
_RUNNING = TaskStatus.RUNNING


class TraceWriter:
    """Records a host's run into ``path`` until `close()`; see the module docstring.

    Made before the scene builds (so its first tasks are seen) and closed after the
    host closed (so the tasks cancelled at close are written too).
    """

    def __init__(self, host: Host, path: str | Path, *, name: str = "framehost") -> None:
        self._host = host
        self._clock: Callable[[], float] = host.wall_clock
        self._origin = self._clock()
        self._out: IO[str] | None = open(path, "w", encoding="utf-8")
        self._out.write('{"displayTimeUnit": "ms", "traceEvents": [\n')
        self._first = True
        self.events = 0
        self._meta("process_name", 0, name)
        for tid, label in ((TID_FRAMES, "frames"), (TID_THREAD, "host thread"),
                           (TID_GC, "gc")):
            self._meta("thread_name", tid, label)
            self._emit({"ph": "M", "name": "thread_sort_index", "pid": PID, "tid": tid,
                        "args": {"sort_index": tid}})
        # task id -> (submitted us, parent id): the active tasks.
        self._open: dict[int, tuple[float, int | None]] = {}
        self._free: list[tuple[float, int]] = []  # (when its last event ended, lane)
        self._lane_count = 0
        # Parents with a child not ended yet: how many, and the parent's lane once it ended.
        self._children_open: dict[int, int] = {}
        self._parent_lane: dict[int, int] = {}
        # Children that ended before their parent: (child id, submitted us, lane) per parent.
        self._unlinked: dict[int, list[tuple[int, float, int]]] = {}
        self._flow_id = 0
        self._collections: list[tuple[float, float, int]] = []
        host.tasks.add_task_listener(self._on_task)
        host.add_frame_listener(self._on_frame)
        host.gc_watch.add_listener(self._on_collection)
        host.blame.observe(self._on_cost)

    # -- sources --------------------------------------------------------------------
    def _now_us(self) -> float:
        return (self._clock() - self._origin) * 1e6

    def _on_task(self, row: TaskRow) -> None:
        status = row.status
        if status is _PENDING:
            parent = row.parent_id
            self._open[row.task_id] = (self._now_us(), parent)
            if parent is not None:
                self._children_open[parent] = self._children_open.get(parent, 0) + 1
        elif status is not _RUNNING:
            self._ended(row)

    def _ended(self, row: TaskRow) -> None:
        end = self._now_us()
        submitted, parent = self._open.pop(row.task_id, (end, row.parent_id))
        lane = self._lane_for(submitted, end)
        args = f'"task_id":{row.task_id},"status":"{row.status.value}"'
        if parent is not None:
            args += f',"parent_id":{parent}'
        if row.error is not None:
            args += f',"error":{_string(row.error)}'
        self._write(f'{{"ph":"X","name":{_string(row.description)},"cat":"task",'
                    f'"ts":{submitted:.3f},"dur":{max(0.0, end - submitted):.3f},'
                    f'"pid":{PID},"tid":{TID_LANES + lane},"args":{{{args}}}}}')
        # Lineage: this task as a parent (children that ended first wait for it) ...
        task_id = row.task_id
        if task_id in self._children_open:
            self._parent_lane[task_id] = lane
            for _child, child_submitted, child_lane in self._unlinked.pop(task_id, ()):
                self._flow(lane, child_lane, child_submitted)
                self._child_done(task_id)
        # ... and as a child.
        if parent is not None:
            parent_lane = self._parent_lane.get(parent)
            if parent_lane is not None:
                self._flow(parent_lane, lane, submitted)
                self._child_done(parent)
            elif parent in self._open:
                self._unlinked.setdefault(parent, []).append((task_id, submitted, lane))
            else:  # the parent was never seen (submitted before the trace began)
                self._child_done(parent)

    def _child_done(self, parent: int) -> None:
        left = self._children_open.get(parent, 1) - 1
        if left <= 0:
            self._children_open.pop(parent, None)
            self._parent_lane.pop(parent, None)
        else:
            self._children_open[parent] = left

    def _lane_for(self, start: float, end: float) -> int:
        """A lane free since ``start``: the one that fell free first, if it is, else a
        new one. Tasks are placed as they end, so a lane's events end in order and
        one placed after ``start`` cannot overlap (a heap: a burst of 100k tasks
        makes as many lanes, and a scan of them per task would be quadratic)."""
        free = self._free
        if free and free[0][0] <= start:
            lane = free[0][1]
            heapq.heapreplace(free, (end, lane))
            return lane
        lane = self._lane_count
        self._lane_count += 1
        heapq.heappush(free, (end, lane))
        self._meta("thread_name", TID_LANES + lane, f"tasks {lane + 1}")
        return lane

    def _flow(self, parent_lane: int, child_lane: int, at: float) -> None:
        """An arrow from the parent's slice, at the child's submission, to the child's."""
        self._flow_id += 1
        common = {"name": "submitted", "cat": "lineage", "id": self._flow_id, "pid": PID,
                  "ts": at}
        self._emit({**common, "ph": "s", "tid": TID_LANES + parent_lane})
        self._emit({**common, "ph": "f", "bp": "e", "tid": TID_LANES + child_lane})

    def _on_frame(self, span: FrameSpan) -> None:
        if self._collections:
            self._write_collections()
        report = span.late
        args = ""
        if report is not None:
            top = json.dumps([[e.kind, e.name, round(e.seconds * 1000, 3)] for e in report.top])
            args = (f',"args":{{"late":true,"duration_ms":{report.duration * 1000:.3f},'
                    f'"top":{top}}}')
        self._write(f'{{"ph":"X","name":"frame {span.frame}","cat":"frame",'
                    f'"ts":{(span.started - self._origin) * 1e6:.3f},'
                    f'"dur":{span.duration * 1e6:.3f},"pid":{PID},"tid":{TID_FRAMES}{args}}}')

    def _on_collection(self, started: float, ended: float, generation: int) -> None:
        # Inside the collector's callback: kept, and written at the frame's end.
        self._collections.append((started, ended, generation))

    def _write_collections(self) -> None:
        collections, self._collections = self._collections, []
        for started, ended, generation in collections:
            self._emit({"ph": "X", "name": f"gc gen {generation}", "cat": "gc",
                        "ts": (started - self._origin) * 1e6, "dur": (ended - started) * 1e6,
                        "pid": PID, "tid": TID_GC})

    def _on_cost(self, entry: BlameEntry, ended: float) -> None:
        if entry.kind not in ("task", "callback"):
            return  # frames, hooks and collections have tracks of their own
        category = "step" if entry.kind == "task" else entry.kind
        self._write(f'{{"ph":"X","name":{_string(entry.name)},"cat":"{category}",'
                    f'"ts":{(ended - entry.seconds - self._origin) * 1e6:.3f},'
                    f'"dur":{entry.seconds * 1e6:.3f},"pid":{PID},"tid":{TID_THREAD}}}')

    # -- output ---------------------------------------------------------------------
    def _meta(self, what: str, tid: int, name: str) -> None:
        self._emit({"ph": "M", "name": what, "pid": PID, "tid": tid, "args": {"name": name}})

    def _emit(self, event: dict[str, Any]) -> None:
        self._write(json.dumps(event, separators=(",", ":")))

    def _write(self, text: str) -> None:
        """One event's JSON text. The two written once per task (its slice and its
        callback's) are formatted directly, their strings escaped by the json
        module's C encoder: ``json.dumps`` of a dict was most of a traced task's cost."""
        out = self._out
        if out is None:
            return
        if self._first:
            self._first = False
        else:
            out.write(",\n")
        out.write(text)
        self.events += 1

    @property
    def closed(self) -> bool:
        return self._out is None

    def close(self) -> None:
        """Stop listening and finish the file (valid JSON from here on). Idempotent."""
        out = self._out
        if out is None:
            return
        host = self._host
        if not host.closed:
            host.tasks.remove_task_listener(self._on_task)
            host.remove_frame_listener(self._on_frame)
        host.gc_watch.remove_listener(self._on_collection)
        host.blame.observe(None)
        self._write_collections()
        out.write("\n]}\n")
        out.close()
        self._out = None
