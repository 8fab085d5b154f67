"""pytest plugin for operator authors: hosts in exact virtual time, and waits that end.

Registered through the ``pytest11`` entry point, so any project that installs
framehost gets these with no conftest:

Fixtures:
    ``host``: a non-realtime `Host` at 60 fps, closed after the test. Each frame
        advances host time by exactly 1/60 s, so ``asyncio.sleep(0.5)`` inside a
        task completes after 30 frames and timeouts fire on an exact frame.
    ``realtime_host``: a realtime `Host` at 60 fps, for the rare test about pacing.

Helpers (import them from ``host.app.testing``):
    `run_until` runs frames until a condition holds, at most a given number.
    `wait_for_tasks` runs frames until the given tasks have ended.
    `assert_task_status` checks one task's status with a message that says why not.

Work done by real threads, processes or sockets takes wall time, while virtual
frames take microseconds; wait for it with `run_until` and a generous frame bound,
never with ``time.sleep``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import pytest

from asyncio_comp.status import TaskStatus
from host.engine.errors import describe_error

if TYPE_CHECKING:
    from host.app.assemble import Host

__all__ = [
    "FramesExhausted",
    "assert_task_status",
    "host",
    "realtime_host",
    "run_until",
    "wait_for_tasks",
]


class FramesExhausted(AssertionError):
    """A condition did not become true within the frames a test allowed."""


@pytest.fixture
def host() -> Iterator[Host]:
    """A non-realtime `Host` at 60 fps, closed after the test."""
    from host.app.assemble import Host

    h = Host(fps=60.0, realtime=False)
    try:
        yield h
    finally:
        h.close()


@pytest.fixture
def realtime_host() -> Iterator[Host]:
    """A realtime `Host` at 60 fps (frames paced to the wall clock), closed after the test."""
    from host.app.assemble import Host

    h = Host(fps=60.0, realtime=True)
    try:
        yield h
    finally:
        h.close()


def run_until(host: Host, predicate: Callable[[], object], frames: int = 10_000,
              what: str | None = None) -> int:
    """Run frames until ``predicate()`` is true; the number of frames that took.

    The predicate is checked before the first frame too, so a condition that
    already holds costs no frame (and returns 0).

    Raises:
        FramesExhausted: when it is still false after ``frames`` frames; the
            message names the condition (``what`` or the predicate) and the host time.
    """
    if not callable(predicate):
        raise TypeError(f"run_until() expected a callable returning a bool, got {predicate!r}")
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 0:
        raise ValueError(f"run_until() expected frames as a whole number >= 0, got {frames!r}")
    if predicate():
        return 0
    ran = host.run(until=predicate, frames=frames)
    if not predicate():
        name = what or getattr(predicate, "__qualname__", None) or repr(predicate)
        raise FramesExhausted(
            f"{name} was still false after {ran} frames (host frame {host.frame}, "
            f"{host.seconds:.3f} s); allow more frames or check that the work can finish"
        )
    return ran


def wait_for_tasks(host: Host, task_ids: int | Iterable[int],
                   frames: int = 10_000) -> dict[int, TaskStatus]:
    """Run frames until every given task has ended; their final statuses by id.

    Raises:
        FramesExhausted: when some are still active after ``frames`` frames; the
            message lists them with their statuses.
        KeyError: for an id the host does not track (never submitted, or already
            removed by Clear After).
    """
    ids = [task_ids] if isinstance(task_ids, int) else list(task_ids)
    manager = host.tasks

    def status_of(task_id: int) -> TaskStatus:
        info = manager.GetTaskInfo(task_id)
        if info is None:
            raise KeyError(f"task {task_id!r} is not tracked by this host (never submitted, "
                           f"or removed after Clearafter={host.asyncio_comp.par.Clearafter.eval()}"
                           f" s); wait for it sooner or raise Clearafter")
        status: TaskStatus = info["status"]
        return status

    def all_finished() -> bool:
        return all(status_of(i).is_finished for i in ids)

    try:
        run_until(host, all_finished, frames)
    except FramesExhausted:
        active = ", ".join(f"{i}: {status_of(i).value}" for i in ids
                           if not status_of(i).is_finished)
        raise FramesExhausted(f"tasks still active after {frames} frames: {active}") from None
    return {i: status_of(i) for i in ids}


def assert_task_status(host: Host, task_id: int, status: TaskStatus | str) -> None:
    """Assert that task ``task_id`` is in ``status`` (a `TaskStatus` or its value).

    Raises:
        AssertionError: naming the task, the status it has, and its error if any.
        ValueError: when ``status`` is not a task status.
    """
    try:
        expected = TaskStatus(status)
    except ValueError:
        names = ", ".join(s.value for s in TaskStatus)
        raise ValueError(f"assert_task_status() expected one of {names}, "
                         f"got {status!r}") from None
    info = host.tasks.GetTaskInfo(task_id)
    if info is None:
        raise AssertionError(f"task {task_id!r} is not tracked by this host; "
                             f"expected it to be {expected.value}")
    actual: TaskStatus = info["status"]
    if actual is not expected:
        error = f" (error: {describe_error(info['error'])})" if info["error"] else ""
        raise AssertionError(f"task {task_id} ({info['description']}) is {actual.value}, "
                             f"expected {expected.value}{error}")
