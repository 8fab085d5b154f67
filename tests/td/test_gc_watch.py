"""The per-host garbage-collection watch: installed with a host, removed at close,
feeding the frame statistics, and never losing a Ctrl-C."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from host import HostCore
from td.gc_watch import GcWatch


class TickingClock:
    """A wall clock that moves ``step`` seconds every time it is read."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.now = 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def no_automatic_gc() -> Iterator[None]:
    """Only the collections a test asks for (``gc.collect()`` still runs)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def test_each_host_installs_its_own_watch_and_removes_it_at_close() -> None:
    first, second = HostCore(realtime=False), HostCore(realtime=False)
    try:
        assert first.gc_watch is not second.gc_watch
        assert first.gc_watch in gc.callbacks and second.gc_watch in gc.callbacks
        first.close()
        assert first.gc_watch not in gc.callbacks and second.gc_watch in gc.callbacks
        second.close()
        assert second.gc_watch not in gc.callbacks
    finally:
        first.close()
        second.close()


def test_a_host_never_closed_removes_its_watch_when_collected() -> None:
    host = HostCore(realtime=False)
    watch = host.gc_watch
    assert watch in gc.callbacks
    del host
    gc.collect()
    assert watch not in gc.callbacks


@pytest.mark.usefixtures("no_automatic_gc")
def test_the_watch_times_each_collection_on_its_clock() -> None:
    watch = GcWatch(TickingClock(0.25))
    watch.install()
    try:
        gc.collect()
        gc.collect()
    finally:
        watch.uninstall()
    assert watch.collections == 2
    assert watch.total == pytest.approx(0.5)  # one tick from each start to its stop
    gc.collect()
    assert watch.collections == 2  # removed: nothing more is counted


@pytest.mark.usefixtures("no_automatic_gc")
def test_frame_stats_carry_the_collectors_time_per_frame() -> None:
    with HostCore(realtime=False) as host:
        clock = TickingClock(0.001)
        host.wall_clock = clock
        collect_now = [False]

        def cook() -> None:
            if collect_now[0]:
                gc.collect()

        host.on_cook(cook)
        host.step(2)
        quiet = host.stats
        assert quiet.last_gc_time == 0.0 and quiet.recent_gc_times == (0.0, 0.0)
        collect_now[0] = True
        host.step()
        stats = host.stats
    assert stats.last_gc_time == pytest.approx(0.001)
    assert stats.recent_gc_times == pytest.approx((0.0, 0.0, 0.001))
    assert len(stats.recent_gc_times) == len(stats.recent_frame_times) == 3
    assert stats.gc_collections == quiet.gc_collections + 1
    assert stats.gc_time_total == pytest.approx(quiet.gc_time_total + 0.001)


class RaisingOnce:
    """A clock that raises KeyboardInterrupt the first time it is read once armed:
    a Ctrl-C landing inside the gc callback, made deterministic."""

    def __init__(self) -> None:
        self.armed = False
        self.raised = 0

    def __call__(self) -> float:
        if self.armed:
            self.armed = False
            self.raised += 1
            raise KeyboardInterrupt
        return 0.0


def test_a_ctrl_c_inside_a_collection_in_a_frame_still_stops_the_host() -> None:
    with HostCore(realtime=False) as host:
        clock = RaisingOnce()
        host.wall_clock = clock
        after_collect: list[int] = []

        def cook() -> None:
            clock.armed = True
            gc.collect()  # the watch's clock raises; CPython would drop it
            after_collect.append(host.frame)

        host.on_cook(cook)
        with pytest.raises(KeyboardInterrupt):
            host.step(3)
        # It was caught in the callback, the frame finished, then it was delivered.
        assert clock.raised == 1 and after_collect == [1] and host.frame == 1
        assert not host.gc_watch.interrupt_pending


def test_a_ctrl_c_inside_a_collection_in_another_thread_reaches_the_main_thread() -> None:
    clock = RaisingOnce()
    watch = GcWatch(clock)
    clock.armed = True
    watch.install()
    try:
        with pytest.raises(KeyboardInterrupt):
            worker = threading.Thread(target=gc.collect)
            worker.start()
            worker.join(timeout=10)
            for _ in range(1000):
                pass  # the re-delivered signal is handled between two bytecodes
    finally:
        watch.uninstall()
    assert clock.raised == 1 and not watch.interrupt_pending


def test_deliver_interrupt_does_nothing_when_nothing_was_caught() -> None:
    watch = GcWatch(RaisingOnce())
    watch.deliver_interrupt()
    assert not watch.interrupt_pending
