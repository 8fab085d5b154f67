"""One wall clock, injected: ``host.wall_clock`` is what the stepper's budget, the
blocking detector and the frame statistics measure with, even when it is replaced
after the host was made."""

from __future__ import annotations

import asyncio
import gc
import time

import pytest

from host import Host, HostCore


class FakeWall:
    """A wall clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def wall(host: Host) -> FakeWall:
    fake = FakeWall()
    host.wall_clock = fake  # replaced after creation: must be obeyed
    return fake


def test_the_wall_clock_defaults_to_the_hosts_time_function() -> None:
    def ticks() -> float:
        return 5.0

    with HostCore(realtime=False) as plain, HostCore(realtime=False, time_function=ticks) as fed:
        assert plain.wall_clock is time.perf_counter
        assert fed.wall_clock is ticks
        assert fed.gc_watch.clock is ticks


def test_a_wall_clock_that_is_not_callable_is_refused(host: Host) -> None:
    before = host.wall_clock
    with pytest.raises(TypeError, match=r"wall_clock expected a callable returning seconds, "
                                        r"got 0\.5"):
        host.wall_clock = 0.5  # type: ignore[assignment]
    assert host.wall_clock is before


def test_frame_stats_follow_the_fake_clock(host: Host, wall: FakeWall) -> None:
    host.on_frame_start(lambda h: wall.advance(0.010))
    host.on_cook(lambda: wall.advance(0.003))
    host.step(2)
    stats = host.stats
    assert stats.last_frame_time == pytest.approx(0.013)
    assert stats.last_step_time == pytest.approx(0.003)
    assert stats.recent_frame_times == pytest.approx((0.013, 0.013))
    assert stats.measured_fps == pytest.approx(1 / 0.013)


def test_the_blocking_report_follows_the_fake_clock(host: Host, wall: FakeWall) -> None:
    async def stalls() -> None:
        await asyncio.sleep(0)
        wall.advance(0.25)  # "blocks" for a quarter second of wall time, instantly

    task_id = host.tasks.Run(stalls(), description="stalls")
    host.step(3)
    reports = host.tasks.blocking_reports
    assert [(r.task_id, r.description) for r in reports] == [(task_id, "stalls")]
    assert reports[0].seconds == pytest.approx(0.25)
    assert host.stats.warnings == 1


def test_a_step_under_the_threshold_on_the_fake_clock_is_not_reported(
        host: Host, wall: FakeWall) -> None:
    async def quick() -> None:
        wall.advance(host.tasks.blocking_threshold / 2)

    host.tasks.Run(quick())
    host.step(2)
    assert host.tasks.blocking_reports == ()


def test_the_stepper_budget_follows_the_fake_clock(host: Host, wall: FakeWall) -> None:
    host.asyncio_comp.par.Framebudget = 4.0  # ms
    host.tasks.blocking_threshold = 1.0  # these steps are slow on purpose
    steps: list[int] = []

    async def spins() -> None:
        while True:
            steps.append(host.frame)
            wall.advance(0.001)  # each step costs a millisecond of (fake) wall time
            await asyncio.sleep(0)

    host.tasks.Run(spins())
    host.step(3)
    per_frame = [steps.count(frame) for frame in (1, 2, 3)]
    # A 4 ms budget at 1 ms a step: about four steps a frame, not thousands.
    assert all(3 <= n <= 6 for n in per_frame), per_frame
    host.asyncio_comp.par.Framebudget = 20.0
    host.step()
    assert 18 <= steps.count(4) <= 22, steps.count(4)


def test_time_in_the_collector_is_not_blamed_on_the_step(host: Host, wall: FakeWall) -> None:
    def slow_collection(phase: str, info: dict[str, int]) -> None:
        # Runs after the host's watch read the collection's start: the watch sees
        # this collection take 0.3 s of (fake) wall time.
        if phase == "start":
            wall.advance(0.3)

    async def collects() -> None:
        await asyncio.sleep(0)
        gc.collect()

    gc.callbacks.append(slow_collection)
    try:
        host.tasks.Run(collects())
        host.step(3)
    finally:
        gc.callbacks.remove(slow_collection)
    assert host.tasks.blocking_reports == ()
    assert host.stats.gc_time_total >= 0.3 - 1e-9  # the step took 0.3 s, all in the collector
    assert max(host.stats.recent_gc_times) >= 0.3 - 1e-9
