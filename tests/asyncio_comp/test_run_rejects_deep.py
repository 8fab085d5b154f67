"""Run() rejects what it cannot run at any depth, and never touches what it does not own.

A rejected call changes nothing and leaves nothing un-awaited, however the coroutines
were nested, and it never closes a coroutine that belongs to a live task (ours,
pending or running, or anyone's).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest
from unawaited_checks import no_unawaited_warning

from host import Host, ThreadViolation


async def work() -> int:
    await asyncio.sleep(0)
    return 1


async def wait_frames(n: int) -> str:
    """Ends after about ``n`` frames of a 60 fps host."""
    await asyncio.sleep(n / 60)
    return "done"


def state(coro: Coroutine[Any, Any, Any]) -> str:
    return inspect.getcoroutinestate(coro)


def assert_nothing_registered(host: Host, version: int) -> None:
    assert host.tasks.task_count() == 0
    assert host.tasks.version == version
    assert host.asyncio_comp.task_table.numRows == 1


class _Suspend:
    def __await__(self) -> Iterator[None]:
        yield


async def suspends_once() -> None:
    await _Suspend()


def plain_generator() -> Iterator[int]:
    yield 1


@pytest.mark.parametrize(("make", "pattern"), [
    pytest.param(lambda c: [[c]], r"item 0 is \[<coroutine .*a flat list", id="list in a list"),
    pytest.param(lambda c: ([c], c.__class__), r"item 0 is \[", id="list in a tuple"),
    pytest.param(lambda c: {c}, r"got \{<coroutine", id="set"),
    pytest.param(lambda c: frozenset([c]), r"got frozenset", id="frozenset"),
    pytest.param(lambda c: {1: c}, r"got \{1: <coroutine", id="dict value"),
    pytest.param(lambda c: {c: 1}, r"got \{<coroutine", id="dict key"),
    pytest.param(lambda c: [work(), [[{"deep": (c,)}]]], r"item 1 is", id="deep"),
])
def test_nested_coroutines_are_rejected_and_closed(host: Host, make: Any, pattern: str) -> None:
    with no_unawaited_warning():
        coro = work()
        given = make(coro)
        version = host.tasks.version
        with pytest.raises(TypeError, match=pattern):
            host.tasks.Run(given)
        assert state(coro) == inspect.CORO_CLOSED
        assert_nothing_registered(host, version)
        del given, coro


def test_a_plain_generator_is_rejected_untouched(host: Host) -> None:
    gen = plain_generator()
    with pytest.raises(TypeError, match=r"got <generator .*not generators"):
        host.tasks.Run(gen)
    assert host.tasks.task_count() == 0
    assert next(gen) == 1  # rejected without being run or closed


def test_a_generator_expression_of_coroutines_creates_none(host: Host) -> None:
    made: list[Coroutine[Any, Any, Any]] = []

    def make() -> Coroutine[Any, Any, Any]:
        made.append(work())
        return made[-1]

    with no_unawaited_warning():
        with pytest.raises(TypeError, match=r"got <generator object .*not generators"):
            host.tasks.Run(make() for _ in range(3))
        assert made == []
    host.step(2)
    assert host.tasks.task_count() == 0


def test_a_coroutine_pending_as_a_task_is_not_accepted_again_nor_closed(host: Host) -> None:
    with no_unawaited_warning():
        coro = wait_frames(2)
        first = host.tasks.Run(coro)
        other = work()
        with pytest.raises(ValueError, match=r"already belongs to a task"):
            host.tasks.Run(coro)
        with pytest.raises(ValueError, match=r"item 1 is .*already belongs to a task"):
            host.tasks.Run([other, coro])
        assert state(other) == inspect.CORO_CLOSED
        assert state(coro) == inspect.CORO_CREATED
        assert host.tasks.task_count() == 1
        host.step(4)
        assert host.tasks.GetTaskResult(first) == "done"


def test_a_rejected_call_never_closes_a_running_tasks_coroutine(host: Host) -> None:
    with no_unawaited_warning():
        coro = wait_frames(3)
        first = host.tasks.Run(coro)
        host.step()
        assert state(coro) == inspect.CORO_SUSPENDED
        with pytest.raises(TypeError, match=r"item 1 is 'oops'"):
            host.tasks.Run([work(), "oops"])
        with pytest.raises(ValueError, match=r"item 0 is .*already belongs to a task"):
            host.tasks.Run([coro, "oops"])
        with pytest.raises(ValueError, match=r"already belongs to a task"):
            host.tasks.Run(coro)
        assert state(coro) == inspect.CORO_SUSPENDED
        host.step(4)
        info = host.tasks.GetTaskInfo(first)
        assert info is not None and info["status"].value == "completed"
        assert host.tasks.task_count() == 1


def test_a_closed_coroutine_is_rejected(host: Host) -> None:
    coro = work()
    coro.close()
    with pytest.raises(ValueError, match=r"already finished or been closed; call the async"):
        host.tasks.Run(coro)
    assert host.tasks.task_count() == 0


def test_a_coroutine_another_loop_runs_is_not_closed(host: Host) -> None:
    with no_unawaited_warning():
        outside = suspends_once()
        outside.send(None)  # started elsewhere: somebody else's task
        with pytest.raises(ValueError, match=r"already belongs to a task"):
            host.tasks.Run(outside)
        assert state(outside) == inspect.CORO_SUSPENDED
        outside.close()


@pytest.mark.parametrize("timeout", [10**400, -(10**400)])
def test_a_huge_timeout_is_a_value_error(host: Host, timeout: int) -> None:
    with no_unawaited_warning():
        coro = work()
        with pytest.raises(ValueError, match=r"timeout in seconds \(a number >= 0\)"):
            host.tasks.Run(coro, timeout=timeout)
        assert state(coro) == inspect.CORO_CLOSED
        del coro
    assert host.tasks.task_count() == 0


def test_a_huge_clear_after_is_a_value_error(host: Host) -> None:
    par = host.asyncio_comp.par.Clearafter
    with pytest.raises(ValueError, match=r"par\.Clearafter expected a finite number"):
        host.asyncio_comp.par.Clearafter = 10**400
    assert par.eval() == 60.0


def test_run_from_another_thread_raises_before_closing_anything(host: Host) -> None:
    coro = work()
    caught: list[BaseException] = []

    def submit() -> None:
        try:
            host.tasks.Run([coro])
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=submit)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert len(caught) == 1 and isinstance(caught[0], ThreadViolation)
    assert state(coro) == inspect.CORO_CREATED  # changes nothing: still the caller's
    assert host.tasks.task_count() == 0
    task_id = host.tasks.Run(coro)
    host.step(2)
    assert host.tasks.GetTaskResult(task_id) == 1
