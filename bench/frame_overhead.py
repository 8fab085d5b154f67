"""Frame overhead: one ``host.step()`` with N idle running tasks, against a bare loop step.

The baseline is ``loop.call_soon(loop.stop); loop.run_forever()`` with the same N
tasks parked on one future: the least any frame-driven asyncio loop can cost.
"""

from __future__ import annotations

import asyncio

from bench._common import IdleGate, quiet, sample_frames, trimmed_mean
from host import Host

__all__ = ["bare_loop_cost", "bare_loop_samples", "host_frame_cost", "host_frame_samples"]


def host_frame_cost(n: int, frames: int = 300, table: bool = True,
                    read_table: bool = False) -> float:
    """Mean seconds (slowest 5% dropped) of one frame of a host with ``n`` idle tracked
    tasks; ``table=False`` turns ``Updatetable`` off, ``read_table=True`` reads the
    ``task_table`` after every frame (its running durations tick when read)."""
    return trimmed_mean(host_frame_samples(n, frames, table, read_table))


def bare_loop_cost(n: int, frames: int = 300) -> float:
    """Mean seconds (slowest 5% dropped) of a bare loop step, ``n`` tasks parked."""
    return trimmed_mean(bare_loop_samples(n, frames))


def host_frame_samples(n: int, frames: int, table: bool = True,
                       read_table: bool = False) -> list[float]:
    """Seconds per frame (``host.step()``, then a read of the table if asked) over
    ``frames`` frames, ``n`` idle tracked tasks, after a warm-up."""
    with quiet(), Host(fps=60.0, realtime=False) as host:
        host.asyncio_comp.par.Updatetable = table
        dat = host.asyncio_comp.task_table

        def step_and_read() -> None:
            host.step()
            dat.refresh()

        step = step_and_read if read_table else host.step
        gate = IdleGate(host.loop)
        gate.park(host, n)
        sample_frames(step, 30)
        samples = sample_frames(step, frames)
        gate.release()
        return samples


def bare_loop_samples(n: int, frames: int) -> list[float]:
    """Seconds per bare loop step over ``frames`` steps, ``n`` tasks parked, after a
    warm-up."""
    loop = asyncio.new_event_loop()
    try:
        gate = IdleGate(loop)
        tasks = gate.start_raw(n)

        def step() -> None:
            loop.call_soon(loop.stop)
            loop.run_forever()

        step()
        sample_frames(step, 30)
        samples = sample_frames(step, frames)
        gate.release(tasks)
        return samples
    finally:
        loop.close()
