"""DaemonThreadPool: the loop's default executor, one that closing the host can leave.

``asyncio.to_thread`` and ``loop.run_in_executor(None, ...)`` run calls on the loop's
default executor. asyncio's is a ``ThreadPoolExecutor``, and shutting it down joins
its threads with no time limit (``loop.shutdown_default_executor()`` has no timeout
before Python 3.12); its threads are also joined again at interpreter exit. One call
blocked on a socket or a lock would then keep ``host.close()``, Ctrl-C and the
process itself from ever ending.

This pool runs the same calls on daemon threads that nothing joins implicitly.
`close(timeout)` cancels what has not started, waits up to ``timeout`` for the calls
that are running, and abandons the ones still running after it: their threads end
with the process. It names each abandoned call, so the warning says what was stuck.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["DaemonThreadPool", "describe_call"]

_T = TypeVar("_T")

#: Posted to the queue once per worker to make it end.
_STOP = None


def describe_call(fn: Callable[..., Any], args: tuple[Any, ...] = ()) -> str:
    """``name(args)`` for a warning: what a thread was running. ``asyncio.to_thread``
    hands the executor ``partial(context.run, fn, *args)``; the name is ``fn``'s."""
    while isinstance(fn, functools.partial):
        args = (*fn.args, *args)
        fn = fn.func
    if getattr(fn, "__qualname__", None) == "Context.run" and args:
        fn, args = args[0], args[1:]
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    shown = ", ".join(_short_repr(a) for a in args)
    return f"{name}({shown})"


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 40 else text[:37] + "..."


class _WorkItem:
    __slots__ = ("args", "fn", "future", "kwargs")

    def __init__(self, future: concurrent.futures.Future[Any], fn: Callable[..., Any],
                 args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs


class DaemonThreadPool(concurrent.futures.ThreadPoolExecutor):
    """A thread pool on daemon threads that `close` can abandon; see the module.

    A ``ThreadPoolExecutor`` by type only (asyncio accepts no other as a loop's
    default executor): every method that runs or stops calls is its own.
    """

    def __init__(self, max_workers: int | None = None, name: str = "framehost-executor") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)  # starts no thread
        if max_workers is None:
            max_workers = min(32, (os.cpu_count() or 1) + 4)  # ThreadPoolExecutor's default
        if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
            raise ValueError(f"DaemonThreadPool expected max_workers >= 1, got {max_workers!r}")
        self._max_workers = max_workers
        self._name = name
        self._queue: queue.SimpleQueue[_WorkItem | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()
        self._idle = 0
        #: What each busy thread is running, for the warning about abandoned calls.
        self._running: dict[threading.Thread, str] = {}
        self._shutdown = False

    def submit(self, fn: Callable[..., _T], /, *args: Any,
               **kwargs: Any) -> concurrent.futures.Future[_T]:
        thread = None
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new calls after the executor shut down")
            future: concurrent.futures.Future[_T] = concurrent.futures.Future()
            self._queue.put(_WorkItem(future, fn, args, kwargs))
            if self._idle:
                self._idle -= 1
            elif len(self._threads) < self._max_workers:
                thread = threading.Thread(target=self._work, daemon=True,
                                          name=f"{self._name}_{len(self._threads)}")
                self._threads.add(thread)
        if thread is not None:
            # Started outside the lock, so the new thread can take its call at once.
            thread.start()
        return future

    def owns(self, thread: threading.Thread) -> bool:
        """Whether ``thread`` is one of the pool's (idle or busy; they end only when it
        shuts down): the threads outside work pacing knows as the loop's own."""
        return thread in self._threads

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if not item.future.set_running_or_notify_cancel():
                self._became_idle()
                continue
            with self._lock:
                self._running[me] = describe_call(item.fn, item.args)
            try:
                result = item.fn(*item.args, **item.kwargs)
            except BaseException as exc:
                item.future.set_exception(exc)
            else:
                item.future.set_result(result)
            finally:
                with self._lock:
                    self._running.pop(me, None)
            del item  # drop the call and its result before waiting for the next
            self._became_idle()

    def _became_idle(self) -> None:
        with self._lock:
            self._idle += 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """`concurrent.futures.Executor.shutdown`; ``wait=True`` waits without limit,
        as the interface promises: use `close` for a bounded wait."""
        self._stop(cancel_futures)
        if wait:
            for thread in list(self._threads):
                thread.join()

    def close(self, timeout: float) -> list[str]:
        """Cancel the calls not started, wait up to ``timeout`` seconds for the running
        ones; returns the calls still running then, which are abandoned."""
        self._stop(cancel_futures=True)
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            return [self._running[t] for t in self._threads if t.is_alive() and t in self._running]

    def _stop(self, cancel_futures: bool) -> None:
        with self._lock:
            if self._shutdown:
                return
            self._shutdown = True
            if cancel_futures:
                while True:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is not None:
                        item.future.cancel()
            for _ in self._threads:
                self._queue.put(_STOP)
