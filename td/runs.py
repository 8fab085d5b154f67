"""TD's ``run()``: scripts and callables run at the start (or end) of a later frame.

    run("args[0].par.Status = 'ready'", comp, delayFrames=1)     # a script, as in TD
    run(comp.Refresh, delayMilliSeconds=500, fromOP=comp)        # a callable
    r = run(fn, endFrame=True); r.kill()

Each host has one `RunQueue`: a heap of pending runs keyed by the frame each is due
in, served by one frame-start and one frame-end callback, so a frame pays for the
runs that are due, not for every run pending. A script string is compiled when
`run()` is called (a syntax error is refused there, not later) and executed in TD's
scope: ``me`` is ``fromOP`` (by default the operator whose code called `run()`),
``args`` the extra arguments, and every TD global is there.
"""

from __future__ import annotations

import heapq
import itertools
import math
import reprlib
import weakref
from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, Any

from td.current import call_as, current_operator
from td.network import OP

if TYPE_CHECKING:
    from td.core import HostCore

__all__ = ["Run", "RunQueue", "check_delay", "queue_for"]

ScopeFactory = Callable[[Any], dict[str, Any]]
_scope_factory: list[ScopeFactory] = []


def set_scope_factory(factory: ScopeFactory) -> None:
    """Tell this module how to build TD's scope for ``me`` (`td.environment` does,
    at import: it stands above this module)."""
    _scope_factory[:] = [factory]


class Run:
    """One delayed execution (TD's Run class): ``kill()``, ``active``,
    ``remainingFrames``, ``remainingMilliseconds``, ``source``, ``args``."""

    def __init__(self, queue: RunQueue, source: str | Callable[..., object],
                 code: CodeType | None, args: tuple[Any, ...], from_op: OP | None,
                 frame: int, end_frame: bool, group: str | None) -> None:
        self._queue = queue
        self._source = source
        self._code = code
        self.args = args
        self.fromOP = from_op
        self.endFrame = end_frame
        self.group = group
        self._active = True
        self._frame = frame
        self._pending = True
        self._version = 0

    # -- TD's members ---------------------------------------------------------------
    @property
    def active(self) -> bool:
        """Whether it will run when its frame comes (settable, as in TD): False once it
        ran, was killed, or its host closed."""
        return self._active and self._pending and not self._queue.closed

    @active.setter
    def active(self, on: bool) -> None:
        if not isinstance(on, bool):
            raise ValueError(f"Run.active expected True or False, got {on!r}")
        self._active = on

    @property
    def source(self) -> str | Callable[..., object]:
        """The script string or the callable."""
        return self._source

    @property
    def isString(self) -> bool:
        return isinstance(self._source, str)

    @property
    def isDAT(self) -> bool:
        return False

    @property
    def isCell(self) -> bool:
        return False

    @property
    def path(self) -> OP | None:
        """The operator the script runs as (``me``)."""
        return self.fromOP

    @property
    def pending(self) -> bool:
        """True until the run executed or was killed, or its host closed."""
        return self._pending and not self._queue.closed

    @property
    def frame(self) -> int:
        """The frame it runs in."""
        return self._frame

    @property
    def remainingFrames(self) -> int:
        """Frames until it runs (0 once due); settable, as in TD."""
        return max(self._frame - self._queue.host.frame, 0) if self._pending else 0

    @remainingFrames.setter
    def remainingFrames(self, frames: int) -> None:
        check_delay("remainingFrames", frames, whole=True)
        self._queue.reschedule(self, self._queue.host.frame + max(int(frames), 1))

    @property
    def remainingMilliseconds(self) -> float:
        """Milliseconds of host time until it runs (whole frames); settable."""
        return self.remainingFrames * 1000.0 / self._queue.host.fps

    @remainingMilliseconds.setter
    def remainingMilliseconds(self, ms: float) -> None:
        check_delay("remainingMilliseconds", ms)
        frames = round(float(ms) * self._queue.host.fps / 1000)
        self._queue.reschedule(self, self._queue.host.frame + max(frames, 1))

    def kill(self) -> bool:
        """Cancel it before it runs; True if it was still pending."""
        if not self.pending:
            return False
        self._pending = False
        self._queue.forget(self)
        return True

    def _execute(self) -> None:
        self._pending = False
        self._queue.forget(self)
        if not self._active:
            return
        host = self._queue.host
        try:
            if self._code is not None:
                scope = _scope_factory[0](self.fromOP)
                scope["args"] = self.args
                call_as(self.fromOP, exec, self._code, scope)
            elif self.fromOP is not None:
                call_as(self.fromOP, self._source, *self.args)  # type: ignore[arg-type]
            else:
                self._source(*self.args)  # type: ignore[operator]
        except Exception as exc:
            host.report_exception(f"run({self._describe()})", exc)

    def _describe(self) -> str:
        text = self._source if isinstance(self._source, str) else repr(self._source)
        return text if len(text) <= 60 else text[:57] + "..."

    def __repr__(self) -> str:
        state = "pending" if self.pending else "done"
        where = "end" if self.endFrame else "start"
        return f"<Run {self._describe()} at the {where} of frame {self._frame} {state}>"


class RunQueue:
    """A host's pending runs, by the frame (and frame phase) each is due in."""

    def __init__(self, host: HostCore) -> None:
        self._host_ref = weakref.ref(host)
        self._start: list[tuple[int, int, int, Run]] = []
        self._end: list[tuple[int, int, int, Run]] = []
        self._count = itertools.count()
        self._live: set[Run] = set()
        host.on_frame_start(self._frame_started)
        host.on_frame_end(self._frame_ended)

    @property
    def closed(self) -> bool:
        """Whether its host closed (or is gone): no run of it will execute."""
        host = self._host_ref()
        return host is None or host.closed

    @property
    def host(self) -> HostCore:
        host = self._host_ref()
        if host is None:  # the queue lives in the host's callbacks only
            raise RuntimeError("run(): this run's host is gone")
        return host

    @property
    def runs(self) -> list[Run]:
        """The pending runs, soonest first (TD's ``runs``)."""
        return sorted(self._live, key=lambda r: (r.frame, r.endFrame))

    def add(self, run: Run) -> Run:
        self._live.add(run)
        self._push(run)
        return run

    def reschedule(self, run: Run, frame: int) -> None:
        if not run._pending:
            return
        run._frame = frame
        run._version += 1  # the old heap entry is skipped when reached
        self._push(run)

    def forget(self, run: Run) -> None:
        self._live.discard(run)

    def _push(self, run: Run) -> None:
        heap = self._end if run.endFrame else self._start
        heapq.heappush(heap, (run._frame, next(self._count), run._version, run))

    def _frame_started(self, host: HostCore) -> None:
        self._serve(self._start, host.frame)

    def _frame_ended(self, host: HostCore) -> None:
        self._serve(self._end, host.frame)

    def _serve(self, heap: list[tuple[int, int, int, Run]], frame: int) -> None:
        while heap and heap[0][0] <= frame:
            _, _, version, run = heapq.heappop(heap)
            if run._pending and version == run._version:
                run._execute()


_queues: weakref.WeakKeyDictionary[HostCore, RunQueue] = weakref.WeakKeyDictionary()


def queue_for(host: HostCore) -> RunQueue:
    """The host's run queue, made on first use."""
    queue = _queues.get(host)
    if queue is None:
        queue = _queues[host] = RunQueue(host)
    return queue


def check_delay(name: str, value: object, *, whole: bool = False) -> float:
    """A delay given to `run()` as a float, or a one-sentence `ValueError`."""
    kind = "a whole number >= 0" if whole else "a finite number >= 0"
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            whole and not isinstance(value, int)):
        raise ValueError(f"run() expected {name} as {kind}, got {reprlib.repr(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float: 10**400
        number = math.inf
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"run() expected {name} as {kind}, got {reprlib.repr(value)}")
    return number


def schedule(host: HostCore, script: str | Callable[..., object], args: tuple[Any, ...], *,
             delayFrames: int, delaySeconds: float, delayMilliSeconds: float,
             delayRef: object, fromOP: OP | None, endFrame: bool,
             group: str | None) -> Run:
    """What `td.environment.run` does once the host is known; see there."""
    code: CodeType | None = None
    if isinstance(script, str):
        try:
            code = compile(script, "<run() script>", "exec", dont_inherit=True)
        except SyntaxError as exc:
            raise ValueError(f"run() was given a script with a syntax error ({exc.msg}, "
                             f"line {exc.lineno}): {script!r}") from None
    elif not callable(script):
        raise TypeError(f"run() expected a script string or a callable, got {script!r}")
    frames = check_delay("delayFrames", delayFrames, whole=True)
    seconds = check_delay("delaySeconds", delaySeconds)
    ms = check_delay("delayMilliSeconds", delayMilliSeconds)
    if delayRef is not None and not isinstance(delayRef, OP):
        raise ValueError(f"run() expected delayRef as an operator or None, got {delayRef!r}")
    if fromOP is not None and not isinstance(fromOP, OP):
        raise ValueError(f"run() expected fromOP as an operator or None, got {fromOP!r}")
    for what, given in (("delayRef", delayRef), ("fromOP", fromOP)):
        if given is not None and not given.valid:  # type: ignore[attr-defined]
            raise ValueError(f"run() was given {given!r} as {what}, which is destroyed")
    if not isinstance(endFrame, bool):
        raise ValueError(f"run() expected endFrame as True or False, got {endFrame!r}")
    if group is not None and not isinstance(group, str):
        raise ValueError(f"run() expected group as a string or None, got {group!r}")
    delay_ms = seconds * 1000 + ms
    # TD rounds a time delay to the nearest frame; frames and time add up.
    total = frames + round(delay_ms * host.fps / 1000) if math.isfinite(delay_ms) else math.inf
    if total > 2**62:
        raise ValueError(f"run() expected a delay the host can reach, got delayFrames="
                         f"{delayFrames!r}, delaySeconds={delaySeconds!r}, "
                         f"delayMilliSeconds={delayMilliSeconds!r}")
    # The start of the current frame has passed: 0 and 1 both mean the next one. The
    # end of the current frame has not (while one runs), so endFrame may mean this one.
    in_frame = host.running_since is not None
    if endFrame:
        frame = host.frame + int(total) + (0 if in_frame else 1)
    else:
        frame = host.frame + max(int(total), 1)
    me = fromOP if fromOP is not None else current_operator()
    return queue_for(host).add(Run(queue_for(host), script, code, args,
                                   me if isinstance(me, OP) else None, frame, endFrame,
                                   group))
