"""Every use of asyncio internals in framehost, in one place.

The loop's clock (`BaseEventLoop.time` is overridden so that timers follow the host's
frame clock); the length of the loop's ready queue (`loop._ready`), which tells the
stepper whether another iteration has work to do; `FrameEventLoop.has_work`, which reads
the ready queue, the timer heap (`loop._scheduled`, `TimerHandle._when`,
`loop._clock_resolution`) and the loop's selector (`FrameSelector`, the platform's
default selector subclassed, and its ``_fd_to_key``) to tell whether a frame may skip
the loop altogether. `forget_pending` sets a task's
``_log_destroy_pending`` when shutdown gives up on a coroutine that refuses to stop,
and closes it with the loop set as running (``asyncio.events._set_running_loop``).
`set_loop_reader` reads which loop ``asyncio.set_event_loop`` set for this thread (the
default policy's ``_local._loop``) without the side effect of ``get_event_loop()``,
which may create a loop. Pacing non-realtime frames to outside work
(`asyncio_comp.pacing`, `WaitWatch`) relies on a C task scheduling each step and wake-up
through ``loop.call_soon`` as a callable bound to it (``__self__``), and reads each
task's ``_fut_waiter``, a gather's ``_children``, a coroutine chain's ``cr_await`` and
``cr_code`` (is the innermost one ``asyncio.sleep``?), the length of the selector's key
dict and of ``loop._signal_handlers``, a subprocess transport's ``_exit_waiters``, and
`threading`'s tables of threads (``threading._active``, ``threading._limbo``: their
lengths and newest entries, `_ThreadTables`).
Driving the loop directly swaps ``loop._selector`` for the length of a ``run_forever``
(`_DirectSelector`); ``create_task`` reads ``_task_factory``, and debug mode trims this
module's frame off ``_source_traceback``. Telling where a task waits
(`asyncio_comp.where`) reads the future a task waits on (``_fut_waiter``), an
``asyncio.sleep``'s timer (its local ``h``) and a gather's ``_children``. For speed on
every task: ``get_debug`` reads the loop's ``_debug`` flag, and
`FrameEventLoop.call_soon` builds an ``asyncio.Handle`` by setting its slots
(``_callback``, ``_args``, ``_context``, ...) and appends it to ``loop._ready`` itself.
`coroutine_closed` reads which objects a coroutine refers to (``gc.get_referents``)
instead of ``cr_frame``, which on CPython 3.11 would create a frame object per
coroutine. `live_tasks` (what a close cancels) reads asyncio's set of every task,
``asyncio.tasks._all_tasks``, a ``WeakSet``, through its ``data`` (the weak references).

`tests/asyncio_comp/test_loop_internals.py` pins all of them, so a Python upgrade
that changes them fails loudly there rather than subtly elsewhere.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import ctypes
import functools
import gc
import selectors
import socket
import threading
import time
import weakref
from asyncio import tasks as _tasks
from asyncio.events import _get_running_loop, _set_running_loop
from collections.abc import Callable, Container
from types import CoroutineType, FrameType, FunctionType
from typing import Any, TypeVar

from asyncio_comp.executor import DaemonThreadPool
from asyncio_comp.outside_work import OutsideWork
from asyncio_comp.progress import (
    child_context,
    program_context,
    work_owner,
    work_owner_active,
)
from asyncio_comp.tracked_coroutine import TrackedCoroutine

_T = TypeVar("_T")
_Handle = asyncio.Handle
_new_object = object.__new__
_copy_context = contextvars.copy_context
#: What ``asyncio.gather`` returns: a task waiting on it waits on other tasks.
_GATHERING: type[asyncio.Future[Any]] = getattr(_tasks, "_GatheringFuture")  # noqa: B009
#: The task class asyncio creates (the C one on CPython): a step or a wake-up that
#: ``call_soon`` schedules is a method bound to one (``__self__``).
_TASK = asyncio.Task
_SLEEP_CODE = asyncio.sleep.__code__
# `threading`'s two tables of threads (running ones by ident; started but not yet
# running ones, each keyed by itself), read by `_ThreadTables`. Both dicts live as
# long as the module (a fork clears and refills them in place).
_threads_running: dict[int, threading.Thread] = getattr(threading, "_active")  # noqa: B009
_threads_starting: dict[threading.Thread, object] = getattr(threading, "_limbo")  # noqa: B009
# Iterators over each table from its newest entry (running: over its threads), made
# by bound methods kept, which costs less than ``reversed()`` at each look.
_newest_running = _threads_running.values().__reversed__
_newest_starting = _threads_starting.__reversed__
_perf = time.perf_counter
_MISSING = object()

__all__ = [
    "FrameEventLoop",
    "WaitWatch",
    "coroutine_closed",
    "ended_referents",
    "forget_pending",
    "gathered",
    "live_tasks",
    "new_native_check",
    "ready_count",
    "set_loop_reader",
    "sleep_deadline",
    "waited_future",
]


def _close_sockets(*sockets: socket.socket) -> None:
    for sock in sockets:
        sock.close()


_Events = list[tuple[selectors.SelectorKey, int]]


class FrameSelector(selectors.DefaultSelector):
    """The loop's selector: the platform's default one, and a look the next poll reuses.

    Before a frame runs the loop it asks whether an iteration would find anything
    (`FrameEventLoop.has_work`); beside registered descriptors that is a poll that
    does not wait (`look`). When it finds events, the iteration that follows would
    poll again at once for the same events (the selector is level-triggered), so
    `select` hands it the look's events instead: a frame makes one poll whether or
    not anything is ready. A registration changed in between drops them (their keys
    may be stale), and that iteration polls itself.

    An epoll or kqueue poll costs the same beside one idle descriptor or thousands
    (the kernel walks only the ready ones): what an idle frame pays for sockets is
    that one poll, however many are registered (``bench/idle_frame.py``).
    """

    def __init__(self) -> None:
        super().__init__()
        self._found: _Events | None = None
        #: Polls made on the kernel's selector (looks and selects), for tests and benches.
        self.polls = 0

    def look(self) -> bool:
        """Poll without waiting; whether anything is ready. The next `select` returns
        what was found without polling again."""
        self.polls += 1
        found = super().select(0)
        self._found = found or None
        return bool(found)

    def select(self, timeout: float | None = None) -> _Events:
        found = self._found
        if found is not None:
            self._found = None
            return found
        self.polls += 1
        return super().select(timeout)

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        self._found = None
        return super().register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        self._found = None
        return super().unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        self._found = None
        return super().modify(fileobj, events, data)

    def close(self) -> None:
        self._found = None
        super().close()


class _ThreadTables:
    """Whether a thread has started or ended since the last look, in O(1): a few
    reads of `threading`'s two tables, whatever the number of threads.

    ``threading._limbo`` holds each started thread until it runs, keyed by itself;
    ``threading._active`` then holds it by its ident until it ends. Both are dicts,
    which keep insertion order, and each thread is put in each once, as a new key,
    so at the end (an ident is reused only after its previous holder's entry was
    deleted, and a deleted key put again goes last). So while any thread that
    started since the last look is still in either table, that table's newest entry
    is one that was not there then; and with no new entry, a thread that ended
    shortened its table. Kept: the newest entry of each (strongly: the id of an
    object kept cannot pass to a new thread) and both lengths; a thread that ends as
    another starts changes the newest entry, where the lengths alone stay the same.

    Not seen: a thread whose ident is that of a `threading._DummyThread` left behind
    (a thread not started by `threading`, that called ``current_thread()`` and has
    ended: `threading` never deletes those entries) takes that entry over in place,
    unless it was still in ``_limbo`` at a look or the dummy's entry was the newest.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        # (how many running, how many starting, newest running, newest starting),
        # or None: the next look finds a change. One attribute, so a thread that
        # calls `forget` cannot leave it half written.
        self._seen: tuple[int, int, object, object] | None = None

    def changed(self) -> bool:
        """Whether the tables changed since the last call; remembers them as they
        are now. A table that changed while it was read counts as changed and is
        looked at again at the next call."""
        seen = self._seen
        starting = _threads_starting
        try:
            # The common call: nothing changed, and no thread is starting.
            if (seen is not None and seen[0] == len(_threads_running)
                    and seen[1] == len(starting)
                    and seen[2] is next(_newest_running(), None)
                    and (not starting or seen[3] is next(_newest_starting(), None))):
                return False
            # Newest first, then the lengths: a thread that starts between the
            # reads makes the next call find a change.
            newest_running = next(_newest_running(), None)
            newest_starting = next(_newest_starting(), None)
        except RuntimeError:  # another thread resized a table while it was read
            self._seen = None
            return True
        self._seen = (len(_threads_running), len(starting), newest_running, newest_starting)
        return True

    def forget(self) -> None:
        """Make the next `changed` True, and hold no thread meanwhile."""
        self._seen = None


class FrameEventLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` is the host's clock.

    In non-realtime mode the host clock is the frame's virtual time, so
    ``asyncio.sleep(0.5)`` and every ``call_at`` fire on an exact frame.
    """

    def __init__(self, time_source: Callable[[], float], *, virtual: bool = False,
                 start_clock: Callable[[], object] | None = None) -> None:
        # False once the host owning this loop was garbage-collected without close()
        # (see `watch_owner`). Set before anything else: `__del__` reads it, and a
        # Ctrl-C while a host is built can end this __init__ at any line.
        self._owner_alive: Callable[[], bool] = lambda: True
        self._on_owner_dropped: weakref.finalize[Any, Any] | None = None
        # Kept: a directly driven virtual loop wraps ``_selector`` for a while.
        self._frame_selector = FrameSelector()
        super().__init__(self._frame_selector)
        self._time_source = time_source
        # Driven directly (`run_forever` not from a frame): a virtual loop's time jumps
        # to its next timer when nothing outside holds it (`_DirectSelector`); a
        # realtime host's clock is started (`start_clock`), or it would read 0.0.
        self._virtual = virtual
        self._start_clock = start_clock
        self._for_host = False
        # Every Task and Future made on this loop asks ``loop.get_debug()`` from C (a
        # Python method call each); this reads the same ``_debug`` flag without a
        # Python frame, and follows ``set_debug`` as the method does.
        self.get_debug = functools.partial(getattr, self, "_debug")  # type: ignore[method-assign]
        # The selector's own dict of watched file descriptors (the loop's wake-up
        # pipe included), kept for its whole life; `get_map()` wraps it in a
        # Python-level mapping whose ``len()`` costs a call.
        self._watched = self._frame_selector._fd_to_key  # type: ignore[attr-defined]
        #: Work in flight outside the loop; non-realtime frames are paced while it lasts.
        self.outside = OutsideWork()
        #: The default executor (``asyncio.to_thread``): one a close can walk away from.
        self.executor = DaemonThreadPool()
        self.set_default_executor(self.executor)
        #: Which tasks wait on what, for pacing (`watch_waits`); None on realtime hosts.
        self._waits: WaitWatch | None = None
        # `WaitWatch.stepped`, filled by `call_soon` with every task scheduled to step.
        self._stepped: dict[asyncio.Task[Any], contextvars.Context | None] | None = None
        # Threads, for `reachable_from_outside`: every live one seen, the quiet ones
        # among them (see `_look_at_threads`), and the answer they give. Looked at
        # again only when a thread has started or ended (`_ThreadTables`), or a
        # quiet thread calls in (which makes the tables' next look find a change).
        self._thread_tables = _ThreadTables()
        # The two sets change on the loop's thread (a look) and on a thread calling
        # ``call_soon_threadsafe`` for the first time: each change, rare on both
        # sides, holds this lock, so a caller noted during a look is never lost.
        self._threads_lock = threading.Lock()
        self._threads_known: set[threading.Thread] = set()
        self._threads_quiet: set[threading.Thread] = set()
        self._threads_called_in: set[threading.Thread] = set()
        self._threads_reach = False
        self._thread_tables.changed()
        self._look_at_threads(quiet=True)
        self._threads_quiet.discard(threading.current_thread())

    def time(self) -> float:
        return self._time_source()

    def run_for_host(self) -> None:
        """``run_forever()`` as the host runs it, for a frame or between frames (the
        stepper, ``serve``): time is the host's, and nothing below applies."""
        self._for_host = True
        # Only pacing asks about threads.
        tables = self._thread_tables if self._waits is not None else None
        if tables is not None and tables.changed():
            self._look_at_threads(quiet=True)
        try:
            self.run_forever()
        finally:
            self._for_host = False
            if tables is not None and tables.changed():
                self._look_at_threads(quiet=False)

    def _look_at_threads(self, *, quiet: bool) -> None:
        """Note threads started since the last look: ``quiet`` ones when the loop was
        not running (the host's setup, a view, a scene's build, a test's body started
        them: nothing of the loop's handed them a future), able to reach the loop when
        it was (a task or callback of the loop's, or a thread it reaches, started
        them). A quiet thread reaches the loop once it calls ``call_soon_threadsafe``.
        Called only when a thread started or ended since the last look (its tables
        `changed`): it walks every thread."""
        tables = self._thread_tables
        alive = set(threading.enumerate())
        if tables.changed():
            # A thread started or ended during the look: look again next time.
            tables.forget()
        # The loop's own thread (the one looking) and its executor's threads are
        # the loop's, quiet or not: they reach it, but no task waits on them alone
        # (an executor call is counted work while it runs).
        me = threading.current_thread()
        owns = self.executor.owns
        with self._threads_lock:
            # Threads that called in since the last look reach the loop, also one
            # that started after `alive` was read.
            called_in, self._threads_called_in = self._threads_called_in, set()
            known = self._threads_known
            quiet_ones = self._threads_quiet
            if quiet:
                quiet_ones |= alive - known - called_in
            quiet_ones &= alive
            self._threads_known = alive | {t for t in called_in if t.is_alive()}
            self._threads_reach = any(
                thread is not me and thread not in quiet_ones and not owns(thread)
                for thread in alive)

    def run_forever(self) -> None:
        """As asyncio's. Driven directly (``run_until_complete`` on ``host.loop``, as a
        plain asyncio program or CPython's test suite does), a realtime host's clock
        starts if no frame started it, and a virtual loop's time runs on by itself:
        when the loop is idle it jumps to the next timer, unless outside work a task
        waits on holds it (`outside_in_flight`); then it follows real time. The host's
        own clock (``host.seconds``) moves only with frames."""
        if self._for_host:
            return super().run_forever()
        if self._start_clock is not None:
            self._start_clock()
        if not self._virtual:
            return super().run_forever()
        selector = self._selector  # type: ignore[has-type]
        self._selector = _DirectSelector(self, selector)
        try:
            return super().run_forever()
        finally:
            self._selector = selector

    def _run_on(self, seconds: float) -> None:
        """Move a directly driven virtual loop's time ``seconds`` on."""
        source = self._time_source
        if not isinstance(source, _Offset):
            source = _Offset(source, 0.0)
            self._time_source = source
        source.offset += seconds

    def watch_owner(self, owner: object) -> None:
        """Be quiet when ``owner`` (the host) is garbage-collected without closing this
        loop: a host dropped unclosed lives while its loop is the thread's current one,
        and goes (with its loop, its tasks and its wake-up sockets) when another loop
        is set or the interpreter exits. asyncio would report the unclosed loop, each
        socket and each pending task; dropping the host said all of that.

        A weakref to the owner is cleared, and a `weakref.finalize` on it is called,
        before any ``__del__`` of that garbage runs: the finalizer closes the wake-up
        sockets (it holds nothing else: anything reaching the loop would keep the host
        alive), then ``__del__`` marks the loop closed.
        """
        alive = weakref.ref(owner)
        self._owner_alive = lambda: alive() is not None
        self._on_owner_dropped = weakref.finalize(
            owner, _close_sockets, self._ssock, self._csock)  # type: ignore[attr-defined]

    def close(self) -> None:
        if self._on_owner_dropped is not None:
            self._on_owner_dropped.detach()
            self._on_owner_dropped = None
        super().close()
        self._let_go()

    def _let_go(self) -> None:
        """Once closed, hold nothing of the host or its tasks.

        Others keep a loop as long as they like: a Dask comm whose peer closed first
        keeps tornado's stream in a ``weakref.finalize`` until the comm is collected,
        and through the stream's IOLoop this loop. Kept, a closed loop must keep
        neither the Host (its time and clock were the host's), nor a task `WaitWatch`
        noted as the close cancelled it, nor that task's record, nor a thread. Its
        time stands where it was; nothing can be scheduled on it any more.
        """
        self._time_source = functools.partial(float, self._time_source())
        self._start_clock = None
        self._waits = None
        self._stepped = None
        with self._threads_lock:
            self._threads_known = set()
            self._threads_quiet = set()
            self._threads_called_in = set()
        self._thread_tables.forget()

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        """As asyncio's, but quiet about the tasks of a host that was dropped unclosed:
        they are destroyed with it (at the latest when the interpreter exits), which is
        what dropping it meant; reporting each as "Task was destroyed but it is
        pending" would only repeat that."""
        if not self._owner_alive():
            return
        super().call_exception_handler(context)

    def __del__(self, _warn: Any = None) -> None:
        if not self._closed and not self._owner_alive():  # type: ignore[attr-defined,has-type]
            # A dropped host's loop (see `watch_owner`): its sockets are closed.
            self._closed = True
            with contextlib.suppress(Exception):
                self._selector.close()  # type: ignore[attr-defined]
        super().__del__()

    def call_soon(  # type: ignore[override]
        self, callback: Callable[..., object], *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        """As asyncio's, in one Python call instead of five.

        Every task's first step and every done callback comes through here (a new
        task's C constructor calls it): asyncio's version goes through
        ``_check_closed``, ``_call_soon``, ``Handle.__init__`` and ``get_debug``, a
        third of what creating a task costs. The handle built here has exactly the
        slots ``Handle.__init__`` sets, to the same values (pinned by a test). Debug
        mode, and a closed loop (to raise asyncio's error), take asyncio's own path.
        """
        stepped = self._stepped
        if stepped is not None and callback.__class__ is not FunctionType:
            # A task's step or wake-up: the task may wait on something new after it.
            owner = getattr(callback, "__self__", None)
            if owner.__class__ is _TASK:
                stepped[owner] = context
        if self._debug or self._closed:  # type: ignore[attr-defined]
            return _users_frame(super().call_soon(callback, *args, context=context))
        handle: asyncio.Handle = _new_object(_Handle)
        handle._context = _copy_context() if context is None else context  # type: ignore[attr-defined]
        handle._loop = self  # type: ignore[attr-defined]
        handle._callback = callback  # type: ignore[attr-defined]
        handle._args = args  # type: ignore[attr-defined]
        handle._cancelled = False  # type: ignore[attr-defined]
        handle._repr = None  # type: ignore[attr-defined]
        handle._source_traceback = None  # type: ignore[attr-defined]
        self._ready.append(handle)  # type: ignore[attr-defined]
        return handle

    def call_soon_threadsafe(  # type: ignore[override]
        self, callback: Callable[..., object], *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        """As asyncio's. On a loop that paces to outside work, a task the callback
        starts (``asyncio.run_coroutine_threadsafe``) is the program's own work:
        another thread handed it in (`progress.work_owner`)."""
        if self._waits is not None:
            context = program_context(context)
            # The calling thread reaches the loop from now on (`_look_at_threads`).
            caller = threading.current_thread()
            if caller in self._threads_quiet or caller not in self._threads_known:
                with self._threads_lock:
                    self._threads_known.add(caller)
                    self._threads_quiet.discard(caller)
                    self._threads_called_in.add(caller)
                self._thread_tables.forget()
        return _users_frame(super().call_soon_threadsafe(callback, *args, context=context))

    def follow_wall_clock(self, wall_clock: Callable[[], float]) -> None:
        """From now on, run the loop's time on with ``wall_clock`` from where it stands.

        For shutdown in non-realtime mode: no frame comes any more, so virtual time
        would stand still, yet what a close awaits (a cluster client's last messages,
        a ``sleep`` in a ``finally``) needs its timers to come due. The host's own
        clock (``host.seconds``) is left as it is.
        """
        origin, started = self._time_source(), wall_clock()
        self._time_source = lambda: origin + (wall_clock() - started)

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., _T], *args: Any,
    ) -> asyncio.Future[_T]:
        """As asyncio's, and the call counts as outside work until it returns."""
        future = super().run_in_executor(executor, func, *args)
        self.outside.track(future)
        return future

    def create_task(self, coro: Any, *, name: object = None,
                    context: contextvars.Context | None = None) -> asyncio.Task[Any]:
        """As asyncio's; a task started from inside a tracked task gets a context
        naming that task, so `report_progress` in it counts for the parent, and one
        started from outside the loop a context marking it the program's own work
        (`progress.work_owner`). A task factory that was given no context gets
        none: factories written before Python 3.11 take no ``context``."""
        if context is not None or self._task_factory is None:  # type: ignore[attr-defined]
            context = child_context(self, context)
        return _users_frame(super().create_task(coro, name=name, context=context))

    def has_work(self) -> bool:
        """Whether one iteration of the loop would run anything now.

        False when no callback is ready, no timer is due and no watched file
        descriptor is readable or writable: then an iteration would only
        poll and return, and an idle frame skips it. The loop's wake-up pipe needs
        no poll: ``call_soon_threadsafe`` and signal handlers put their callback in
        the ready queue before they write to it. Other descriptors are polled
        once, without waiting (`FrameSelector.look`); the iteration that follows
        handles the events that poll found instead of polling for them again.
        """
        if self._ready:  # type: ignore[attr-defined]
            return True
        scheduled = self._scheduled  # type: ignore[attr-defined]
        # The loop runs a timer once its time is less than a clock resolution away.
        if scheduled and (scheduled[0]._when
                          < self.time() + self._clock_resolution):  # type: ignore[attr-defined]
            return True
        if len(self._watched) > 1:
            return self._frame_selector.look()
        return False

    @property
    def selector_polls(self) -> int:
        """Polls the loop's selector has made so far (`FrameSelector.polls`)."""
        return self._frame_selector.polls

    # -- outside work, for pacing non-realtime frames (asyncio_comp.pacing) ------
    def watch_waits(self) -> WaitWatch:
        """Start following which tasks wait on what (non-realtime hosts: the pacer
        asks `outside_in_flight`); the `WaitWatch`. Realtime hosts never pay for it."""
        if self._waits is None:
            self._waits = WaitWatch()
            self._stepped = self._waits.stepped
        return self._waits

    def quiet_first_steps(self) -> None:
        """Stop noting the tasks `call_soon` schedules until `first_steps_of`: the
        lifecycle starts a batch of tracked tasks, whose first steps it hands over
        as one list instead of `call_soon` noting each (most end in that step, and
        are then done with at the cost of one test each)."""
        self._stepped = None

    def first_steps_of(self, records: list[Any]) -> None:
        """Note again what `call_soon` schedules, and have `WaitWatch` look at the
        tasks of ``records`` (tracked records, just started) after their first
        step, as if each had been noted when it was scheduled."""
        waits = self._waits
        if waits is not None:
            self._stepped = waits.stepped
            if records:
                waits.started.append(records)

    def create_frame_future(self) -> asyncio.Future[Any]:
        """A future the host resolves itself at a frame boundary (``next_frame()``):
        a task waiting on it waits on nothing outside the loop."""
        future = self.create_future()
        if self._waits is not None:
            self._waits.inside.add(future)
        return future

    def wait_for_io(self, timeout: float) -> bool:
        """Block in the selector for up to ``timeout`` real seconds; whether anything is
        ready. Nothing is consumed (the selector is level-triggered), so the next loop
        iteration handles what woke it; ``call_soon_threadsafe`` wakes it through the
        self-pipe."""
        return bool(self._selector.select(timeout))  # type: ignore[attr-defined]

    def outside_in_flight(self) -> bool:
        """Whether virtual time must wait for work outside the loop.

        Counted work (`OutsideWork`: executor calls, subprocesses, worker jobs,
        ``outside_work()`` blocks) always holds it. Otherwise it is held while some
        task the program waits on (`WaitWatch.holding`) is blocked on a future that
        nothing inside the loop will resolve, and something outside can reach the
        loop (`reachable_from_outside`).
        """
        if self.outside.in_flight():
            return True
        waits = self._waits
        return waits is not None and waits.holding() and self.reachable_from_outside()

    def reachable_from_outside(self) -> bool:
        """Whether anything outside the loop can wake it now: a descriptor registered
        with its selector (besides its own wake-up pipe), a signal handler, or a
        thread other than the loop's and its executor's own that can reach it: one
        started while the loop ran, or one that has called ``call_soon_threadsafe``
        (`_look_at_threads`). A thread alive but quiet (a view's render thread, an
        idle thread of the program's setup) holds nothing: no task can be waiting on
        it. Each is a few reads: nothing here costs more with more sockets or
        threads, unless a thread started or ended since the last look."""
        if len(self._watched) > 1 or self._signal_handlers:  # type: ignore[attr-defined]
            return True
        if self._thread_tables.changed():
            self._look_at_threads(quiet=False)
        return self._threads_reach

    async def _make_subprocess_transport(  # type: ignore[override]
        self, *args: Any, **kwargs: Any,
    ) -> Any:
        """As asyncio's, and the child counts as outside work until it has exited
        and its pipes have closed."""
        self.outside.begin()
        try:
            transport = await super()._make_subprocess_transport(  # type: ignore[misc]
                *args, **kwargs)
        except BaseException:
            self.outside.end()
            raise
        waiters = getattr(transport, "_exit_waiters", None)
        if waiters is None:
            self.outside.end()
        else:
            waiter: asyncio.Future[Any] = self.create_future()
            waiters.append(waiter)
            waiter.add_done_callback(self._subprocess_ended)
        return transport

    def _subprocess_ended(self, _waiter: object) -> None:
        self.outside.end()



_O = TypeVar("_O")


def _users_frame(made: _O) -> _O:
    """``made`` (a handle or task), its debug-mode ``_source_traceback`` ending at the
    user's line, not at the override here that called asyncio's method."""
    trace = getattr(made, "_source_traceback", None)
    if trace and trace[-1].filename == __file__:
        del trace[-1]
    return made


class _Offset:
    """A clock ``offset`` seconds ahead of ``base`` (a directly driven virtual loop's)."""

    __slots__ = ("base", "offset")

    def __init__(self, base: Callable[[], float], offset: float) -> None:
        self.base = base
        self.offset = offset

    def __call__(self) -> float:
        return self.base() + self.offset


class _DirectSelector:
    """The selector of a virtual loop driven directly (`FrameEventLoop.run_forever`).

    asyncio's ``_run_once`` asks it to wait until the next timer is due; with nothing
    ready and nothing outside holding time, it moves the loop's time to that timer
    instead of waiting (the same rule a virtual frame follows). While outside work
    holds it, it waits in real time and moves the loop's time as far as real time
    went, never further.
    """

    def __init__(self, loop: FrameEventLoop, selector: Any) -> None:
        self._loop = loop
        self._selector = selector

    def __getattr__(self, name: str) -> Any:
        return getattr(self._selector, name)

    def select(self, timeout: float | None = None) -> Any:
        selector = self._selector
        if timeout is None or timeout <= 0:
            return selector.select(timeout)
        loop = self._loop
        if loop.outside_in_flight():
            started = _perf()
            events = selector.select(timeout)
            loop._run_on(min(timeout, _perf() - started))
            return events
        events = selector.select(0)
        if not events:
            loop._run_on(timeout)
        return events


class WaitWatch:
    """Which tasks hold virtual time by waiting on what only the outside can end.

    A task holds it while it waits on a future that no timer or task of the loop
    resolves (not an ``asyncio.sleep``, not another task, not a gather of tasks,
    not a frame future), and while it is the program's work (`progress.work_owner`):
    a tracked task that is active, a task such a task started, a task started
    outside any tracked task, or a task one of those awaits. A task whose tracked
    starter has ended (a cluster client's listener, a server's handler) is in the
    background and holds nothing, nor does a task that never waits on such a future.

    It works only on what changed: `FrameEventLoop.call_soon` records each task
    scheduled to step (`stepped`), and `holding` looks again at those alone, then
    asks one question per owner of the tasks held, not per task. Ten thousand
    sleeping tasks cost nothing once they sleep.
    """

    __slots__ = ("_contexts", "_deps", "_held", "_own", "_place", "_promoted", "inside",
                 "started", "stepped")

    def __init__(self) -> None:
        #: Tasks scheduled to step since the last look, with their contexts.
        self.stepped: dict[asyncio.Task[Any], contextvars.Context | None] = {}
        #: Batches of tracked records started since the last look, whose first steps
        #: `call_soon` did not note (`FrameEventLoop.first_steps_of`).
        self.started: list[list[Any]] = []
        #: Futures resolved by the host at frame boundaries (`create_frame_future`).
        self.inside: weakref.WeakSet[asyncio.Future[Any]] = weakref.WeakSet()
        # How many tracked tasks are held (each marked on its record: `holds_time`);
        # they count while they wait, and a tracked task that ends steps once more.
        self._own = 0
        # Other tasks held, by owner (a tracked task's record, or True for the
        # program's own work), and each one's owner and context.
        self._held: dict[object, set[asyncio.Task[Any]]] = {}
        self._place: dict[asyncio.Task[Any], object] = {}
        self._contexts: dict[asyncio.Task[Any], contextvars.Context | None] = {}
        # The tasks each waiting task awaits, and the owner they count for meanwhile.
        self._deps: dict[asyncio.Task[Any], tuple[asyncio.Task[Any], ...]] = {}
        self._promoted: dict[asyncio.Task[Any], object] = {}

    def holding(self) -> bool:
        """Whether a task of the program's work waits on something only the outside
        can end (see the class docstring)."""
        if self.stepped or self.started:
            self._update()
        if self._own:
            return True
        held = self._held
        if not held:
            return False  # the common frame: no copy made of nothing
        for owner in held:  # the common frame: the first owner answers, nothing copied
            if owner is True or work_owner_active(owner):  # type: ignore[arg-type]
                return True
            break
        for owner in list(held):
            if owner is True or work_owner_active(owner):  # type: ignore[arg-type]
                return True
            # That tracked task has ended: what it left waiting is background now,
            # and is not asked about again until it steps.
            for task in held.pop(owner):
                self._place[task] = False
        return False

    def _update(self) -> None:
        stepped = self.stepped
        started = self.started
        if started:
            # A tracked task that ended in its first step is done with; one still
            # active steps again or waits, and is looked at like any noted task
            # (a tracked task's owner is its record: no context needed).
            for records in started:
                for rec in records:
                    if rec.completed_at is None and rec.task is not None:
                        stepped[rec.task] = None
            started.clear()
        queue = list(stepped.items())
        stepped.clear()
        promoted = self._promoted
        place = self._place
        deps_of = self._deps
        for task, context in queue:
            # `_unplace` only if it has something to undo (`_own` counts the records
            # marked `holds_time`): most tasks that step were never held, and this
            # runs for every task's first step.
            if self._own or task in place:
                self._unplace(task)
            if deps_of:
                for dep in deps_of.pop(task, ()):
                    if promoted.pop(dep, None) is not None and dep in self._contexts:
                        queue.append((dep, self._contexts[dep]))
            if task.done():
                continue
            waiter = task._fut_waiter  # type: ignore[attr-defined]
            if waiter is None:
                stepped[task] = context  # about to run: look again once it has
                continue
            owner = promoted.get(task)
            if owner is None:
                owner = work_owner(task, context)
            if owner is False:
                continue  # background: neither it nor what it awaits holds time
            deps: list[asyncio.Task[Any]] = []
            if self._waits_outside(task, waiter, deps):
                self._place_held(task, owner, context)
            if deps:
                self._deps[task] = tuple(deps)
                for dep in deps:
                    if dep not in promoted:
                        promoted[dep] = owner
                        queue.append((dep, self._contexts.get(dep)))

    def _place_held(self, task: asyncio.Task[Any], owner: object,
                    context: contextvars.Context | None) -> None:
        if owner is task.get_coro():
            owner.holds_time = True  # type: ignore[union-attr]
            self._own += 1
            return
        self._held.setdefault(owner, set()).add(task)
        self._place[task] = owner
        self._contexts[task] = context

    def _unplace(self, task: asyncio.Task[Any]) -> None:
        coro = task.get_coro()
        if getattr(coro, "holds_time", False):
            coro.holds_time = False  # type: ignore[union-attr]
            self._own -= 1
            return
        owner = self._place.pop(task, _MISSING)
        if owner is _MISSING:
            return
        del self._contexts[task]
        tasks = self._held.get(owner)
        if tasks is not None:
            tasks.discard(task)
            if not tasks:
                del self._held[owner]

    def _waits_outside(self, task: asyncio.Task[Any], waiter: asyncio.Future[Any],
                       deps: list[asyncio.Task[Any]]) -> bool:
        """Whether ``waiter`` (what ``task`` awaits) is one only the outside can end;
        the tasks it waits on through it go in ``deps``."""
        if waiter.__class__ is _TASK:
            deps.append(waiter)  # type: ignore[arg-type]
            return False
        if isinstance(waiter, _GATHERING):
            outside = False
            for child in waiter._children:  # type: ignore[attr-defined]
                if child.done():
                    continue
                if child.__class__ is _TASK:
                    deps.append(child)
                elif child not in self.inside:
                    outside = True
            return outside
        if waiter.done() or waiter in self.inside:
            return False
        return not _sleeping(task)


def _sleeping(task: asyncio.Task[Any]) -> bool:
    """Whether ``task``'s innermost coroutine is ``asyncio.sleep`` (its future is
    resolved by a timer of the loop's)."""
    coro: Any = task.get_coro()
    if isinstance(coro, TrackedCoroutine):
        coro = coro.coro
    while True:
        inner = getattr(coro, "cr_await", None)
        if inner is None or not hasattr(inner, "cr_await"):
            return getattr(coro, "cr_code", None) is _SLEEP_CODE
        coro = inner


def live_tasks(loop: asyncio.AbstractEventLoop) -> set[asyncio.Task[Any]]:
    """``asyncio.all_tasks(loop)`` (the tasks of ``loop`` not done) without its
    Python-level walk: asyncio's set of every task alive in the process is a
    `weakref.WeakSet`, whose iterator is a Python generator, and asks each task's
    loop through a Python function; here its weak references are copied and read in
    C, done tasks skipped first. A close walks it twice, past every finished task
    its caller still keeps."""
    refs = getattr(_ALL_TASKS, "data", None)
    if refs is None:
        return asyncio.all_tasks(loop)
    for _ in range(1000):
        try:
            copied = list(refs)  # another thread's loop may add a task meanwhile
        except RuntimeError:
            continue
        break
    else:
        return asyncio.all_tasks(loop)
    found = set()
    for ref in copied:
        task = ref()
        if task is not None and not task.done() and task.get_loop() is loop:
            found.add(task)
    return found


_ALL_TASKS: Any = getattr(_tasks, "_all_tasks", None)


def ready_count(loop: asyncio.AbstractEventLoop) -> int:
    """How many callbacks wait in the loop's ready queue (CPython's ``loop._ready``)."""
    return len(loop._ready)  # type: ignore[attr-defined]


def waited_future(task: asyncio.Task[Any]) -> asyncio.Future[Any] | None:
    """The future a suspended task waits on (CPython's ``task._fut_waiter``), or None."""
    return getattr(task, "_fut_waiter", None)


def sleep_deadline(frame: FrameType) -> float | None:
    """The loop time an ``asyncio.sleep`` suspended in ``frame`` wakes at (its timer
    is the local ``h``; a ``sleep(0)`` has none), or None."""
    if frame.f_code is not _SLEEP_CODE:
        return None
    handle = frame.f_locals.get("h")
    return handle.when() if isinstance(handle, asyncio.TimerHandle) else None


def gathered(future: asyncio.Future[Any]) -> list[asyncio.Future[Any]] | None:
    """The futures an ``asyncio.gather`` future waits on (its ``_children``); None
    for any other future."""
    if not isinstance(future, _GATHERING):
        return None
    return list(getattr(future, "_children", ()))


def forget_pending(task: asyncio.Task[Any], loop: asyncio.AbstractEventLoop) -> None:
    """Close a task's coroutine that refused to stop, and tell asyncio not to log it
    as "Task was destroyed but it is pending" (CPython's ``_log_destroy_pending``).

    Bounded whatever the coroutine does with the GeneratorExit: ``loop`` is the
    running loop meanwhile (``asyncio._set_running_loop``), so an ``await`` in a
    coroutine that swallows it suspends, and ``close()`` raises "coroutine ignored
    GeneratorExit", instead of failing with "no running event loop" where an
    ``except:`` swallows that too and loops forever without yielding. Such a
    coroutine would do the same again whenever it is closed later (its finalizer, at
    the latest when the interpreter exits), so one that raised is kept alive to the
    end of the process (`_keep_forever`): it never runs again.

    Raises:
        BaseException: whatever ``close()`` raised (the caller reports it).
    """
    # Before the close: it may raise, and the task is abandoned either way.
    task._log_destroy_pending = False  # type: ignore[attr-defined]
    coro = task.get_coro()
    previous = _get_running_loop()
    _set_running_loop(loop)
    try:
        coro.close()  # type: ignore[union-attr]
    except BaseException:
        _keep_forever(coro)
        raise
    finally:
        _set_running_loop(previous)


def _keep_forever(obj: object) -> None:
    """One reference to ``obj`` that nothing ever drops, not even the interpreter's
    exit (which clears every module's globals, so a list there would not do)."""
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


def set_loop_reader() -> Callable[[], asyncio.AbstractEventLoop | None]:
    """A function returning the loop set as current for the calling thread, or None.

    Reads the default policy's per-thread slot directly (one attribute read, cheap
    enough to check every frame); a policy without that slot is asked through
    ``get_event_loop()`` only while a loop is known to be set, which creates none.
    """
    policy = asyncio.get_event_loop_policy()
    local = getattr(policy, "_local", None)
    if local is not None and hasattr(local, "_loop"):
        return lambda: local._loop  # type: ignore[no-any-return]

    def ask() -> asyncio.AbstractEventLoop | None:
        try:
            return policy.get_event_loop()
        except RuntimeError:
            return None

    return ask


def _closed_by_frame(coro: CoroutineType[Any, Any, Any]) -> bool:
    return coro.cr_frame is None


def _new_by_frame(value: Any, owned: Container[object]) -> bool:
    return (type(value) is CoroutineType and not (value.cr_running or value.cr_suspended)
            and value not in owned and value.cr_frame is not None)


def _new_by_referents(value: Any, owned: Container[object]) -> bool:
    # `_closed_by_referents` inline: Run asks this of every coroutine it is given.
    return (type(value) is CoroutineType and not (value.cr_running or value.cr_suspended)
            and value not in owned and len(_get_referents(value)) > _ENDED_REFERENTS)


def _closed_by_referents(coro: CoroutineType[Any, Any, Any]) -> bool:
    # A coroutine whose frame is alive refers to its code, name and qualified name,
    # then to its frame's function, code and locals; once it has ended the frame
    # is cleared and only the first three are left (checked by `_pick_closed_check`).
    if coro.cr_running or coro.cr_suspended:
        return False
    return len(gc.get_referents(coro)) <= _ENDED_REFERENTS


_ENDED_REFERENTS = 3
_get_referents = gc.get_referents


def _pick_closed_check() -> Callable[[CoroutineType[Any, Any, Any]], bool]:
    """`_closed_by_referents` if it tells a new coroutine from an ended one on this
    Python (an ended one refers to exactly its code and two names, a new one to its
    function too), else the plain ``cr_frame`` test."""
    async def probe() -> None:
        pass

    fresh: CoroutineType[Any, Any, None] = probe()  # type: ignore[assignment]
    ended: CoroutineType[Any, Any, None] = probe()  # type: ignore[assignment]
    ended.close()
    try:
        ended_refs, fresh_refs = gc.get_referents(ended), gc.get_referents(fresh)
        if (len(ended_refs) == _ENDED_REFERENTS and FunctionType not in map(type, ended_refs)
                and FunctionType in map(type, fresh_refs)):
            return _closed_by_referents
        return _closed_by_frame
    finally:
        fresh.close()


#: Whether a native coroutine has ended (returned, raised or been closed): what
#: ``coro.cr_frame is None`` says, without reading ``cr_frame``. On CPython 3.11 that
#: read creates a frame object that lives as long as the coroutine (memory and a
#: GC-tracked object more per task) for a check `Run` makes on every coroutine.
coroutine_closed: Callable[[CoroutineType[Any, Any, Any]], bool] = _pick_closed_check()

#: Whether ``value`` is a native coroutine that has not run, is not closed and is not
#: in ``owned`` (`validation.is_new_native`): the same test as `coroutine_closed`,
#: in the one call `Run` makes per coroutine.
new_native_check: Callable[[Any, Container[object]], bool] = (
    _new_by_referents if coroutine_closed is _closed_by_referents else _new_by_frame)

#: The referent count at or below which `new_native_check` calls a coroutine ended,
#: or 0 where it reads ``cr_frame`` instead: for `Run`'s common call, which makes the
#: same test inline (one Python call less per task).
ended_referents: int = _ENDED_REFERENTS if coroutine_closed is _closed_by_referents else 0
