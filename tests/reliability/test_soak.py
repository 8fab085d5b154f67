"""Soak: 100k frames of random work in virtual time: no clock drift, nothing grows.

Random submissions (sleeps, failures, timeouts) and cancellations run from a
frame-end callback, as a scene's operator would. At the end the clock must read
exactly ``(frame - 1) / fps`` — computed, never accumulated — and the registry,
the table and the loop's timers must be back to empty.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest

from asyncio_comp import TaskOutcome
from host import Host


# A hundred thousand frames: about 7 s of CPU, three times that in Python's development
# mode (CI's `-X dev`); a loaded machine needs more than the suite's 120 s bound.
@pytest.mark.timeout(600)
def test_100k_frames_of_random_work_no_drift_no_growth() -> None:
    rng = random.Random(20240601)
    frames = 100_000
    host = Host(fps=60, realtime=False)
    try:
        comp = host.asyncio_comp
        comp.par.Clearafter = 0.5
        loop = host.loop
        ended = Counter[int]()
        live: list[int] = []

        def callback(outcome: TaskOutcome) -> None:
            ended[outcome.task_id] += 1

        async def work(frames_to_sleep: int, fail: bool) -> int:
            await asyncio.sleep(frames_to_sleep / 60)
            if fail:
                raise ValueError("random failure")
            return frames_to_sleep

        submitted = 0
        peak_tasks = peak_timers = 0

        def random_work(h: object) -> None:
            nonlocal submitted, peak_tasks, peak_timers
            roll = rng.random()
            if roll < 0.05:
                for _ in range(rng.randint(1, 3)):
                    timeout = rng.choice([None, None, 0.1, 1.0])
                    live.append(host.tasks.Run(
                        work(rng.randint(0, 90), rng.random() < 0.1), timeout=timeout,
                        completion_callback=callback))
                    submitted += 1
            elif roll < 0.06 and live:
                host.tasks.CancelTask(live.pop(rng.randrange(len(live))))
            if len(live) > 64:
                del live[:32]
            peak_tasks = max(peak_tasks, host.tasks.task_count())
            peak_timers = max(peak_timers, len(loop._scheduled))  # type: ignore[attr-defined]

        host.on_frame_end(random_work)
        host.step(frames)
        host.remove_callback(random_work)
        # Exact virtual time: computed from the frame number, never accumulated.
        assert host.frame == frames
        assert host.seconds == (frames - 1) / 60
        assert host.time() == (frames - 1) / 60
        host.step(120)
        assert host.tasks.GetActiveTasksCount() == 0
        assert submitted > 5_000 and sum(ended.values()) == submitted
        assert set(ended.values()) == {1}
        # Bounded: ~0.1 submissions a frame stay at most ~1.5 s (+0.5 s Clear After).
        assert peak_tasks < 100 and peak_timers < 100
        assert host.tasks.task_count() == 0
        assert comp.task_table.numRows == 1
        assert len(host.stats.recent_frame_times) <= 120
        assert host.stats.frames == frames + 120
    finally:
        host.close()
