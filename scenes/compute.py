"""Compute: counts primes with a segmented sieve in a 2-process pool while frames stay on time.

A ComputeFarm at ``/compute`` splits each job into segments and sends them to a
``ProcessPoolExecutor`` (spawned, lower priority) through ``loop.run_in_executor``;
each job's progress column climbs as segments return, and ``/compute/jobs`` gets
the counts. The host's thread only awaits, so the frame-time graph stays flat.

With ``--arg backend=dask`` the same jobs run on a DaskFarm (a local cluster on
loopback) as in the ``cluster`` scene; the process pool stays the default, since
on one machine it starts in a fraction of the time (see docs/scale-out.md).

Arguments: ``limits`` comma-separated upper bounds
(1000000,2000000,5000000,10000000), ``segments`` per job (16), ``workers`` (2),
``backend`` ``pool`` or ``dask`` (pool).
"""

from __future__ import annotations

from typing import Any

from operators.compute_farm import ComputeFarm

#: pi(n) for the default limits, shown beside the results so a wrong count is obvious.
KNOWN = {10**5: 9592, 10**6: 78498, 2 * 10**6: 148933, 5 * 10**6: 348513, 10**7: 664579}


def build(host: Any, limits: str = "1000000,2000000,5000000,10000000", segments: str = "16",
          workers: str = "2", backend: str = "pool") -> Any:
    if backend == "dask":
        from scenes.cluster import build as build_cluster

        return build_cluster(host, limits=limits, segments=segments, workers=workers)
    if backend != "pool":
        raise ValueError(f"compute expected backend 'pool' or 'dask', got {backend!r}")
    farm = host.root.create(ComputeFarm, "compute")
    farm.par.Workers = min(int(workers), 2)
    farm.par.Segments = int(segments)
    for limit in (int(text) for text in limits.split(",") if text.strip()):
        farm.Count(limit)
    return farm
