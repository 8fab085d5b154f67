"""Pins the CPython asyncio details framehost leans on (see asyncio_comp/_loop_internals.py).

If a Python upgrade changes how timers read the loop's clock or removes the loop's
ready queue, these fail here, with a name that says what broke.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import inspect
import socket
import sys
import threading
import weakref
from collections.abc import Iterator

import pytest

from asyncio_comp import _loop_internals
from asyncio_comp._loop_internals import FrameEventLoop, live_tasks, ready_count
from host import Host


def test_host_loop_is_a_frame_event_loop(host: Host) -> None:
    assert isinstance(host.loop, FrameEventLoop)
    assert isinstance(host.loop, asyncio.BaseEventLoop)


def test_loop_time_is_the_frame_clock(host: Host) -> None:
    assert host.loop.time() == 0.0
    host.step(31)
    assert host.loop.time() == host.seconds == 0.5


def test_asyncio_timers_use_the_overridden_time() -> None:
    """call_at/call_later fire by FrameEventLoop.time(), not the monotonic clock."""
    now = [100.0]
    loop = FrameEventLoop(lambda: now[0])
    try:
        fired: list[float] = []
        loop.call_at(105.0, lambda: fired.append(now[0]))
        loop.call_later(2.0, lambda: fired.append(-now[0]))  # due at 102 on this clock

        def run_once() -> None:
            loop.call_soon(loop.stop)
            loop.run_forever()

        run_once()
        assert fired == []
        now[0] = 102.0
        run_once()
        assert fired == [-102.0]
        now[0] = 104.999
        run_once()
        assert fired == [-102.0]
        now[0] = 105.0
        run_once()
        assert fired == [-102.0, 105.0]
    finally:
        loop.close()


def test_asyncio_sleep_reads_loop_time() -> None:
    now = [0.0]
    loop = FrameEventLoop(lambda: now[0])
    try:
        task = loop.create_task(asyncio.sleep(10.0, result="woke"))

        def run_once() -> None:
            loop.call_soon(loop.stop)
            loop.run_forever()

        run_once()
        run_once()
        assert not task.done()
        now[0] = 10.0
        run_once()
        run_once()
        assert task.done() and task.result() == "woke"
    finally:
        loop.close()


def test_ready_queue_exists_and_has_len() -> None:
    loop = FrameEventLoop(lambda: 0.0)
    try:
        ready = loop._ready  # type: ignore[attr-defined]
        assert isinstance(ready, collections.deque)
        assert len(ready) == 0 == ready_count(loop)
        loop.call_soon(lambda: None)
        loop.call_soon(lambda: None)
        assert len(ready) == 2 == ready_count(loop)
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert ready_count(loop) == 0
    finally:
        loop.close()


# -- FrameEventLoop.has_work: what an idle frame may skip ------------------------------

def test_timer_heap_and_selector_internals_have_the_expected_shape() -> None:
    loop = FrameEventLoop(lambda: 0.0)
    try:
        watched = loop._selector._fd_to_key  # type: ignore[attr-defined]
        assert isinstance(watched, dict)
        assert list(watched) == [loop._ssock.fileno()]  # type: ignore[attr-defined]
        assert isinstance(loop._clock_resolution, float)  # type: ignore[attr-defined]
        handle = loop.call_at(5.0, lambda: None)
        scheduled = loop._scheduled  # type: ignore[attr-defined]
        assert scheduled == [handle] and scheduled[0]._when == 5.0
        handle.cancel()
    finally:
        loop.close()


def test_a_fresh_loop_has_no_work_and_a_ready_callback_is_work() -> None:
    loop = FrameEventLoop(lambda: 0.0)
    try:
        assert not loop.has_work()
        loop.call_soon(loop.stop)
        assert loop.has_work()
        loop.run_forever()
        assert not loop.has_work()
    finally:
        loop.close()


def test_a_timer_is_work_from_the_time_it_is_due() -> None:
    now = [0.0]
    loop = FrameEventLoop(lambda: now[0])
    try:
        loop.call_at(2.0, lambda: None)
        assert not loop.has_work()
        now[0] = 1.999
        assert not loop.has_work()
        now[0] = 2.0
        assert loop.has_work()
    finally:
        loop.close()


def test_a_call_from_another_thread_is_work() -> None:
    loop = FrameEventLoop(lambda: 0.0)
    try:
        thread = threading.Thread(target=loop.call_soon_threadsafe, args=(lambda: None,))
        thread.start()
        thread.join()
        assert loop.has_work()
    finally:
        loop.close()


def test_a_watched_socket_is_work_only_once_it_is_readable() -> None:
    loop = FrameEventLoop(lambda: 0.0)
    ours, theirs = socket.socketpair()
    try:
        received: list[bytes] = []
        loop.add_reader(ours.fileno(), lambda: received.append(ours.recv(16)))
        assert not loop.has_work()
        theirs.send(b"ping")
        assert loop.has_work()
        assert loop.has_work()  # the poll consumed nothing: the selector is level-triggered
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert received == [b"ping"]
        assert not loop.has_work()
        loop.remove_reader(ours.fileno())
    finally:
        ours.close()
        theirs.close()
        loop.close()


def test_a_look_the_registration_changed_after_is_not_reused() -> None:
    """`FrameSelector.select` hands the loop what `has_work`'s look found; a reader
    removed in between would otherwise still be called with the stale key."""
    loop = FrameEventLoop(lambda: 0.0)
    ours, theirs = socket.socketpair()
    try:
        received: list[bytes] = []
        loop.add_reader(ours.fileno(), lambda: received.append(ours.recv(16)))
        theirs.send(b"ping")
        assert loop.has_work()
        loop.remove_reader(ours.fileno())
        polls = loop.selector_polls
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert received == []
        assert loop.selector_polls == polls + 1  # the iteration polled for itself
    finally:
        ours.close()
        theirs.close()
        loop.close()


def test_the_set_loop_reader_sees_set_event_loop_without_creating_a_loop() -> None:
    """current_loop.py reads the policy's per-thread slot (``_local._loop``)."""
    from asyncio_comp._loop_internals import set_loop_reader

    policy = asyncio.get_event_loop_policy()
    assert hasattr(policy, "_local") and hasattr(policy._local, "_loop")
    read = set_loop_reader()
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        assert read() is loop
        asyncio.set_event_loop(None)
        assert read() is None  # and reading created nothing
        assert read() is None
    finally:
        asyncio.set_event_loop(None)
        loop.close()


# -- what pacing to outside work reads (WaitWatch, reachable_from_outside) ----------
def test_call_soon_sees_each_task_step_and_wake_up_bound_to_the_task() -> None:
    """A C task schedules its steps (a ``TaskStepMethWrapper``) and its wake-ups (its
    bound ``task_wakeup``) through ``loop.call_soon``, each bound to the task
    (``__self__``)."""
    loop = FrameEventLoop(lambda: 0.0)
    try:
        watch = loop.watch_waits()
        future = loop.create_future()

        async def wait() -> None:
            await future

        task = loop.create_task(wait())
        assert set(watch.stepped) == {task}
        loop.run_until_complete(asyncio.sleep(0))
        watch.stepped.clear()
        future.set_result(None)
        assert set(watch.stepped) == {task}
        loop.run_until_complete(task)
    finally:
        loop.close()


def test_live_tasks_are_all_tasks_of_that_loop_read_from_asyncios_weak_set() -> None:
    """`live_tasks` reads asyncio's set of every task (a ``WeakSet``, its ``data`` the
    weak references) and answers as ``asyncio.all_tasks(loop)``: the loop's tasks not
    done, not another loop's, not a done one something still keeps."""
    assert isinstance(getattr(asyncio.tasks, "_all_tasks"), weakref.WeakSet)  # noqa: B009
    loop, other = FrameEventLoop(lambda: 0.0), asyncio.new_event_loop()
    try:
        gate = loop.create_future()

        async def wait() -> None:
            await gate

        waiting = {loop.create_task(wait()) for _ in range(3)}
        finished = loop.create_task(asyncio.sleep(0))
        elsewhere = other.create_task(asyncio.sleep(0))
        loop.run_until_complete(finished)
        assert finished.done()
        assert live_tasks(loop) == asyncio.all_tasks(loop) == waiting
        gate.set_result(None)
        loop.run_until_complete(asyncio.gather(*waiting))
        assert live_tasks(loop) == asyncio.all_tasks(loop) == set()
        other.run_until_complete(elsewhere)
    finally:
        loop.close()
        other.close()


def test_a_task_exposes_the_future_it_waits_on_and_gather_its_children() -> None:
    from asyncio_comp._loop_internals import _GATHERING, _sleeping

    loop = FrameEventLoop(lambda: 0.0)
    try:
        future = loop.create_future()
        sleeper = loop.create_task(asyncio.sleep(10))
        waiter = loop.create_task(asyncio.wait_for(future, None))

        async def gathered() -> None:
            await asyncio.gather(sleeper, future)

        gatherer = loop.create_task(gathered())
        loop.run_until_complete(asyncio.sleep(0))
        assert isinstance(sleeper._fut_waiter, asyncio.Future)  # type: ignore[attr-defined]
        assert _sleeping(sleeper) and not _sleeping(waiter)
        outer = gatherer._fut_waiter  # type: ignore[attr-defined]
        assert isinstance(outer, _GATHERING)
        assert outer._children == [sleeper, future]  # type: ignore[attr-defined]
        for task in (sleeper, waiter, gatherer):
            task.cancel()
        loop.run_until_complete(asyncio.gather(sleeper, waiter, gatherer,
                                               return_exceptions=True))
    finally:
        loop.close()


def test_the_selector_keys_and_signal_handlers_have_a_length() -> None:
    """What `reachable_from_outside` reads: the selector's key dict (the self-pipe
    included) and the loop's dict of signal handlers."""
    loop = FrameEventLoop(lambda: 0.0)
    ours, theirs = socket.socketpair()
    try:
        assert len(loop._watched) == 1  # type: ignore[attr-defined]
        assert loop._signal_handlers == {}  # type: ignore[attr-defined]
        loop.add_reader(ours.fileno(), lambda: None)
        assert len(loop._watched) == 2  # type: ignore[attr-defined]
        assert loop.reachable_from_outside()
        loop.remove_reader(ours.fileno())
    finally:
        ours.close()
        theirs.close()
        loop.close()


def test_threading_puts_each_thread_that_starts_last_in_its_two_tables() -> None:
    """What `reachable_from_outside` reads to tell that a thread started or ended
    (``_ThreadTables``): ``threading._limbo`` and ``threading._active``, plain dicts
    (insertion-ordered), a starting thread put in ``_limbo`` keyed by itself, then in
    ``_active`` by its ident, each as a new key, and deleted from ``_active`` as it
    ends. So a thread that starts as another ends is the newest entry, although the
    tables are as long as before."""
    active = getattr(threading, "_active")  # noqa: B009
    limbo = getattr(threading, "_limbo")  # noqa: B009
    assert type(active) is dict and type(limbo) is dict
    assert _loop_internals._threads_running is active  # type: ignore[attr-defined]
    assert _loop_internals._threads_starting is limbo  # type: ignore[attr-defined]
    assert "_limbo[self] = self" in inspect.getsource(threading.Thread.start)
    bootstrap = inspect.getsource(threading.Thread._bootstrap_inner)  # type: ignore[attr-defined]
    assert "_active[self._ident] = self" in bootstrap and "del _limbo[self]" in bootstrap
    delete = inspect.getsource(threading.Thread._delete)  # type: ignore[attr-defined]
    assert "del _active[get_ident()]" in delete
    stops = [threading.Event(), threading.Event()]
    first = threading.Thread(target=stops[0].wait, args=(10,), daemon=True)
    first.start()
    second = threading.Thread(target=stops[1].wait, args=(10,), daemon=True)
    try:
        assert active[first.ident] is first  # type: ignore[index]
        assert next(reversed(active.values())) is first
        stops[0].set()
        first.join(10)
        assert active.get(first.ident) is not first  # type: ignore[arg-type]
        second.start()  # often with the ident `first` had: its key goes last again
        assert next(reversed(active.values())) is second
        # What the loop reads them with: iterators from the newest entry, made by
        # bound methods kept for the module's life.
        assert next(_loop_internals._newest_running()) is second  # type: ignore[attr-defined]
        assert list(_loop_internals._newest_starting()) == list(reversed(limbo))  # type: ignore[attr-defined]
        assert first not in limbo and second not in limbo
    finally:
        for stop in stops:
            stop.set()
        first.join(10)
        if second.ident is not None:
            second.join(10)


def test_a_thread_that_starts_as_another_ends_is_seen() -> None:
    """A loop that paces sees a thread started while another ended since its last
    look (the tables as long as before), and one that has ended as gone; a thread
    that was there at its first look, quiet, reaches it only once it calls in."""
    loop = FrameEventLoop(lambda: 0.0, virtual=True)
    loop.watch_waits()
    stops = [threading.Event(), threading.Event()]
    quiet = threading.Thread(target=stops[0].wait, args=(10,), daemon=True)
    new = threading.Thread(target=stops[1].wait, args=(10,), daemon=True)
    try:
        quiet.start()
        loop.call_soon(loop.stop)
        loop.run_for_host()  # looks at threads as the host runs it: `quiet` is quiet
        assert not loop.reachable_from_outside()
        stops[0].set()
        quiet.join(10)
        new.start()  # not quiet: nothing says the loop was not running
        assert loop.reachable_from_outside()
        stops[1].set()
        new.join(10)
        assert not loop.reachable_from_outside()
    finally:
        for stop in stops:
            stop.set()
        quiet.join(10)
        if new.ident is not None:
            new.join(10)
        loop.close()


def test_the_self_pipe_and_the_subprocess_exit_waiters_are_where_pacing_looks(
        host: Host) -> None:
    import sys

    loop = host.loop
    assert loop._ssock.fileno() in loop._selector.get_map()  # type: ignore[attr-defined]
    seen: list[object] = []

    async def child() -> int:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
        seen.append(proc._transport._exit_waiters)  # type: ignore[attr-defined]
        return await proc.wait()

    task_id = host.tasks.Run(child(), timeout=30.0)
    host.run(until=lambda: not host.tasks.GetTaskInfo(task_id)["status"].is_active,  # type: ignore[index]
             frames=100_000)
    assert isinstance(seen[0], list)
    assert host.tasks.GetTaskResult(task_id) == 0  # type: ignore[arg-type]
    assert loop.outside.pending == 0  # type: ignore[attr-defined]


def test_follow_wall_clock_runs_loop_time_on_from_where_it_stood() -> None:
    """Shutdown in virtual time: the loop's timers come due on the wall clock."""
    wall = [100.0]
    loop = FrameEventLoop(lambda: 5.0)
    try:
        loop.follow_wall_clock(lambda: wall[0])
        assert loop.time() == 5.0
        wall[0] = 100.25
        assert loop.time() == 5.25
        fired: list[float] = []
        loop.call_at(5.5, lambda: fired.append(loop.time()))
        wall[0] = 100.5
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert fired == [5.5]
    finally:
        loop.close()


def test_coroutine_closed_tells_each_state_without_making_a_frame_object() -> None:
    import gc
    import types

    from asyncio_comp import _loop_internals
    from asyncio_comp._loop_internals import coroutine_closed

    async def sleeper() -> None:
        await asyncio.sleep(0)

    def has_frame_object(coro: object) -> bool:
        return any(type(o) is types.FrameType for o in gc.get_referents(coro))

    fresh = sleeper()
    assert not coroutine_closed(fresh)  # type: ignore[arg-type]
    assert not has_frame_object(fresh)  # the check made none
    fresh.cr_frame  # noqa: B018  (what the check avoids: reading it makes one)
    assert has_frame_object(fresh)
    fresh.close()
    assert coroutine_closed(fresh)  # type: ignore[arg-type]

    started = sleeper()
    started.send(None)
    assert not coroutine_closed(started)  # type: ignore[arg-type]
    try:
        started.send(None)
    except StopIteration:
        pass
    assert coroutine_closed(started)  # type: ignore[arg-type]
    # On this Python the frame-free check is the one in use.
    assert coroutine_closed is _loop_internals._closed_by_referents


# -- FrameEventLoop.call_soon: asyncio's Handle, built in one call ---------------------

def _slots(handle: asyncio.Handle) -> dict[str, object]:
    names = [name for cls in type(handle).__mro__
             for name in getattr(cls, "__slots__", ()) if name != "__weakref__"]
    return {name: getattr(handle, name) for name in names}


def test_call_soon_builds_the_handle_asyncio_would() -> None:
    """Every slot `Handle.__init__` sets is set, to the value it would have."""
    loop = FrameEventLoop(lambda: 0.0)
    loop.set_debug(False)  # the fast path (debug mode, as -X dev sets, takes asyncio's)
    try:
        import contextvars

        def callback(*args: object) -> None:
            pass

        context = contextvars.copy_context()
        ours = loop.call_soon(callback, 1, "two", context=context)
        theirs = asyncio.Handle(callback, (1, "two"), loop, context)
        assert type(ours) is asyncio.Handle
        assert _slots(ours) == _slots(theirs)
        assert set(_slots(ours)) >= {"_callback", "_args", "_context", "_loop", "_cancelled",
                                     "_repr", "_source_traceback"}
        assert list(loop._ready) == [ours]  # type: ignore[attr-defined]
        # Without a context, each handle gets its own copy of the current one.
        a, b = loop.call_soon(callback), loop.call_soon(callback)
        assert isinstance(a._context, contextvars.Context)  # type: ignore[attr-defined]
        assert a._context is not b._context  # type: ignore[attr-defined]
        assert "callback" in repr(ours)
    finally:
        loop.close()


def test_call_soon_handles_run_in_order_and_cancel() -> None:
    loop = FrameEventLoop(lambda: 0.0)
    try:
        ran: list[int] = []
        loop.call_soon(ran.append, 1)
        cancelled = loop.call_soon(ran.append, 2)
        loop.call_soon(ran.append, 3)
        cancelled.cancel()
        assert cancelled.cancelled()
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert ran == [1, 3]
    finally:
        loop.close()


def test_call_soon_keeps_asyncios_checks_in_debug_mode_and_when_closed() -> None:
    loop = FrameEventLoop(lambda: 0.0)
    loop.set_debug(True)
    try:
        handle = loop.call_soon(lambda: None)
        assert handle._source_traceback  # type: ignore[attr-defined]
        try:
            loop.call_soon("not callable")  # type: ignore[arg-type]
        except TypeError as exc:
            assert "callable" in str(exc)
        else:
            raise AssertionError("debug mode checks the callback")
    finally:
        loop.close()
    try:
        loop.call_soon(lambda: None)
    except RuntimeError as exc:
        assert "closed" in str(exc)
    else:
        raise AssertionError("a closed loop refuses call_soon")


def test_new_native_check_agrees_with_coroutine_closed_in_every_state() -> None:
    """`new_native_check` (Run's one-call test) says yes exactly for a native coroutine
    that never ran, is not closed and is not owned."""
    import types

    from asyncio_comp._loop_internals import coroutine_closed, new_native_check

    async def pauses() -> None:
        await asyncio.sleep(0)

    fresh, owned, started, closed, finished = (pauses(), pauses(), pauses(), pauses(),
                                               pauses())
    started.send(None)
    closed.close()
    try:
        finished.send(None)
        finished.send(None)
    except StopIteration:
        pass

    def gen() -> Iterator[int]:
        yield 1

    def expected(value: object, taken: set[object]) -> bool:
        return (type(value) is types.CoroutineType and value not in taken
                and not (value.cr_running or value.cr_suspended)
                and not coroutine_closed(value))

    taken: set[object] = {owned}
    others = [gen(), 42, None, asyncio.sleep]
    for value in [fresh, owned, started, closed, finished, *others]:
        assert new_native_check(value, taken) is expected(value, taken), value
    assert new_native_check(fresh, taken) and not new_native_check(owned, taken)
    assert not new_native_check(closed, taken) and not new_native_check(finished, taken)
    for coro in (fresh, owned, started):
        coro.close()


def test_get_debug_reads_the_flag_set_debug_sets() -> None:
    loop = FrameEventLoop(lambda: 0.0)
    try:
        assert loop.get_debug() is sys.flags.dev_mode  # -X dev starts loops in debug mode
        loop.set_debug(False)
        assert loop.get_debug() is False
        loop.set_debug(True)
        assert loop.get_debug() is True
        assert loop.create_future()._source_traceback  # type: ignore[attr-defined]
        loop.set_debug(False)
        assert loop.get_debug() is False
        assert loop.create_future()._source_traceback is None  # type: ignore[attr-defined]
    finally:
        loop.close()


def test_where_reads_the_waited_future_the_sleep_timer_and_gather_children() -> None:
    """`asyncio_comp.where` leans on ``task._fut_waiter``, ``asyncio.sleep``'s local
    ``h`` and a gather future's ``_children``."""
    from asyncio_comp._loop_internals import gathered, sleep_deadline, waited_future

    async def probe() -> None:
        loop = asyncio.get_running_loop()
        sleeper = asyncio.ensure_future(asyncio.sleep(5))
        gathering = asyncio.gather(asyncio.sleep(4), asyncio.sleep(3))
        await asyncio.sleep(0)
        waiter = waited_future(sleeper)
        assert isinstance(waiter, asyncio.Future) and not waiter.done()
        sleep_coro = sleeper.get_coro()
        assert sleep_coro is not None
        deadline = sleep_deadline(sleep_coro.cr_frame)  # type: ignore[attr-defined]
        assert deadline is not None and 4.9 < deadline - loop.time() <= 5.0
        children = gathered(gathering)
        assert children is not None and len(children) == 2
        assert gathered(waiter) is None
        sleeper.cancel()
        gathering.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await gathering
        with contextlib.suppress(asyncio.CancelledError):
            await sleeper

    asyncio.run(probe())


def test_run_takes_exactly_the_coroutines_new_native_check_takes() -> None:
    """Run's common call makes `new_native_check`'s test inline (with
    `ended_referents`): a fresh coroutine is registered; an owned, started, closed or
    finished one, or a generator, is refused with its message and nothing registered."""
    from asyncio_comp._loop_internals import ended_referents, new_native_check
    from host import Host

    async def pauses() -> None:
        await asyncio.sleep(0)

    def gen() -> Iterator[int]:
        yield 1

    with Host(fps=60.0, realtime=False) as host:
        manager = host.asyncio_comp.manager
        owned = pauses()
        host.tasks.Run(owned)  # pending: the component owns it now
        started, closed, finished = pauses(), pauses(), pauses()
        started.send(None)
        closed.close()
        with contextlib.suppress(StopIteration):
            finished.send(None)
            finished.send(None)
        refused = [(owned, ValueError, "already belongs to a task"),
                   (started, ValueError, "already belongs to a task"),
                   (closed, ValueError, "already finished or been closed"),
                   (finished, ValueError, "already finished or been closed"),
                   (gen(), TypeError, "expected a coroutine or a list of coroutines")]
        for value, error, message in refused:
            assert not new_native_check(value, {owned})
            with pytest.raises(error, match=message):
                host.tasks.Run(value)  # type: ignore[arg-type]
            assert manager.task_count() == 1
        fresh = pauses()
        assert new_native_check(fresh, {owned})
        assert host.tasks.Run(fresh) == manager.task_count() == 2
        by_referents = _loop_internals.coroutine_closed is _loop_internals._closed_by_referents
        assert ended_referents == (3 if by_referents else 0)
        started.close()
