"""AsyncIOManager: the TDAsyncIO extension, ``op('/ChatTD/TDAsyncIO').ext.AsyncIOManager``.

It is the face LOPs code calls (``Run``, ``CancelTask``, ...) and the frame's
conductor; what views and tools read (rows, counts, blocking reports, task
listeners) is `ManagerViews` (``manager_views.py``), which it inherits. The work
is split three ways, each in its own module:

- `TaskRegistry` (``registry.py``): ids, records, per-status counts, Clear After;
- `TaskLifecycle` (``lifecycle.py``): a task's start, timeout, cancel grace, ending;
- `LoopRunner` (``runner.py``): the event loop, stepped per frame and shut down.

Where framehost's behaviour and the LOPs manager's differ, the manager and those
parts ask the component's `Profile` (``profile.py``; LOPs's is ``lops_profile.py``).

`cook()` does one frame, in this order: admit pending tasks and drain the loop
within the frame budget (a frame with nothing to admit and nothing due on the loop
skips it) → end the tasks that outlived their cancel grace → fire completion
callbacks for the tasks that ended → remove finished tasks whose Clear After age is
reached → let the table know what changed (it writes the rows when read). Every
part of that costs in proportion to what changed this frame.
"""

from __future__ import annotations

import logging
import threading
from asyncio import _get_running_loop
from collections.abc import Callable, Coroutine
from enum import Enum
from gc import get_referents
from types import CoroutineType
from typing import TYPE_CHECKING, Any

from asyncio_comp._loop_internals import ended_referents
from asyncio_comp.blocking import BlockingReport, BlockingWatch
from asyncio_comp.lifecycle import TaskLifecycle
from asyncio_comp.manager_views import ManagerViews
from asyncio_comp.ownership import owned_by, running_code_of
from asyncio_comp.pacing import OutsidePacer
from asyncio_comp.profile import Profile
from asyncio_comp.progress import submitting_task_id
from asyncio_comp.records import TaskOutcome, TaskRecord
from asyncio_comp.registry import TaskRegistry
from asyncio_comp.runner import LoopRunner
from asyncio_comp.status import StopState, TaskStatus
from asyncio_comp.validation import close_given, validate_run
from td.current import read_current_operator
from td.network import OP

if TYPE_CHECKING:
    from asyncio_comp._loop_internals import FrameEventLoop
    from asyncio_comp.table_sync import TaskTableSync
    from td.core import HostCore

__all__ = ["AsyncIOManager"]

log = logging.getLogger("framehost.asyncio")
_get_ident = threading.get_ident
_ENDED_REFERENTS = ended_referents
_current_operator = read_current_operator


class _Phase(Enum):
    """Where the manager is in its life (asyncio's ``Runner._State``)."""

    OPEN = "open"
    """Tasks are accepted and the loop is stepped each frame."""
    CLOSING = "closing"
    """`close()` is cancelling and settling what is left; `Run()` raises."""
    CLOSED = "closed"
    """The loop is closed; frames do nothing and `Run()` raises."""


# A module global: Run's common path tests it, and an enum class's attribute lookup
# costs more than a global's.
_OPEN = _Phase.OPEN
_CLOSED = _Phase.CLOSED


class AsyncIOManager(ManagerViews):
    """Tracks tasks on the host's event loop; the methods LOPs code calls.

    Built by the TDAsyncIO component with its parameters' values at creation; it
    follows later changes through `apply_parameter`.
    """

    def __init__(self, host: HostCore, table: TaskTableSync, *, profile: Profile | None = None,
                 active: bool = True, frame_budget_ms: float = 4.0,
                 clear_after: float = 60.0) -> None:
        self._host = host
        self._profile = profile = Profile() if profile is None else profile
        self._now = host.clock.now_reader()  # host.time(), cheaper (once per Run)
        # Read by every frame's cook: the clock's plain attributes, not the host's
        # properties (the mode never changes).
        self._clock = host.clock
        self._realtime = host.clock.realtime
        self._guard = host.guard
        self._owner_thread = host.guard.owner_ident  # Run compares it inline
        self._runner = LoopRunner(host)
        self._loop = self._runner.loop
        self._registry = TaskRegistry(table, first_id=profile.first_id)
        # A single step longer than two frame periods stalls frames: name it. (One
        # period gives false alarms when another thread holds the GIL mid-step.) Never
        # below 20 ms: at 100k fps two periods are 20 µs, which an OS scheduler tick, a
        # GIL hand-over to a view's render thread or a page fault exceed in any step.
        threshold = max(2.0 / host.fps, 0.02)
        self._blocking = BlockingWatch(threshold, host, self._on_blocking)
        self._lifecycle = TaskLifecycle(host, self._runner.loop, self._registry,
                                        self._blocking, profile)
        # Realtime frames budget the drain on the host's (injectable) wall clock;
        # non-realtime ones drain until idle and are paced only to outside work.
        self._pacer = OutsidePacer(self._loop, 1.0 / host.fps, lambda: host.frame, self._drain,
                                   blame=host.blame, wall_clock=lambda: host.wall_clock())
        self._phase = _OPEN
        # The parameters read every frame, mirrored by `apply_parameter`: reading a
        # parameter costs more than all the rest of an idle frame's work.
        self._stepping = bool(active)
        self._budget_seconds = frame_budget_ms / 1000.0
        self._clear_after = float(clear_after)
        if not self._stepping:
            self._lifecycle.set_paused(True, host.time())
        # A realtime host waits for its next frame in this loop, not in time.sleep.
        host.serve_between_frames(self._between_frames)

    @property
    def loop(self) -> FrameEventLoop:
        """The host's one event loop (owned by this manager's `LoopRunner`)."""
        return self._loop

    @property
    def profile(self) -> Profile:
        """How this manager behaves where framehost and LOPs differ."""
        return self._profile

    @property
    def clear_after(self) -> float:
        """Seconds a finished task stays tracked (the ``Clearafter`` parameter)."""
        return self._clear_after

    # == the contract's API ======================================================
    def Run(self, coroutines: Coroutine[Any, Any, Any] | list[Coroutine[Any, Any, Any]],
            description: str | None = None, info: Any = None, timeout: float | None = None,
            completion_callback: Callable[[TaskOutcome], object] | None = None,
            ) -> int | list[int] | None:
        """Track and schedule one coroutine or several; returns the id or the ids
        (the LOPs profile: the last id, None for an empty list).

        Raises:
            TypeError / ValueError: for bad input; nothing is registered and every
                coroutine given that nobody else owns is closed.
            ThreadViolation: called from another thread; nothing is touched.
            RuntimeError: the host is closing or closed; the coroutines are closed.
        """
        # From another thread: raise before touching anything, coroutines included.
        if _get_ident() != self._owner_thread:
            self._guard.check(self)
        lifecycle = self._lifecycle
        coro = coroutines
        if (timeout is None and self._phase is _OPEN
                # `validation.is_new_native` inline (`_loop_internals.new_native_check`):
                # a native coroutine not started, not owned, not closed.
                and type(coro) is CoroutineType and not (coro.cr_running or coro.cr_suspended)
                and coro not in lifecycle.waiting
                and (len(get_referents(coro)) > _ENDED_REFERENTS if _ENDED_REFERENTS
                     else coro.cr_frame is not None)
                and (description is None or type(description) is str)
                and (completion_callback is None or callable(completion_callback))):
            # The common call, one new native coroutine and nothing to convert: these
            # checks are all `validate_run` would make, and there is one record to
            # build, registered inline (`_register` without its call) because Run is
            # called by the hundred thousand. Anything else takes the general path,
            # with its messages.
            registry = self._registry
            name = description or coro.__qualname__
            rec = TaskRecord(registry.next_id(), coro, name, info, None, completion_callback,
                             self._now(), lifecycle)
            # No running loop (a scene's build, a callback): no task is submitting,
            # said by the C-level check alone, without `submitting_task_id`'s call.
            if _get_running_loop() is not None:
                rec.parent_id = submitting_task_id()
            rec.op_owner = _current_operator()
            registry.add(rec)
            lifecycle.submitted(rec)
            return rec.task_id
        if self._phase is not _OPEN:
            close_given(coroutines, lifecycle.waiting)
            if self._phase is _Phase.CLOSED:
                when = "after the host closed"
            else:
                when = "while the host is closing"
            raise RuntimeError(f"Run() called {when}; nothing was scheduled")
        profile = self._profile
        if profile.lenient_run and type(coroutines) in (list, tuple) and not coroutines:
            return None  # LOPs: nothing to run, nothing registered
        request = validate_run(coroutines, description, info, timeout, completion_callback,
                               owned=lifecycle.waiting, lenient=profile.lenient_run)
        # Names first: they may run user code (a __qualname__ property), which must
        # not be interrupted half way through registering the tasks.
        coros = request.coroutines
        described = request.description
        names = [described or profile.describe(c) for c in coros]
        now = self._now()
        ids = []
        for index, coro in enumerate(coros):
            task_id = self._register(coro, names[index], request.info, request.timeout,
                                     request.callback, now)
            ids.append(task_id)
        return profile.run_result(ids)

    def _register(self, coro: Coroutine[Any, Any, Any], name: str, info: Any,
                  timeout: float | None, callback: Callable[[TaskOutcome], object] | None,
                  now: float) -> int:
        """Track one checked coroutine as a new pending task; its id."""
        registry = self._registry
        rec = TaskRecord(registry.next_id(), coro, name, info, timeout, callback, now,
                         self._lifecycle)
        rec.parent_id = submitting_task_id()
        rec.op_owner = _current_operator()  # a task's code runs as its owner's
        # Registered and counted together: a KeyboardInterrupt landing between two
        # tasks leaves every registered one counted.
        registry.add(rec)
        self._lifecycle.submitted(rec)
        return rec.task_id

    def operators_destroyed(self, doomed: list[Any]) -> int:
        """Cancel the active tasks owned by the operators just destroyed, or running
        the code of the extension objects a re-init just replaced (the host's
        `on_destroy`; see ownership.py); how many were asked to stop. Pending ones end
        `cancelled` at once, running ones as soon as they unwind (the next drain of
        the loop)."""
        if self._phase is not _OPEN:
            return 0
        self._lifecycle.drop_callbacks_bound_to(doomed)
        operators = [node for node in doomed if isinstance(node, OP)]
        retired = {id(obj) for obj in doomed if not isinstance(obj, OP)}
        active = self._registry.active_records()
        stopping = owned_by(active, operators) if operators else []
        if retired:
            stopping += running_code_of(active, retired)
        count = 0
        for rec in stopping:
            if rec.stop is StopState.NOT_ASKED:
                self._lifecycle.request_stop(rec, TaskStatus.CANCELLED)
                count += 1
        return count

    def CancelTask(self, task_id: int) -> bool:
        """Cancel one active task; False if it is unknown or already finished.

        A pending task ends `cancelled` at once; a running one is cancelled and ends
        when its coroutine has unwound, normally within the same or next frame.
        """
        self._guard.check(self)
        valid_id = isinstance(task_id, int) and not isinstance(task_id, bool)
        rec = self._registry.get(task_id) if valid_id else None
        if rec is None or not rec.status.is_active:
            return False
        self._lifecycle.request_stop(rec, TaskStatus.CANCELLED)
        return True

    def Cancelactive(self) -> int | None:
        """Cancel every pending and running task; how many were asked to stop (the
        LOPs profile: None)."""
        self._guard.check(self)
        count = 0
        for rec in self._registry.active_records():
            if rec.stop is StopState.NOT_ASKED:
                self._lifecycle.request_stop(rec, TaskStatus.CANCELLED)
                count += 1
        return self._profile.pulse_result(count)

    def Clearfinished(self) -> int | None:
        """Forget every finished task now; how many were removed (LOPs: None)."""
        self._guard.check(self)
        return self._profile.pulse_result(self._registry.forget_finished())

    def Clearall(self) -> int | None:
        """Cancel every active task and forget every task; how many were removed
        (LOPs: None).

        Cancelled tasks still get their completion callback when they end (not in
        the LOPs profile, which calls back on completed and failed only).
        """
        self._guard.check(self)
        self.Cancelactive()
        return self._profile.pulse_result(self._registry.forget_all())

    def GetTaskResult(self, task_id: int) -> Any:
        """The result of a completed task; None if unknown or not completed."""
        self._guard.check(self)
        rec = self._registry.get(task_id)
        if rec is None or rec.status is not TaskStatus.COMPLETED:
            return None
        return rec.result

    def GetTaskInfo(self, task_id: int) -> dict[str, Any] | None:
        self._guard.check(self)
        rec = self._registry.get(task_id)
        return None if rec is None else self._profile.info_dict(rec)

    def GetAllTasksInfo(self) -> list[dict[str, Any]]:
        self._guard.check(self)
        info_dict = self._profile.info_dict
        return [info_dict(rec) for rec in self._registry.records()]

    def GetActiveTasksCount(self) -> int:
        self._guard.check(self)
        return self._registry.active_count()

    def GetTaskStatus(self) -> type[Enum]:
        """The status enum: `TaskStatus` (a `StrEnum`), or LOPs's plain `Enum`."""
        return self._profile.status_enum()

    def GetTaskStatusValues(self) -> dict[str, Enum]:
        return {member.name: member for member in self._profile.status_enum()}

    def _on_blocking(self, report: BlockingReport) -> None:
        self._host.report_warning(report.message())
        self._registry.mark_changed()  # the views show the newest reports

    # == the frame ===============================================================
    def cook(self) -> None:
        """One frame of work; called by the component between start and end callbacks."""
        if self._phase is _CLOSED:
            return
        # A frame with nothing to admit and nothing due skips the loop. Realtime frames
        # drain within the Framebudget; virtual ones until idle, then pace to outside work.
        if self._stepping:
            realtime = self._realtime
            if self._lifecycle.admission or self._loop.has_work():
                self._blocking.follow_host()
                budget = self._budget_seconds if realtime else None
                self._runner.step(budget, self._lifecycle.admit)
            if not realtime:
                self._pacer.pace()
        # Paused or not, what did change (a pulse, a Run, a cancel) reaches the
        # callbacks and the table by the end of the frame.
        now = self._now()
        self._lifecycle.end_of_frame(now)
        profile = self._profile
        clear = self._clock.frame % profile.clear_every == 0
        self._registry.end_of_frame(now, self._clear_after if clear else None,
                                    profile.strict_clear_after)

    def _between_frames(self, seconds: float) -> bool:
        """Realtime: the wait before the next frame runs the loop, so a reply from a
        socket or a timer due meanwhile is handled at once instead of up to a frame
        later (a Dask round trip took two frames). Tasks are admitted in frames only.
        False once something stopped the loop (``loop.stop()``): the host then waits
        for the next frame without running the loop again."""
        if self._phase is not _OPEN or not self._stepping:
            return False
        self._blocking.follow_host()
        return self._runner.serve(seconds)

    def _drain(self) -> None:
        """The non-realtime step: drain until idle, bounded by iterations, not time."""
        self._runner.step(None, self._lifecycle.admit)

    def apply_parameter(self, name: str, value: Any) -> None:
        """Follow a new value of one of the component's parameters (its
        ``onValueChange``); names it does not read are ignored."""
        if name == "Active":
            self._stepping = bool(value)
            self._lifecycle.set_paused(not self._stepping, self._host.time())
        elif name == "Framebudget":
            self._budget_seconds = value / 1000.0
        elif name == "Clearafter":
            self._clear_after = float(value)
        elif name == "Updatetable":
            self._registry.table.set_enabled(bool(value))

    # == shutdown ================================================================
    def close(self) -> None:
        """Cancel everything, let it unwind, fire callbacks, close the loop.

        Whatever tasks and callbacks do, the loop ends closed within a bounded time
        (see `LoopRunner.close`). A KeyboardInterrupt or SystemExit raised by a task
        or a callback meanwhile is raised again once the loop is closed. `Run()` from
        a callback or a task's cleanup during the close raises RuntimeError. Calling
        it again does nothing.

        Raises:
            RuntimeError: called from a task on this loop (``host.close()`` may be:
                the host then closes when the frame ends).
        """
        if self._phase is not _OPEN:
            return
        if self._loop.is_running():
            raise RuntimeError("AsyncIOManager.close() called from a task on its own loop; "
                               "call host.close(), which closes the host when the frame ends")
        self._phase = _Phase.CLOSING
        self._host.serve_between_frames(None)
        lifecycle = self._lifecycle
        registry = self._registry
        # A task asked to stop already is cancelled again, not asked again: its
        # first reason and grace stand.
        for rec in registry.active_records():
            if rec.status is TaskStatus.PENDING or rec.stop is StopState.NOT_ASKED:
                lifecycle.request_stop(rec, TaskStatus.CANCELLED)
            elif rec.task is not None:
                rec.task.cancel()
        tasks = [rec.task for rec in registry.records()]
        tasks += lifecycle.stopping_tasks()
        tasks += lifecycle.detached
        self._blocking.follow_host()
        try:
            self._runner.close(tasks, self._settle)
        finally:
            self._phase = _Phase.CLOSED

    def _settle(self) -> None:
        """At close, once the loop gave every task its chance: end what is left and
        fire every callback; the first KeyboardInterrupt a callback raised is raised
        once they all had their turn."""
        lifecycle = self._lifecycle
        for rec in self._registry.active_records():
            lifecycle.finish(rec, rec.cancel_reason or TaskStatus.CANCELLED)
        raised = lifecycle.fire_all_callbacks()
        if raised:
            raise raised[0]

