"""TaskLifecycle: one task's way from pending to its one ending.

Start (admission to the loop: the task runs the record itself), timeout
(a loop timer armed at submission), stop (cancel, with a grace in which the
coroutine may unwind; one that outlives it is detached and marked ended anyway),
and ending (the status set once, the completion callback fired once). Like
asyncio's `timeouts.Timeout`, the stopping side is a small state machine,
`StopState`, moved only here. The lifecycle holds no list of tasks: what is
tracked, and counted, is `TaskRegistry`'s; the loop is `LoopRunner`'s.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from asyncio_comp.ownership import bound_to, owner_context
from asyncio_comp.records import TaskRecord
from asyncio_comp.status import StopState, TaskStatus
from td.current import call_as

if TYPE_CHECKING:
    from asyncio_comp._loop_internals import FrameEventLoop
    from asyncio_comp.blocking import BlockingWatch
    from asyncio_comp.profile import Profile
    from asyncio_comp.registry import TaskRegistry
    from td.core import HostCore

__all__ = ["ADMIT_CHUNK", "ADMIT_CHUNK_VIRTUAL", "CANCEL_GRACE_SECONDS", "TaskLifecycle"]

# Enum members as module globals for the per-task paths: reading ``TaskStatus.PENDING``
# goes through the enum class's attribute lookup, several times a task.
_PENDING = TaskStatus.PENDING
_RUNNING = TaskStatus.RUNNING
_COMPLETED = TaskStatus.COMPLETED

#: Tasks admitted to the loop per stepper iteration in realtime mode; small enough
#: that one batch of trivial first steps stays well under a millisecond, so the
#: frame budget is checked often.
ADMIT_CHUNK = 64
#: The same in non-realtime mode, where no budget is checked and a frame drains until
#: idle: bigger batches mean fewer loop iterations (each polls the selector) for the
#: same work. Which frame a task starts in does not depend on it.
ADMIT_CHUNK_VIRTUAL = 1024
#: How long (host seconds) a cancelled task may take to wind down before it is
#: marked ended anyway and reported as swallowing its cancellation.
CANCEL_GRACE_SECONDS = 1.0
_EPSILON = 1e-9


class TaskLifecycle:
    """Starts, times out, stops and ends tasks; see the module docstring."""

    def __init__(self, host: HostCore, loop: FrameEventLoop,
                 registry: TaskRegistry, blocking: BlockingWatch, profile: Profile) -> None:
        self._host = host
        # Where the LOPs profile differs: stops end the task at once, and only some
        # endings call back, with the profile's argument.
        self._profile = profile
        self._ends_at_once = profile.ends_at_once
        self._filters_callbacks = profile.filters_callbacks
        self._callback_argument = profile.callback_argument
        self._loop = loop
        self._registry = registry
        #: Times every task's steps (a plain attribute: records read it each step).
        self.watch = blocking
        #: Pending tasks waiting to start, oldest first (read it, do not change it:
        #: ``cook()`` tests it every frame, a plain attribute read).
        self.admission: deque[TaskRecord] = deque()
        registry.follow_pending(self.admission)  # where views find the pending tasks
        #: The coroutines of pending tasks: Run() must neither accept nor close them.
        self.waiting: set[Coroutine[Any, Any, Any]] = set()
        # While the loop is paused (Active off) a cancelled task cannot unwind, so
        # its grace waits: the host time the pause began, or None.
        self._paused_at: float | None = None
        self._ended: list[TaskRecord] = []
        # Common endings (RUNNING → COMPLETED, `coroutine_ended`) the registry has not
        # been told yet: it takes them, a batch at a time, when it settles.
        self._completed: list[TaskRecord] = []
        registry.follow_completions(self._take_completed)
        self._cancelling: dict[int, tuple[TaskRecord, float]] = {}
        # The timeout timers of the active tasks that have one, by task id: kept
        # here rather than in a slot every record would carry.
        self._timers: dict[int, asyncio.TimerHandle] = {}
        self.detached: set[asyncio.Task[Any]] = set()
        self.callback_errors = 0
        self.swallowed_cancellations = 0
        self._now = host.clock.now_reader()  # host.time(), cheaper (twice a task)

    @property
    def sink(self) -> TaskRegistry:
        """Where a running task's handle reports its progress."""
        return self._registry

    def _take_completed(self) -> list[TaskRecord]:
        """The common endings not told to the registry yet, oldest first; the queue
        starts again empty (`TaskRegistry.settle` asks)."""
        completed, self._completed = self._completed, []
        return completed

    # -- the end of each frame --------------------------------------------------
    def end_of_frame(self, now: float) -> None:
        """End the tasks that outlived their cancel grace, then fire the completion
        callbacks of every task that ended; free when neither has work."""
        if self._cancelling and self._paused_at is None:
            self.check_grace(now)
        if self._ended:
            self.fire_callbacks()

    def set_paused(self, paused: bool, now: float) -> None:
        """The loop stops or resumes being stepped (``Active``): cancel graces count
        only the time the loop runs, so a paused task is not blamed for not unwinding."""
        if paused and self._paused_at is None:
            self._paused_at = now
        elif not paused and self._paused_at is not None:
            shift = now - self._paused_at
            self._paused_at = None
            self._cancelling = {task_id: (rec, deadline + shift)
                                for task_id, (rec, deadline) in self._cancelling.items()}

    def stopping_tasks(self) -> list[asyncio.Task[Any]]:
        """The asyncio tasks asked to stop that have not ended yet."""
        return [rec.task for rec, _ in self._cancelling.values() if rec.task is not None]

    # -- start ------------------------------------------------------------------
    def submitted(self, rec: TaskRecord) -> None:
        """A new pending task: queue it for admission and arm its timeout (due
        ``timeout`` seconds after its ``created_at``)."""
        self.admission.append(rec)
        if rec.coro is not None:
            self.waiting.add(rec.coro)
        if rec.timeout is not None:
            self._timers[rec.task_id] = self._loop.call_at(rec.created_at + rec.timeout,
                                                           self._on_timeout, rec)

    def admit(self) -> int:
        """Start up to `ADMIT_CHUNK` pending tasks on the loop (`ADMIT_CHUNK_VIRTUAL`
        in non-realtime mode); how many started.

        Each task runs as the code of the operator that owns it (ownership.py), so
        what it submits is owned alike: an unowned one in a context where no operator
        is current (admission runs in the manager's cook, which is TDAsyncIO's
        code), an owned one in a context naming its owner.
        """
        if not self.admission:
            return 0  # the stepper asks every iteration; most have nothing to start
        return call_as(None, self._admit)

    def _admit(self) -> int:
        admission = self.admission
        loop = self._loop
        registry = self._registry
        factory = loop.get_task_factory()
        new_task = asyncio.Task
        waiting = self.waiting
        batch: list[TaskRecord] = []
        realtime = self._host.realtime
        room = ADMIT_CHUNK if realtime else ADMIT_CHUNK_VIRTUAL  # counted down, not len()
        # A virtual loop notes every task it schedules for pacing (`WaitWatch`); the
        # batch's first steps are handed over as one list instead. Not with a task
        # factory: it may schedule other work, which must be noted as it comes.
        quiet = factory is None and not realtime
        if quiet:
            loop.quiet_first_steps()
        try:
            # ``while True``, not ``while admission and ...``: CPython 3.11 specialises
            # a function's bytecode once it has been called or looped back through
            # an unconditional jump a few times, and a ``while`` with a condition
            # loops back through a conditional one, so a function called a few
            # times a run (once per batch) would run this loop unspecialised.
            while True:
                if not admission or not room:
                    break
                rec = admission.popleft()
                if rec.status is not _PENDING:
                    continue  # cancelled or timed out while waiting
                # The record is the coroutine its task runs (a TrackedCoroutine), which
                # is also how current_task() finds it. asyncio.Task directly: the
                # loop's create_task adds Python-level calls per task to exactly this,
                # unless a task factory is set. Named by its description, a string the
                # record holds already: a name of its own would be one more string per
                # task, and the task's repr names its record, id included.
                name = rec.description
                context = None if rec.op_owner is None else owner_context(rec.op_owner)
                task: asyncio.Task[Any] = (
                    loop.create_task(rec, name=name, context=context) if factory is not None
                    else new_task(rec, loop=loop, name=name, context=context))
                rec.transition(_RUNNING)
                rec.task = task
                waiting.discard(rec.coro)  # the task owns it now
                batch.append(rec)
                room -= 1
        finally:
            if quiet:
                loop.first_steps_of(batch)
            if batch:  # counted once per batch, even if a task factory raised
                registry.started(batch)
        started = len(batch)
        if not self.waiting:
            # A set never shrinks as items go; emptied, clear() hands its table back,
            # so a burst of submissions leaves nothing behind per task.
            self.waiting.clear()
        return started

    def _trim_admission(self) -> None:
        """Drop the tasks that ended while waiting from both ends of the admission
        queue (views read pending tasks from it, newest first): cancelling every
        pending task, even while the loop is paused, leaves it empty."""
        admission = self.admission
        while admission and admission[-1].status is not _PENDING:
            admission.pop()
        while admission and admission[0].status is not _PENDING:
            admission.popleft()

    # -- stop -------------------------------------------------------------------
    def _on_timeout(self, rec: TaskRecord) -> None:
        self._disarm(rec.task_id)
        if rec.status.is_active and rec.stop is StopState.NOT_ASKED:
            self.request_stop(rec, TaskStatus.TIMEOUT)

    def request_stop(self, rec: TaskRecord, reason: TaskStatus) -> None:
        """Ask an active task to end as ``reason`` (CANCELLED or TIMEOUT): a pending
        one ends at once, a running one is cancelled and given the grace to unwind.

        Asked again while it unwinds, it is cancelled again (its cleanup may be
        waiting on something), but the first reason stands (a timed-out task stays
        timed out) and so does the first grace deadline, however often it is asked.
        """
        if rec.stop is StopState.ASKED and rec.task is not None:
            assert rec.cancel_reason is not None
            rec.task.cancel(f"{rec.cancel_reason.value} by TDAsyncIO")
            return
        rec.cancel_reason = reason
        rec.stop = StopState.ASKED
        if reason is TaskStatus.TIMEOUT:
            rec.error = TimeoutError(f"task exceeded its timeout of {rec.timeout:g} s")
        if rec.status is _PENDING:
            if rec.coro is not None:
                self.waiting.discard(rec.coro)
                rec.coro.close()  # an outcome still carries it, closed
            self.finish(rec, reason, coroutine_over=True)
            self._trim_admission()
            return
        task = rec.task
        assert task is not None
        task.cancel(f"{reason.value} by TDAsyncIO")
        if self._ends_at_once:
            # LOPs marks the ending now; the coroutine unwinds at its next step on the
            # loop (`coroutine_ended` then finds the task ended), kept till close.
            self.detached.add(task)
            task.add_done_callback(self.detached.discard)
            self.finish(rec, reason)
            return
        self._cancelling[rec.task_id] = (rec, self._host.time() + CANCEL_GRACE_SECONDS)

    def _disarm(self, task_id: int) -> None:
        """Cancel and forget the timeout timer of ``task_id``, if it has one."""
        timers = self._timers
        timer = timers.pop(task_id, None)
        if timer is not None:
            timer.cancel()
            if not timers:
                timers.clear()  # a dict never shrinks as keys go; emptied, clear() frees it

    def check_grace(self, now: float) -> None:
        """Detach and end the tasks whose coroutine outlived its cancel grace."""
        for task_id, (rec, deadline) in list(self._cancelling.items()):
            if rec.status.is_finished:
                del self._cancelling[task_id]
            elif now >= deadline - _EPSILON:
                del self._cancelling[task_id]
                assert rec.task is not None and rec.cancel_reason is not None
                self.detached.add(rec.task)
                rec.stop = StopState.DETACHED
                self.swallowed_cancellations += 1
                note = (f"the coroutine ignored cancellation for {CANCEL_GRACE_SECONDS:g} s "
                        f"and was detached")
                rec.error = (TimeoutError(f"{rec.error}; {note}") if rec.error is not None
                             else asyncio.CancelledError(note))
                self._host.report_warning(
                    f"task {rec.task_id} ({rec.description}) swallowed its cancellation; "
                    f"marked {rec.cancel_reason.value} and detached")
                self.finish(rec, rec.cancel_reason)

    # -- ending -----------------------------------------------------------------
    def coroutine_ended(self, rec: TaskRecord, result: Any, exc: BaseException | None) -> None:
        """Called by the task's record (its `TrackedCoroutine`) in the step that ended it."""
        if rec.completed_at is not None:
            # Marked ended before (detached after its grace); over now. An outcome
            # not handed out yet still carries the coroutine.
            rec.release(coroutine_over=True)
            return
        registry = self._registry
        if exc is None and rec.cancel_reason is None and not registry.listening:
            # The common ending, once per task: `finish` without its general cases,
            # the registry told in a batch (see `TaskRegistry.settle`). Listeners
            # hear every change as it happens, so they take `finish`.
            rec.result = result
            rec.transition(_COMPLETED, self._now(), True)
            if self._timers:
                self._disarm(rec.task_id)
            self._ended.append(rec)
            # Queued for the registry's next `settle`; told once per batch.
            completed = self._completed
            first = not completed  # a truth test, not a call of len()
            completed.append(rec)
            if first:
                registry.completions_began()
            return
        # It returned or raised: nothing will resume it.
        if exc is None:
            rec.result = result
            # A coroutine that caught its cancellation and returned still ends the way
            # it was asked to: cancelled or timed out, never completed.
            self.finish(rec, rec.cancel_reason or _COMPLETED, coroutine_over=True)
        elif isinstance(exc, asyncio.CancelledError):
            self.finish(rec, rec.cancel_reason or TaskStatus.CANCELLED, coroutine_over=True)
        else:
            rec.error = exc
            self.finish(rec, TaskStatus.FAILED, coroutine_over=True)

    def finish(self, rec: TaskRecord, status: TaskStatus, coroutine_over: bool = False) -> None:
        """The one place a task ends but for the common ending (`coroutine_ended`):
        its status is set, the registry told at once and its callback queued.
        ``coroutine_over``: the coroutine returned, raised or was closed (else it
        may still run: detached, or ended by close)."""
        was = rec.status
        rec.transition(status, self._now(), coroutine_over)
        if self._timers:
            self._disarm(rec.task_id)
        if self._cancelling:
            self._cancelling.pop(rec.task_id, None)
        self._ended.append(rec)
        self._registry.moved(rec, was)

    def drop_callbacks_bound_to(self, doomed: list[Any]) -> None:
        """Forget, unfired, the completion callbacks bound to operators being
        destroyed or extension objects being replaced (ownership.bound_to), of tasks
        still active or ended and not told."""
        gone = {id(node) for node in doomed}
        for rec in [*self._registry.active_records(), *self._ended]:
            if rec.callback is not None and bound_to(rec.callback, gone):
                rec.drop_callback()

    def fire_callbacks(self) -> None:
        """Call the completion callbacks of the tasks that ended, once each.

        A callback is the code of its task's owner, as the task was (so what it
        submits is owned alike); one no operator owns runs as no operator's.
        """
        call_as(None, self._fire_callbacks)

    def _fire_callbacks(self) -> None:
        # Read once: a callback per task, and the common profile filters nothing.
        filters, argument_of = self._filters_callbacks, self._callback_argument
        # Each callback is timed from the reading that ended the one before (one
        # clock read per callback) for frame blame; while a trace observes, every
        # callback is itemised, else only those past the blame's threshold.
        blame = self.watch.blame
        clock = self.watch.clock
        threshold = 0.0 if blame.observer is not None else blame.threshold
        since = clock()
        # A callback may submit or cancel tasks; endings it causes are fired too.
        while self._ended:
            ended, self._ended = self._ended, []
            for rec in ended:
                callback: Callable[..., object] | None = rec.callback
                if callback is None:
                    continue
                if filters and not self._profile.calls_back(rec):
                    task = rec.task
                    rec.release(task is None or task.done(), True)  # no callback to keep them
                    continue
                argument = argument_of(rec)
                try:
                    owner = rec.op_owner
                    if owner is None:
                        callback(argument)
                    else:
                        call_as(owner, callback, argument)
                except Exception as exc:
                    self.callback_errors += 1
                    self._host.report_exception(
                        f"completion callback of task {rec.task_id} ({rec.description})", exc)
                except BaseException:
                    # KeyboardInterrupt & co. propagate, but the tasks after this one
                    # keep their turn: their callbacks fire on the next frame or at close
                    # (found by position only here: a record ends, so is listed, once).
                    self._ended[:0] = ended[ended.index(rec) + 1:]
                    raise
                now = clock()
                if now - since >= threshold:
                    blame.charge("callback", f"#{rec.task_id} {rec.description}",
                                 now - since, now)
                since = now

    def fire_all_callbacks(self) -> list[BaseException]:
        """At close: fire every callback still due, whatever some of them raise; the
        KeyboardInterrupts and the like they raised, for the caller to raise later."""
        raised: list[BaseException] = []
        while self._ended:
            try:
                self.fire_callbacks()
            except BaseException as exc:
                raised.append(exc)
        return raised
