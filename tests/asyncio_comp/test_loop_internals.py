"""Pins the CPython asyncio details framehost leans on (see asyncio_comp/_loop_internals.py).

If a Python upgrade changes how timers read the loop's clock or removes the loop's
ready queue, these fail here, with a name that says what broke.
"""

from __future__ import annotations

import asyncio
import collections

from asyncio_comp._loop_internals import FrameEventLoop, ready_count
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
