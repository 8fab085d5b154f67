"""OutsideWork: the loop's count of work in flight outside it (threads, clusters, ...)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest

from asyncio_comp import OutsideWork, outside_work
from host import Host


def test_begin_and_end_count_and_an_extra_end_raises() -> None:
    work = OutsideWork()
    work.begin()
    work.begin()
    assert work.pending == 2
    work.end()
    work.end()
    assert (work.pending, work.started) == (0, 2)
    with pytest.raises(RuntimeError, match="no outside work in flight"):
        work.end()


def test_track_counts_a_future_until_it_is_done_from_another_thread() -> None:
    work = OutsideWork()
    future: concurrent.futures.Future[int] = concurrent.futures.Future()
    work.track(future)
    assert work.pending == 1
    setter = threading.Thread(target=future.set_result, args=(1,))
    setter.start()
    setter.join()
    assert work.pending == 0


def test_a_done_future_is_not_counted() -> None:
    work = OutsideWork()
    future: concurrent.futures.Future[int] = concurrent.futures.Future()
    future.set_result(1)
    work.track(future)
    assert (work.pending, work.started) == (0, 0)


def test_to_thread_counts_as_outside_work_while_it_runs(host: Host) -> None:
    release = threading.Event()
    comp = host.op("/ChatTD/TDAsyncIO")
    task_id = comp.ext.AsyncIOManager.Run(asyncio.to_thread(release.wait, 10.0))
    host.step(2)
    assert host.loop.outside.pending == 1
    release.set()
    host.run(until=lambda: host.loop.outside.pending == 0, frames=100_000)
    host.step(2)
    assert comp.ext.AsyncIOManager.GetTaskResult(task_id) is True


def test_outside_work_block_counts_on_the_host_loop_only(host: Host) -> None:
    seen: list[int] = []

    async def inside() -> None:
        async with outside_work():
            seen.append(host.loop.outside.pending)
        seen.append(host.loop.outside.pending)

    host.op("/ChatTD/TDAsyncIO").ext.AsyncIOManager.Run(inside())
    host.step(2)
    assert seen == [1, 0]

    async def elsewhere() -> str:
        async with outside_work():
            return "ran"

    assert asyncio.run(elsewhere()) == "ran"  # a plain loop: nothing to count, no error


def test_a_source_counts_while_it_reports_work() -> None:
    work = OutsideWork()
    jobs = [2]
    work.add_source(lambda: jobs[0])
    assert work.in_flight() and work.pending == 0
    jobs[0] = 0
    assert not work.in_flight()
    with pytest.raises(TypeError, match="add_source\\(\\) expected a callable returning a "
                                        "count, got 3"):
        work.add_source(3)  # type: ignore[arg-type]
    assert work.remove_source(print) is False
