"""Where a task is waiting: its await chain, read from the suspended coroutines.

A task that never ends is the question people bring to every async tool ("where is
it stuck?"); asyncio answers it only with ``Task.print_stack()``, which stops at the
task's own coroutine frame list and never says what the innermost ``await`` is
waiting for. `await_chain` walks the chain a suspended coroutine forms
(``cr_await`` of each coroutine, ``gi_yieldfrom`` of each generator-based
``__await__``) from the task's coroutine down, one ``file:line in function`` line per
frame, and ends with a line naming the awaitable at the bottom: a sleep and the host
time it wakes at, another task, a gather, a serial-worker job, a socket read, or the
future itself.

It is read only when someone asks (a view's details pane, the terminal view, a
test), never on a frame's path: reading ``cr_frame`` makes CPython 3.11 create a
frame object, which is fine once per question and too dear once per task.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sysconfig
from collections.abc import Coroutine
from types import FrameType
from typing import Any

from asyncio_comp._loop_internals import gathered, sleep_deadline, waited_future
from asyncio_comp.worker.task import WorkerTask

__all__ = ["await_chain", "frame_line"]

#: Longest description of an unknown awaitable (its ``repr``), in characters.
MAX_REPR = 160

_LIBRARY_ROOTS = tuple(sorted({os.path.normpath(path) + os.sep for path in (
    sysconfig.get_path("stdlib"), sysconfig.get_path("purelib"), sysconfig.get_path("platlib"))
    if path}, key=len, reverse=True))


def await_chain(coro: Coroutine[Any, Any, Any] | None, task: asyncio.Task[Any] | None,
                now: float) -> list[str]:
    """The await chain of a task whose coroutine is ``coro`` and whose asyncio task
    is ``task``, outermost first, ending with the innermost awaitable; ``[]`` unless
    the coroutine is suspended in an ``await`` (not started, running, or over).

    ``now`` is the loop's time, against which a sleep's deadline is told.
    """
    if coro is None or not inspect.iscoroutine(coro):
        return []
    if inspect.getcoroutinestate(coro) != inspect.CORO_SUSPENDED:
        return []
    lines: list[str] = []
    innermost: FrameType | None = None
    awaited: Any = coro
    while awaited is not None:
        frame, below = _step(awaited)
        if frame is None:
            break
        lines.append(frame_line(frame))
        innermost = frame
        awaited = below
    lines.append(_describe(innermost, awaited, task, now))
    return lines


def frame_line(frame: FrameType) -> str:
    """``file:line in function`` for a suspended frame; a library file is named from
    its library root (``asyncio/tasks.py``), the rest relative to the working folder
    when inside it."""
    return f"{_short_path(frame.f_code.co_filename)}:{frame.f_lineno} in {frame.f_code.co_name}"


def _step(awaited: Any) -> tuple[FrameType | None, Any]:
    """The frame of one link of the chain and the object it awaits in turn."""
    if inspect.iscoroutine(awaited):
        return awaited.cr_frame, awaited.cr_await
    if inspect.isgenerator(awaited):  # a generator-based __await__ (WorkerTask's)
        return awaited.gi_frame, awaited.gi_yieldfrom
    return None, awaited


def _describe(frame: FrameType | None, awaited: Any, task: asyncio.Task[Any] | None,
              now: float) -> str:
    """The line for the innermost awaitable."""
    if frame is not None:
        deadline = sleep_deadline(frame)
        if deadline is not None:
            delay = frame.f_locals.get("delay")
            return (f"asyncio.sleep({delay!r}): wakes at {deadline:.3f} s host time "
                    f"(in {max(0.0, deadline - now):.3f} s)")
        owner = frame.f_locals.get("self")
        if isinstance(owner, WorkerTask):
            return (f"worker job {owner.id} ({owner.get_description()}), "
                    f"{owner.get_status().name.lower()}")
        if isinstance(owner, asyncio.StreamReader):
            return "a socket read (asyncio.StreamReader, waiting for data)"
        if frame.f_code.co_name in ("sock_recv", "sock_recv_into", "sock_recvfrom"):
            return f"a socket read (loop.{frame.f_code.co_name})"
    future = waited_future(task) if task is not None else None
    if future is None:
        return "nothing: ready to resume on the next loop iteration"
    return describe_future(future)


def describe_future(future: asyncio.Future[Any]) -> str:
    """One line naming a future a task waits on: another task (a tracked one by its
    id and description), a gather, or the future's own ``repr``."""
    if isinstance(future, asyncio.Task):
        inner = future.get_coro()
        task_id = getattr(inner, "task_id", None)
        if isinstance(task_id, int):
            return f"task {task_id} ({getattr(inner, 'description', '')})"
        name = getattr(inner, "__qualname__", type(inner).__name__)
        return f"asyncio task {future.get_name()!r} running {name}"
    children = gathered(future)
    if children is not None:
        done = sum(1 for child in children if child.done())
        return f"asyncio.gather of {len(children)} awaitables ({done} done)"
    text = repr(future)
    return text if len(text) <= MAX_REPR else text[:MAX_REPR - 1] + "…"


def _short_path(path: str) -> str:
    normal = os.path.normpath(path)
    for root in _LIBRARY_ROOTS:
        if normal.startswith(root):
            rest = normal[len(root):]
            if rest.startswith(("site-packages" + os.sep, "dist-packages" + os.sep)):
                rest = rest.split(os.sep, 1)[1]
            return rest
    try:
        relative = os.path.relpath(normal)
    except ValueError:  # another drive (Windows)
        return normal
    return normal if relative.startswith("..") else relative
