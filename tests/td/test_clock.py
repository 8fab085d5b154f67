"""FrameClock: exact virtual time, and realtime pacing driven by an injected clock."""

from __future__ import annotations

import math

import pytest

from host import FrameClock, Host


class FakeTime:
    """A wall clock the test moves; sleep() advances it (pyglet's advance_clock idea)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_virtual_frame_n_is_at_n_minus_one_over_fps() -> None:
    clock = FrameClock(60.0, realtime=False)
    now = clock.now_reader()
    assert (clock.frame, clock.seconds, clock.now(), now()) == (0, 0.0, 0.0, 0.0)
    for n in range(1, 200):
        clock.begin_frame()
        assert clock.frame == n
        assert clock.seconds == (n - 1) / 60.0
        assert clock.now() == clock.seconds == now()


def test_virtual_time_does_not_drift_over_long_runs() -> None:
    clock = FrameClock(60.0, realtime=False)
    for _ in range(100_001):
        clock.begin_frame()
    assert clock.seconds == 100_000 / 60.0


def test_virtual_clock_never_sleeps() -> None:
    fake = FakeTime()
    clock = FrameClock(30.0, realtime=False, time_function=fake.time, sleep=fake.sleep)
    for _ in range(10):
        clock.begin_frame()
    assert fake.sleeps == []


def test_realtime_paces_to_the_schedule() -> None:
    fake = FakeTime()
    clock = FrameClock(10.0, realtime=True, time_function=fake.time, sleep=fake.sleep)
    clock.begin_frame()
    assert clock.seconds == 0.0 and fake.sleeps == []
    fake.now += 0.03  # the frame's work
    clock.begin_frame()
    assert fake.sleeps == [pytest.approx(0.07)]
    assert clock.seconds == pytest.approx(0.1)
    assert clock.late_frames == 0


def test_realtime_drift_correction_keeps_the_absolute_schedule() -> None:
    fake = FakeTime()
    clock = FrameClock(10.0, realtime=True, time_function=fake.time, sleep=fake.sleep)
    clock.begin_frame()
    for n in range(2, 50):
        fake.now += 0.013 * (n % 5)  # uneven work, always shorter than a period
        clock.begin_frame()
        assert clock.seconds == pytest.approx((n - 1) * 0.1)
    assert clock.late_frames == 0


def test_realtime_late_frame_is_counted_and_run_not_skipped() -> None:
    fake = FakeTime()
    clock = FrameClock(10.0, realtime=True, time_function=fake.time, sleep=fake.sleep)
    clock.begin_frame()
    fake.now += 0.16  # frame 2 was due at 0.1: 0.06 late (>= half a period)
    clock.begin_frame()
    assert clock.frame == 2
    assert clock.late_frames == 1
    # Not late by more than a period: the schedule holds, frame 3 is still due at 0.2.
    clock.begin_frame()
    assert clock.frame == 3 and clock.seconds == pytest.approx(0.2)
    assert clock.late_frames == 1


def test_realtime_very_late_frame_reanchors_instead_of_bursting() -> None:
    fake = FakeTime()
    clock = FrameClock(10.0, realtime=True, time_function=fake.time, sleep=fake.sleep)
    clock.begin_frame()
    fake.now += 1.0  # a one-second stall
    clock.begin_frame()
    assert clock.frame == 2 and clock.late_frames == 1
    fake.sleeps.clear()
    clock.begin_frame()  # paced a full period after the late frame, not immediately
    assert fake.sleeps == [pytest.approx(0.1)]
    assert clock.late_frames == 1


def test_realtime_now_is_live_wall_time() -> None:
    fake = FakeTime()
    clock = FrameClock(10.0, realtime=True, time_function=fake.time, sleep=fake.sleep)
    now = clock.now_reader()
    assert clock.now() == 0.0 == now()
    clock.begin_frame()
    fake.now += 0.042
    assert clock.now() == pytest.approx(0.042) == now()


def test_resume_does_not_count_an_idle_gap_as_late() -> None:
    fake = FakeTime()
    clock = FrameClock(10.0, realtime=True, time_function=fake.time, sleep=fake.sleep)
    clock.begin_frame()
    fake.now += 5.0  # the host sat idle between run() calls
    clock.resume()
    clock.begin_frame()
    assert clock.late_frames == 0


def test_host_stats_count_late_frames_with_injected_time() -> None:
    fake = FakeTime()
    host = Host(fps=10, realtime=True, time_function=fake.time, sleep=fake.sleep)
    try:
        stall = host.on_frame_end(lambda h: setattr(fake, "now", fake.now + 0.3)
                                  if h.frame == 3 else None)
        host.step(6)
        assert stall is not None
        stats = host.stats
        assert stats.frames == 6
        assert stats.late_frames == 1
    finally:
        host.close()


@pytest.mark.parametrize(("fps", "exc", "pattern"), [
    (0, ValueError, r"positive finite number, got 0"),
    (-30, ValueError, r"got -30"),
    (math.inf, ValueError, r"got inf"),
    (math.nan, ValueError, r"got nan"),
    ("60", TypeError, r"positive number of frames per second, got '60'"),
    (True, TypeError, r"got True"),
    (None, TypeError, r"got None"),
])
def test_bad_fps(fps: object, exc: type[Exception], pattern: str) -> None:
    with pytest.raises(exc, match=pattern):
        FrameClock(fps, realtime=False)  # type: ignore[arg-type]
    with pytest.raises(exc, match=pattern):
        Host(fps=fps, realtime=False)  # type: ignore[arg-type]
