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

What a run tells the writer is kept as raw facts, one tuple per event (a task's id,
status, description, parent, error and the wall-clock time; a cost's entry and end),
and made into the format's events when the frame ends: the per-task work while the
run goes is an append, and the lanes, lineage and JSON text are made in one loop
per frame. Events are then written out, so memory stays bounded over a long run:
what is kept is a frame's raw facts, one entry per active task, one heap entry per
lane, and the lane of a finished parent while some child of it has not ended yet.
Timestamps are microseconds of the host's ``wall_clock`` since the writer was made.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from asyncio_comp.status import TaskStatus
from td.blame import BlameKind, FrameSpan

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
        # Raw facts since the last flush, in the order they happened.
        self._changes: list[tuple[float, int, TaskStatus, str, int | None, str | None]] = []
        self._costs: list[tuple[BlameKind, str, float, float]] = []
        self._collections: list[tuple[float, float, int]] = []
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
        texts = [_meta("process_name", 0, name)]
        for tid, label in ((TID_FRAMES, "frames"), (TID_THREAD, "host thread"),
                           (TID_GC, "gc")):
            texts.append(_meta("thread_name", tid, label))
            texts.append(json.dumps({"ph": "M", "name": "thread_sort_index", "pid": PID,
                                     "tid": tid, "args": {"sort_index": tid}},
                                    separators=(",", ":")))
        self._write(texts)
        host.tasks.add_task_change_listener(self._on_change)
        host.add_frame_listener(self._on_frame)
        host.gc_watch.add_listener(self._on_collection)
        host.blame.observe(self._on_cost)

    # -- sources: raw facts, kept until the frame ends ----------------------------------
    def _on_change(self, task_id: int, status: TaskStatus, description: str,
                   parent: int | None, error: str | None) -> None:
        if status is not _RUNNING:  # a task's slice spans submission to ending
            self._changes.append((self._clock(), task_id, status, description, parent, error))

    def _on_cost(self, kind: BlameKind, name: str, seconds: float, ended: float) -> None:
        if kind in _THREAD_KINDS:  # frames, hooks, collections: tracks of their own
            self._costs.append((kind, name, seconds, ended))

    def _on_collection(self, started: float, ended: float, generation: int) -> None:
        # Inside the collector's callback: kept, and written at the frame's end.
        self._collections.append((started, ended, generation))

    def _on_frame(self, span: FrameSpan) -> None:
        texts = self._flush()
        report = span.late
        args = ""
        if report is not None:
            top = json.dumps([[e.kind, e.name, round(e.seconds * 1000, 3)] for e in report.top])
            args = (f',"args":{{"late":true,"duration_ms":{report.duration * 1000:.3f},'
                    f'"top":{top}}}')
        texts.append(f'{{"ph":"X","name":"frame {span.frame}","cat":"frame",'
                     f'"ts":{(span.started - self._origin) * 1e6:.3f},'
                     f'"dur":{span.duration * 1e6:.3f},"pid":{PID},"tid":{TID_FRAMES}{args}}}')
        self._write(texts)

    # -- raw facts into events -------------------------------------------------------
    def _flush(self) -> list[str]:
        """The events of the raw facts kept since the last flush (which it empties),
        as JSON texts. One loop, its names local: it runs once per task that ended."""
        texts: list[str] = []
        origin = self._origin
        if self._changes:
            changes, self._changes = self._changes, []
            opened = self._open
            children_open = self._children_open
            free = self._free
            append = texts.append
            for at, task_id, status, description, parent, error in changes:
                now = (at - origin) * 1e6
                if status is _PENDING:
                    opened[task_id] = (now, parent)
                    if parent is not None:
                        children_open[parent] = children_open.get(parent, 0) + 1
                    continue
                submitted, parent = opened.pop(task_id, (now, parent))
                # A lane free since the submission: the one that fell free first, if it
                # is, else a new one. Tasks are placed as they end, so a lane's events end
                # in order and one placed after ``submitted`` cannot overlap (a heap: a
                # burst of 100k tasks makes as many lanes, and a scan of them per task
                # would be quadratic).
                if free and free[0][0] <= submitted:
                    lane = free[0][1]
                    heapq.heapreplace(free, (now, lane))
                else:
                    lane = self._lane_count
                    self._lane_count += 1
                    heapq.heappush(free, (now, lane))
                    append(_LANE_NAME % (TID_LANES + lane, lane + 1))
                args = "" if parent is None else f',"parent_id":{parent}'
                if error is not None:
                    args += f',"error":{_string(error)}'
                append(_TASK % (_string(description), submitted,
                                now - submitted if now > submitted else 0.0,
                                TID_LANES + lane, task_id, _STATUS_TEXT[status], args))
                if parent is not None or task_id in children_open:
                    self._lineage(task_id, parent, submitted, lane, texts)
        if self._costs:
            costs, self._costs = self._costs, []
            texts += [_COST % (_string(name), _COST_CATEGORY[kind],
                               (ended - seconds - origin) * 1e6, seconds * 1e6)
                      for kind, name, seconds, ended in costs]
        if self._collections:
            collections, self._collections = self._collections, []
            texts += [_COLLECTION % (generation, (started - origin) * 1e6,
                                     (ended - started) * 1e6)
                      for started, ended, generation in collections]
        return texts

    def _lineage(self, task_id: int, parent: int | None, submitted: float, lane: int,
                 texts: list[str]) -> None:
        """The flow events of an ended task as a parent (children that ended first
        wait for it) and as a child."""
        if task_id in self._children_open:
            self._parent_lane[task_id] = lane
            for _child, child_submitted, child_lane in self._unlinked.pop(task_id, ()):
                self._flow(lane, child_lane, child_submitted, texts)
                self._child_done(task_id)
        if parent is not None:
            parent_lane = self._parent_lane.get(parent)
            if parent_lane is not None:
                self._flow(parent_lane, lane, submitted, texts)
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

    def _flow(self, parent_lane: int, child_lane: int, at: float, texts: list[str]) -> None:
        """An arrow from the parent's slice, at the child's submission, to the child's."""
        self._flow_id += 1
        texts.append(_FLOW_START % (self._flow_id, at, TID_LANES + parent_lane))
        texts.append(_FLOW_END % (self._flow_id, at, TID_LANES + child_lane))

    # -- output ---------------------------------------------------------------------
    def _write(self, texts: list[str]) -> None:
        """Events' JSON texts, in one write."""
        out = self._out
        if out is None or not texts:
            return
        if self._first:
            self._first = False
        else:
            out.write(",\n")
        out.write(",\n".join(texts))
        self.events += len(texts)

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
            host.tasks.remove_task_listener(self._on_change)
            host.remove_frame_listener(self._on_frame)
        host.gc_watch.remove_listener(self._on_collection)
        host.blame.observe(None)
        self._write(self._flush())
        out.write("\n]}\n")
        out.close()
        self._out = None


def _meta(what: str, tid: int, name: str) -> str:
    return json.dumps({"ph": "M", "name": what, "pid": PID, "tid": tid, "args": {"name": name}},
                      separators=(",", ":"))


# The events made once per task or cost, as %-templates: formatting them directly,
# strings escaped by the json module's C encoder, costs a fraction of ``json.dumps``
# of a dict. The arguments: name (JSON), ts, dur, tid, task id, status, more args.
_TASK = (f'{{"ph":"X","name":%s,"cat":"task","ts":%.3f,"dur":%.3f,"pid":{PID},"tid":%d,'
         f'"args":{{"task_id":%d,"status":"%s"%s}}}}')
# name (JSON), category, ts, dur.
_COST = f'{{"ph":"X","name":%s,"cat":"%s","ts":%.3f,"dur":%.3f,"pid":{PID},"tid":{TID_THREAD}}}'
# generation, ts, dur.
_COLLECTION = (f'{{"ph":"X","name":"gc gen %d","cat":"gc","ts":%.3f,"dur":%.3f,'
               f'"pid":{PID},"tid":{TID_GC}}}')
# tid, lane number.
_LANE_NAME = f'{{"ph":"M","name":"thread_name","pid":{PID},"tid":%d,"args":{{"name":"tasks %d"}}}}'
# flow id, ts, tid.
_FLOW_START = (f'{{"name":"submitted","cat":"lineage","id":%d,"pid":{PID},"ts":%.3f,'
               f'"ph":"s","tid":%d}}')
_FLOW_END = (f'{{"name":"submitted","cat":"lineage","id":%d,"pid":{PID},"ts":%.3f,'
             f'"ph":"f","bp":"e","tid":%d}}')

_STATUS_TEXT = {status: status.value for status in TaskStatus}
#: The kinds of itemised cost on the host thread's track, and their category there.
_COST_CATEGORY = {"task": "step", "callback": "callback"}
_THREAD_KINDS = frozenset(_COST_CATEGORY)
