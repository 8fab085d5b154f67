"""Cluster: counts primes on a Dask cluster, one progress bar per job, frames on time.

A DaskFarm at ``/cluster`` starts a local cluster on loopback (or connects to
``--arg scheduler=tcp://HOST:8786``). Each limit is one tracked task that splits
``[0, limit)`` into segments and sends them through ``farm.map``; its progress
column climbs as segments come back, and its result is the prime count.
``/cluster/cluster_table`` lists the workers and the tasks each has in flight.
The host's thread only awaits: the sieve runs in the workers' processes.

Workers import this module to run `count_segment`, so a remote cluster needs
framehost installed on its workers (see docs/scale-out.md).

Arguments: ``limits`` comma-separated upper bounds
(2000000,4000000,6000000,8000000,10000000), ``segments`` per job (24),
``scheduler`` an address (empty: a local cluster), ``workers`` (2).
"""

from __future__ import annotations

from typing import Any

from operators import DaskFarm
from operators.compute_farm import count_primes

#: pi(n) for limits the tests and the default use, so a wrong count is obvious.
KNOWN = {10**5: 9592, 10**6: 78498, 2 * 10**6: 148933, 4 * 10**6: 283146,
         5 * 10**6: 348513, 6 * 10**6: 412849, 8 * 10**6: 539777, 10**7: 664579}


def count_segment(bounds: tuple[int, int]) -> int:
    """How many primes in ``[lo, hi)``; runs on a worker."""
    lo, hi = bounds
    return count_primes(lo, hi)


def segments_of(limit: int, segments: int) -> list[tuple[int, int]]:
    """``[0, limit)`` cut into at most ``segments`` consecutive pieces."""
    step = max(1, -(-limit // segments))
    return [(lo, min(lo + step, limit)) for lo in range(0, limit, step)]


async def count_on_farm(farm: DaskFarm, limit: int, segments: int) -> int:
    """The primes below ``limit``, counted segment by segment on the farm."""
    return sum(await farm.map(count_segment, segments_of(limit, segments)))


def parse_limits(limits: object) -> list[int]:
    """``"1000,2000"`` or what ``--arg limits=1000,2000`` reads it as (a tuple) or one int."""
    if isinstance(limits, str):
        return [int(text) for text in limits.split(",") if text.strip()]
    if isinstance(limits, int):
        return [limits]
    if isinstance(limits, tuple | list):
        return [int(limit) for limit in limits]
    raise TypeError(f"cluster expected limits like '1000000,2000000', got {limits!r}")


def start_jobs(farm: DaskFarm, limits: object, segments: int) -> list[int]:
    """One tracked task per limit; their ids."""
    ids = []
    for limit in parse_limits(limits):
        task_id = farm.run_async_task(count_on_farm(farm, limit, segments),
                                      description=f"primes<{limit}", info=limit)
        assert isinstance(task_id, int)
        ids.append(task_id)
    return ids


def build(host: Any, limits: object = "2000000,4000000,6000000,8000000,10000000",
          segments: object = "24", scheduler: str = "", workers: object = "2") -> DaskFarm:
    farm = host.root.create(DaskFarm, "cluster")
    farm.par.Scheduler = scheduler
    farm.par.Workers = int(str(workers))
    start_jobs(farm, limits, int(str(segments)))
    return farm
