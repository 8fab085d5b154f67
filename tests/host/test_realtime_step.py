"""Realtime pacing across calls: each ``host.step()`` / ``host.run()`` call starts its
first frame at once (the schedule is re-anchored at the call), and only the frames
after the first within one call wait for their period (docs/api.md, "Time").

On an injected wall clock that moves only when the test or the host's sleep moves
it, so no load can change what is measured.
"""

from __future__ import annotations

import asyncio

import pytest

from host import Host


class _FakeTime:
    """A wall clock that moves only when the host sleeps or the test says so."""

    def __init__(self) -> None:
        self.now = 500.0
        self.slept = 0.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


def _host(fake: _FakeTime) -> Host:
    return Host(fps=10, realtime=True, time_function=fake.time, sleep=fake.sleep)


def test_repeated_step_1_calls_are_not_paced_by_the_host() -> None:
    # A loop of the caller's, 20 ms of its own work between calls, a period is 100 ms:
    # each call runs its frame at once, so the host never sleeps and the frames are as
    # far apart as the calls are.
    fake = _FakeTime()
    with _host(fake) as host:
        for _ in range(5):
            host.step(1)
            fake.now += 0.02
        assert host.frame == 5 and fake.slept == 0.0
        assert host.seconds == pytest.approx(4 * 0.02)  # frame 5 began 80 ms after frame 1
        assert host.stats.late_frames == 0 and host.stats.dropped_frames == 0


def test_a_gap_between_calls_is_neither_late_nor_dropped() -> None:
    fake = _FakeTime()
    with _host(fake) as host:
        host.step(1)
        fake.now += 5.0  # the caller did something else for 5 s
        host.step(1)
        assert host.seconds == pytest.approx(5.0)  # host time is wall time since frame 1
        assert host.stats.late_frames == 0 and host.stats.dropped_frames == 0
        assert fake.slept == 0.0


def test_within_one_call_the_frames_after_the_first_wait_for_their_period() -> None:
    fake = _FakeTime()
    with _host(fake) as host:
        host.step(1)
        fake.now += 0.03
        started = fake.now
        host.step(3)  # first at once (re-anchored), then one period apart
        assert fake.now - started == pytest.approx(0.2)
        assert host.seconds == pytest.approx(0.03 + 0.2)


def test_an_over_budget_frame_makes_the_next_frame_late_only_within_one_call() -> None:
    fake = _FakeTime()

    async def blocks() -> None:
        await asyncio.sleep(0)
        fake.now += 0.5  # holds the host for five periods of its wall clock

    with _host(fake) as host:
        host.step(1)
        host.tasks.Run(blocks())
        host.step(1)  # the task starts; its first step yields
        host.step(1)  # its second step blocks: this frame is over budget
        over = host.blame.late_count
        assert over >= 1
        host.step(1)  # a new call: re-anchored, so starting 0.5 s after is not late
        assert host.stats.late_frames == 0 and host.stats.dropped_frames == 0
        host.tasks.Run(blocks())
        host.step(4)  # within one call: the frame after the block starts late
        assert host.blame.late_count > over
        assert host.stats.late_frames == 1 and host.stats.dropped_frames >= 4
