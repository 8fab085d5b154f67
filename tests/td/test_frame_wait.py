"""The wait before a realtime frame: a sleep, or a component's turn (`FrameWait`)."""

from __future__ import annotations

import gc

import pytest

from td import current
from td.core import HostCore
from td.frame_wait import MAX_SPIN, MAX_SPIN_SHARE, MIN_SPIN, WakeMargin


def test_a_served_wait_runs_as_frame_work_between_two_frames() -> None:
    host = HostCore(fps=20.0, realtime=True)
    seen: list[tuple[int, float, bool, object]] = []

    def serve(seconds: float) -> bool:
        seen.append((host.frame, seconds, gc.get_threshold()[0] > 0, current.current_host()))
        return False  # the host sleeps the rest, as without a server

    host.serve_between_frames(serve)
    try:
        host.step(2)
    finally:
        host.close()
    assert seen, "the second frame's wait was not served"
    frame, seconds, collector_on, current_host = seen[0]
    assert frame == 1 and 0.0 < seconds <= host.clock.period
    assert not collector_on  # paused as in a frame; the next frame's end collects
    assert current_host is host
    assert gc.isenabled()


def test_close_asked_for_between_frames_waits_for_the_frame_that_follows() -> None:
    host = HostCore(fps=20.0, realtime=True)
    host.serve_between_frames(lambda seconds: host.close() or False)
    host.run(frames=5)
    assert host.closed and host.frame == 2


def test_a_host_with_its_own_sleep_keeps_it_and_none_puts_the_sleep_back() -> None:
    now = [0.0]
    served: list[float] = []
    host = HostCore(fps=10.0, realtime=True, time_function=lambda: now[0],
                    sleep=lambda s: now.__setitem__(0, now[0] + s))
    host.serve_between_frames(lambda s: served.append(s) or True)
    host.step(3)
    assert served == [] and now[0] == pytest.approx(0.2)
    real = HostCore(fps=50.0, realtime=True)
    real.serve_between_frames(lambda s: served.append(s) or False)
    real.serve_between_frames(None)
    real.step(3)
    real.close()
    host.close()
    assert served == []


def test_serve_between_frames_rejects_what_it_cannot_call() -> None:
    with HostCore() as host, pytest.raises(
            TypeError, match=r"serve_between_frames\(\) expected a callable taking seconds "
                             r"or None, got 5"):
        host.serve_between_frames(5)  # type: ignore[arg-type]


def test_a_served_wait_stops_serving_short_of_the_frame_and_never_ends_early() -> None:
    """The selector's timeout is whole milliseconds: serving stops `SERVE_MARGIN`
    before the frame is due, and the rest is slept and spun, so the wait ends on
    time. (Only a lower bound on real time is asserted: load can only add to it.)"""
    import contextlib
    import time

    from td.frame_wait import SERVE_MARGIN, FrameWait

    served: list[float] = []

    def serve(seconds: float) -> bool:
        served.append(seconds)
        time.sleep(seconds)
        return True

    wait = FrameWait(time.sleep, contextlib.nullcontext)
    wait.set(serve)
    started = time.perf_counter()
    wait(0.05)
    assert time.perf_counter() - started >= 0.05
    assert served and served[0] <= 0.05 - SERVE_MARGIN
    assert all(0 < s <= 0.05 - SERVE_MARGIN for s in served)


# -- how long before a frame the wait spins (WakeMargin) ----------------------------

def _report(margin: WakeMargin, late: float, times: int) -> None:
    for _ in range(times):
        margin.observe(late)


def test_the_margin_starts_at_its_default_and_follows_a_full_window_only() -> None:
    margin = WakeMargin()
    _report(margin, 0.00002, WakeMargin.WINDOW - 1)
    assert margin.seconds == WakeMargin.START  # one short of a window
    _report(margin, 0.00002, WakeMargin.EVERY)
    assert margin.seconds == pytest.approx(0.0001)  # 20 µs late + headroom, at the floor
    assert margin.observed == WakeMargin.WINDOW - 1 + WakeMargin.EVERY


def test_the_margin_covers_the_99th_percentile_of_recent_wake_ups() -> None:
    margin = WakeMargin()
    _report(margin, 0.00008, WakeMargin.WINDOW - 3)
    _report(margin, 0.0006, 3)  # above the 99th percentile's rank: covered
    assert margin.seconds == pytest.approx(0.0006 + WakeMargin.HEADROOM)
    quiet = WakeMargin()
    _report(quiet, 0.00008, WakeMargin.WINDOW - 2)
    _report(quiet, 0.0006, 2)  # the worst 1%: left to be late, not spun for
    assert quiet.seconds == pytest.approx(0.00008 + WakeMargin.HEADROOM)


def test_the_margin_is_bounded_and_shrinks_back_once_wake_ups_are_prompt_again() -> None:
    margin = WakeMargin()
    _report(margin, 0.004, WakeMargin.WINDOW)  # a loaded machine: 4 ms late
    assert margin.seconds == MAX_SPIN
    _report(margin, 0.00015, WakeMargin.WINDOW)
    assert margin.seconds == pytest.approx(0.0002)


def test_at_a_high_frame_rate_the_margin_is_a_share_of_the_period() -> None:
    assert WakeMargin(1 / 120).seconds == WakeMargin.START  # within a 16th of 8.3 ms
    fast = WakeMargin(1 / 240)
    assert fast.seconds == pytest.approx(MAX_SPIN_SHARE / 240)  # 0.26 ms, not 0.3
    _report(fast, 0.004, WakeMargin.WINDOW)
    assert fast.seconds == pytest.approx(MAX_SPIN_SHARE / 240)
    fastest = WakeMargin(1 / 10_000)
    assert fastest.seconds == MIN_SPIN  # never below the timer slack's worth
    _report(fastest, 0.004, WakeMargin.WINDOW)
    assert fastest.seconds == MIN_SPIN


def test_a_real_wait_reports_how_late_its_sleep_woke() -> None:
    import contextlib
    import time

    from td.frame_wait import FrameWait

    wait = FrameWait(time.sleep, contextlib.nullcontext)
    started = time.perf_counter()
    wait(0.01)
    assert time.perf_counter() - started >= 0.01
    assert wait.margin.observed == 1
    fake = FrameWait(lambda _seconds: None, contextlib.nullcontext)
    fake(0.01)
    assert fake.margin.observed == 0  # a test's clock: nothing slept for real
