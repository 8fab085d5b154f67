"""A fake wall clock for realtime hosts whose every reading costs a fixed tick.

Realtime mode budgets each frame's drain on the host's wall clock. With this clock
injected (``Host(realtime=True, time_function=t.time, sleep=t.sleep)``), a reading
moves time on by ``tick``, so "how much fits in the Framebudget" is a count of
readings: the same on every machine and under any load.
"""

from __future__ import annotations


class TickingTime:
    """``time()`` advances by ``tick`` per call; ``sleep(s)`` advances by ``s``."""

    def __init__(self, tick: float = 0.0005) -> None:
        self.now = 1000.0
        self.tick = tick

    def time(self) -> float:
        self.now += self.tick
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
