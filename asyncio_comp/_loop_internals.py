"""Every use of asyncio internals in framehost, in one place.

The loop's clock (`BaseEventLoop.time` is overridden so that timers follow the host's
frame clock); the length of the loop's ready queue (`loop._ready`), which tells the
stepper whether another iteration has work to do; `FrameEventLoop.has_work`, which
reads the ready queue, the timer heap (`loop._scheduled`, `TimerHandle._when`,
`loop._clock_resolution`) and the selector (`loop._selector` and its `_fd_to_key`) to
tell whether a frame may skip the loop altogether. `forget_pending` sets a task's
``_log_destroy_pending`` when shutdown gives up on a coroutine that refuses to stop,
and closes it with the loop set as running (``asyncio.events._set_running_loop``).
`set_loop_reader` reads which loop ``asyncio.set_event_loop`` set for this thread (the
default policy's ``_local._loop``) without the side effect of ``get_event_loop()``,
which may create a loop. Pacing non-realtime frames to outside work
(`asyncio_comp.pacing`) reads the selector's keys (``key.data`` is the ``(reader,
writer)`` handle pair), the loop's self-pipe (``loop._ssock``), each task's
``_fut_waiter``, the timer heap's ``asyncio.sleep`` handles, and a subprocess
transport's ``_exit_waiters``. Telling where a task waits (`asyncio_comp.where`) reads
the future a task waits on (``_fut_waiter``), an ``asyncio.sleep``'s timer (its local
``h``) and a gather's ``_children``. For speed on every task: ``get_debug`` reads the loop's
``_debug`` flag, and `FrameEventLoop.call_soon` builds an ``asyncio.Handle`` by setting
its slots (``_callback``, ``_args``, ``_context``, ...) and appends it to
``loop._ready`` itself. `coroutine_closed` reads which objects a coroutine refers to
(``gc.get_referents``) instead of ``cr_frame``, which on CPython 3.11 would create a
frame object per coroutine.

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
import socket
import weakref
from asyncio import futures as _futures
from asyncio import tasks as _tasks
from asyncio.events import _get_running_loop, _set_running_loop
from collections.abc import Callable, Container
from types import CoroutineType, FrameType, FunctionType
from typing import Any, TypeVar

from asyncio_comp.executor import DaemonThreadPool
from asyncio_comp.outside_work import OutsideWork
from asyncio_comp.progress import child_context

_T = TypeVar("_T")
_Handle = asyncio.Handle
_new_object = object.__new__
_copy_context = contextvars.copy_context
#: What ``asyncio.gather`` returns: a task waiting on it waits on other tasks.
_GATHERING: type[asyncio.Future[Any]] = getattr(_tasks, "_GatheringFuture")  # noqa: B009

__all__ = [
    "FrameEventLoop",
    "coroutine_closed",
    "forget_pending",
    "gathered",
    "new_native_check",
    "ready_count",
    "set_loop_reader",
    "sleep_deadline",
    "waited_future",
]


def _close_sockets(*sockets: socket.socket) -> None:
    for sock in sockets:
        sock.close()


class FrameEventLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` is the host's clock.

    In non-realtime mode the host clock is the frame's virtual time, so
    ``asyncio.sleep(0.5)`` and every ``call_at`` fire on an exact frame.
    """

    def __init__(self, time_source: Callable[[], float]) -> None:
        super().__init__()
        self._time_source = time_source
        # False once the host owning this loop was garbage-collected without close()
        # (see `watch_owner`).
        self._owner_alive: Callable[[], bool] = lambda: True
        self._on_owner_dropped: weakref.finalize[Any, Any] | None = None
        # Every Task and Future made on this loop asks ``loop.get_debug()`` from C (a
        # Python method call each); this reads the same ``_debug`` flag without a
        # Python frame, and follows ``set_debug`` as the method does.
        self.get_debug = functools.partial(getattr, self, "_debug")  # type: ignore[method-assign]
        # The selector's own dict of watched file descriptors (the loop's wake-up
        # pipe included), kept for its whole life; `get_map()` wraps it in a
        # Python-level mapping whose ``len()`` costs a call.
        self._watched = self._selector._fd_to_key  # type: ignore[attr-defined]
        #: Work in flight outside the loop; non-realtime frames are paced while it lasts.
        self.outside = OutsideWork()
        #: The default executor (``asyncio.to_thread``): one a close can walk away from.
        self.executor = DaemonThreadPool()
        self.set_default_executor(self.executor)

    def time(self) -> float:
        return self._time_source()

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
        super().close()

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
        if self._debug or self._closed:  # type: ignore[attr-defined]
            return super().call_soon(callback, *args, context=context)
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
        naming that task, so `report_progress` in it counts for the parent."""
        return super().create_task(coro, name=name, context=child_context(self, context))

    def has_work(self) -> bool:
        """Whether one iteration of the loop would run anything now.

        False when no callback is ready, no timer is due and no watched file
        descriptor is readable or writable: then an iteration would only
        poll and return, and an idle frame skips it. The loop's wake-up pipe needs
        no poll: ``call_soon_threadsafe`` and signal handlers put their callback in
        the ready queue before they write to it. Other descriptors are polled
        without waiting; the selector is level-triggered, so the iteration that
        follows sees the same events again.
        """
        if self._ready:  # type: ignore[attr-defined]
            return True
        scheduled = self._scheduled  # type: ignore[attr-defined]
        # The loop runs a timer once its time is less than a clock resolution away.
        if scheduled and (scheduled[0]._when
                          < self.time() + self._clock_resolution):  # type: ignore[attr-defined]
            return True
        if len(self._watched) > 1:
            return bool(self._selector.select(0))  # type: ignore[attr-defined]
        return False

    # -- outside work, for pacing non-realtime frames (asyncio_comp.pacing) ------
    def wait_for_io(self, timeout: float) -> bool:
        """Block in the selector for up to ``timeout`` real seconds; whether anything is
        ready. Nothing is consumed (the selector is level-triggered), so the next loop
        iteration handles what woke it; ``call_soon_threadsafe`` wakes it through the
        self-pipe."""
        return bool(self._selector.select(timeout))  # type: ignore[attr-defined]

    def outside_in_flight(self) -> bool:
        """Whether work outside the loop is in flight: counted work (`OutsideWork`:
        executor calls, subprocesses, worker jobs, ``outside_work()`` blocks) or a
        watched socket in flight (see `sockets_in_flight`)."""
        if self.outside.in_flight():
            return True
        return len(self._watched) > 1 and self.sockets_in_flight()

    def sockets_in_flight(self) -> bool:
        """Whether a watched socket waits on the world outside this loop.

        The rule, in order:

        * A socket with a writer registered (a connect, or a send the kernel has not
          taken yet) is in flight.
        * A socket with only a reader registered counts only when it is connected to
          a peer that is not itself watched by this loop: a listening server has no
          peer, and a client and server of one host talking over loopback are both
          inside work.
        * Such a reader is in flight when someone awaits it: a ``loop.sock_recv``-style
          wait (registered only while awaited); an asyncio stream whose reader has
          a pending read. An idle stream nobody reads (a keep-alive connection) is
          not. For other protocols (aiohttp's, a custom one) the loop cannot see who
          waits on them, so they are in flight while some task is blocked on a plain
          future (not a task, not an ``asyncio.sleep`` timer): possibly slower than
          needed, never ahead of the outside world.

        Pipes (not sockets) never count here; subprocesses are counted by
        `OutsideWork` until they exit.
        """
        self_fd = self._ssock.fileno()  # type: ignore[attr-defined]
        readers: dict[int, asyncio.Handle] = {}
        for fd, key in self._watched.items():
            if fd == self_fd:
                continue
            reader, writer = key.data
            if writer is not None and not writer.cancelled():
                return True
            if reader is not None and not reader.cancelled():
                readers[fd] = reader
        if not readers:
            return False
        local: set[Any] = set()
        peers: dict[int, Any] = {}
        for fd in self._watched:
            if fd == self_fd:
                continue
            name, peer = _addresses(fd)
            if name:
                local.add(name)
            if peer and fd in readers:
                peers[fd] = peer
        unknown = False
        for fd, peer in peers.items():
            if peer in local:
                continue  # both ends are this loop's
            owner = getattr(readers[fd]._callback, "__self__", None)  # type: ignore[attr-defined]
            if not isinstance(owner, asyncio.BaseTransport):
                return True  # loop.sock_recv & co.: registered only while awaited
            protocol = owner.get_protocol()
            if isinstance(protocol, asyncio.StreamReaderProtocol):
                stream = protocol._stream_reader  # type: ignore[attr-defined]
                if stream is not None and stream._waiter is not None:
                    return True
            else:
                unknown = True
        return unknown and self._a_task_waits_on_a_future()

    def _a_task_waits_on_a_future(self) -> bool:
        timers = {id(handle._args[0]) for handle in self._scheduled  # type: ignore[attr-defined]
                  if handle._callback is _futures._set_result_unless_cancelled  # type: ignore[attr-defined]
                  and handle._args}
        for task in asyncio.all_tasks(self):
            waiter = getattr(task, "_fut_waiter", None)
            if (waiter is None or isinstance(waiter, asyncio.Task | _GATHERING)
                    or id(waiter) in timers):
                continue
            return True
        return False

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


def _addresses(fd: int) -> tuple[Any, Any]:
    """``(sockname, peername)`` of the socket ``fd``; None for what it lacks (a pipe,
    a listening socket's peer)."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        return None, None
    try:
        try:
            name = sock.getsockname()
        except OSError:
            name = None
        try:
            peer = sock.getpeername()
        except OSError:
            peer = None
    finally:
        sock.detach()
    return name, peer


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


_SLEEP_CODE = asyncio.sleep.__code__


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
