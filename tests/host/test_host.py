"""The frame loop: step/run, frame order, callbacks, next_frame, stats, close."""

from __future__ import annotations

import asyncio
import logging

import pytest

from asyncio_comp import TaskStatus
from host import BaseCOMP, Host


def test_fresh_host(host: Host) -> None:
    assert (host.frame, host.seconds, host.fps, host.realtime) == (0, 0.0, 60.0, False)
    assert host.time() == 0.0
    assert host.stats.frames == 0


def test_step_advances_exact_time(host: Host) -> None:
    host.step()
    assert (host.frame, host.seconds) == (1, 0.0)
    host.step(30)
    assert (host.frame, host.seconds) == (31, 0.5)
    host.step(0)
    assert host.frame == 31
    assert host.stats.frames == 31


def test_run_frames_seconds_until(host: Host) -> None:
    assert host.run(frames=5) == 5
    assert host.frame == 5
    assert host.run(seconds=0.5) == 30
    assert host.frame == 35
    assert host.run(until=lambda: host.frame == 40) == 5
    assert host.run(frames=3, until=lambda: False) == 3


def test_stop_from_a_frame_callback(host: Host) -> None:
    host.on_frame_end(lambda h: h.stop() if h.frame == 7 else None)
    assert host.run() == 7
    # A later run is not stopped by the old request.
    assert host.run(frames=2) == 2


@pytest.mark.parametrize(("call", "exc", "pattern"), [
    (lambda h: h.step(-1), ValueError, r"step\(\) expected a whole number of frames >= 0, got -1"),
    (lambda h: h.step(1.5), ValueError, r"got 1.5"),
    (lambda h: h.step(True), ValueError, r"got True"),
    (lambda h: h.run(frames=-2), ValueError, r"run\(\) expected frames as a whole number"),
    (lambda h: h.run(seconds=float("nan")), ValueError, r"seconds as a finite number"),
    (lambda h: h.run(seconds="1"), ValueError, r"got '1'"),
    (lambda h: h.run(until=5), TypeError, r"until to be a callable"),
    (lambda h: h.on_frame_start(5), TypeError, r"on_frame_start\(\) expected a callable"),
    (lambda h: h.on_frame_end(None), TypeError, r"on_frame_end\(\) expected a callable"),
])
def test_bad_driving_arguments(host: Host, call: object, exc: type[Exception],
                               pattern: str) -> None:
    with pytest.raises(exc, match=pattern):
        call(host)  # type: ignore[operator]
    assert host.frame == 0


def test_frame_order(host: Host) -> None:
    order: list[str] = []

    async def task() -> None:
        while True:
            frame = await host.next_frame()
            order.append(f"task resumed {frame}")

    class Watcher(BaseCOMP):
        pass

    host.root.create(Watcher, "w")
    host.on_frame_start(lambda h: order.append(f"start {h.frame}"))
    host.on_frame_end(lambda h: order.append(f"end {h.frame}"))
    host.tasks.Run(task(), completion_callback=lambda o: order.append("callback"))
    host.step(3)
    assert order == ["start 1", "end 1",
                     "start 2", "task resumed 2", "end 2",
                     "start 3", "task resumed 3", "end 3"]


def test_next_frame_resolves_at_the_start_of_the_next_frame(host: Host) -> None:
    """Each await resumes on the very next frame, before that frame's end callbacks."""
    seen: list[tuple[int, int, float]] = []
    ends: list[int] = []

    async def follow() -> None:
        for _ in range(3):
            awaited_in = host.frame
            resolved = await host.next_frame()
            seen.append((awaited_in, resolved, host.seconds))
            assert ends[-1] == resolved - 1  # this frame's end callbacks have not run yet

    host.on_frame_end(lambda h: ends.append(h.frame))
    task_id = host.tasks.Run(follow())
    host.step(5)
    assert seen == [(1, 2, 1 / 60), (2, 3, 2 / 60), (3, 4, 3 / 60)]
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.COMPLETED


def test_next_frame_works_from_plain_asyncio_code(host: Host) -> None:
    frames: list[int] = []

    async def inner() -> int:
        return await host.next_frame()

    async def outer() -> None:
        frames.append(await asyncio.wait_for(inner(), timeout=1.0))

    task_id = host.tasks.Run(outer())
    host.step(3)
    assert frames == [2]
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.COMPLETED


def test_frame_callback_errors_are_reported_and_the_frame_continues(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    ends: list[int] = []

    def broken(h: Host) -> None:
        raise ValueError("start callback broke")

    host.on_frame_start(broken)
    host.on_frame_end(lambda h: ends.append(h.frame))
    with caplog.at_level(logging.ERROR):
        host.step(3)
    assert ends == [1, 2, 3]
    assert host.stats.callback_errors == 3
    assert "start callback broke" in caplog.text
    assert host.remove_callback(broken) is True
    assert host.remove_callback(broken) is False
    host.step()
    assert host.stats.callback_errors == 3


def test_frames_cannot_nest(host: Host) -> None:
    errors: list[str] = []

    def nested(h: Host) -> None:
        try:
            h.step()
        except RuntimeError as exc:
            errors.append(str(exc))

    host.on_frame_end(nested)
    host.step()
    assert errors == ["step() called from inside a frame; frames cannot nest"]
    assert host.frame == 1


def test_stats_snapshot(host: Host) -> None:
    host.step(10)
    stats = host.stats
    assert stats.frames == 10
    assert stats.late_frames == 0
    assert 0 < stats.last_frame_time <= stats.max_frame_time
    assert 0 < stats.mean_frame_time <= stats.max_frame_time
    assert 0 <= stats.last_step_time <= stats.max_step_time <= stats.max_frame_time
    assert len(stats.recent_frame_times) == 10 == len(stats.recent_step_times)
    with pytest.raises(AttributeError):
        stats.frames = 3  # type: ignore[misc]


@pytest.mark.parametrize("idle_tasks", [1_000, 10_000])
def test_an_idle_frame_writes_a_bounded_number_of_cells(host: Host, idle_tasks: int) -> None:
    """Per-frame work follows what changed: idle tasks only tick their durations, a
    bounded batch per frame, so ten times the tasks writes no more cells (the time it
    takes is the benchmark's business, bench/bench_idle.py)."""
    from asyncio_comp.table_sync import DURATION_REFRESH_PER_FRAME

    async def idle() -> None:
        await asyncio.sleep(3600)

    host.tasks.Run([idle() for _ in range(idle_tasks)])
    host.run(until=lambda: host.tasks.counts()["running"] == idle_tasks, frames=1000)
    table = host.asyncio_comp.task_table
    for _ in range(20):
        before = table.version
        host.step()
        assert table.version - before <= DURATION_REFRESH_PER_FRAME


def test_realtime_host_paces_frames() -> None:
    """On an injected clock: frames 1..10 are scheduled over 9 periods, and the host
    sleeps the rest of each period (no wall time read, so no load can change it)."""
    fake = _FakeTime()
    with Host(fps=100, realtime=True, time_function=fake.time, sleep=fake.sleep) as host:
        started = fake.now
        host.step(10)
        assert fake.now - started == pytest.approx(0.09)
        assert host.frame == 10 and host.stats.late_frames == 0


class _FakeTime:
    """A wall clock that moves only when the host sleeps."""

    def __init__(self) -> None:
        self.now = 500.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_repr(host: Host) -> None:
    assert repr(host) == "<Host 60 fps virtual frame=0>"


def test_realtime_run_seconds_runs_the_frames_that_cover_that_time() -> None:
    """5 s at 60 fps is 300 frames in realtime too, not 301."""
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    host = Host(fps=60, realtime=True, time_function=lambda: now[0], sleep=sleep)
    try:
        assert host.run(seconds=5) == 300
        assert abs(host.seconds + 1 / 60 - 5.0) < 1e-9
    finally:
        host.close()
