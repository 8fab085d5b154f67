"""The compute scene: prime counts from the process pool are right, and the pool goes away."""

from __future__ import annotations

import multiprocessing

import pytest

from host.testing import run_until
from operators.compute_farm import count_primes


def test_count_primes_segments_add_up():
    assert [count_primes(0, n) for n in (0, 1, 2, 3, 10, 100)] == [0, 0, 0, 1, 4, 25]
    assert count_primes(0, 10_000) == sum(count_primes(lo, min(lo + 77, 10_000)) for lo in
                                          range(0, 10_000, 77)) == 1229


@pytest.mark.timeout(60)
def test_prime_counts_are_correct(host, build_scene):
    from host.scenes.compute import KNOWN

    farm = build_scene(host, "compute", limits="100000,1000000", segments="8")
    host.asyncio_comp.par.Clearafter = 1e9
    run_until(host, lambda: all(r[4].val not in ("pending", "running")
                                for r in farm.jobs.rows()[1:]),
              frames=2_000_000, what="every job ended")
    rows = [[c.val for c in r] for r in farm.jobs.rows()[1:]]
    assert rows == [["primes<100000", "100000", "8/8", str(KNOWN[10**5]), "completed"],
                    ["primes<1000000", "1000000", "8/8", str(KNOWN[10**6]), "completed"]]
    # The sieve ran elsewhere: each of the 16 segments was a call handed to the pool
    # (`run_in_executor`, counted as outside work), none run by a frame's cook. (Not
    # a bound on the frames' wall time: on a loaded machine any frame may be slow.)
    assert host.loop.outside.started == 16
    assert host.loop.outside.pending == 0


@pytest.mark.timeout(60)
def test_closing_the_host_stops_the_pool_processes(build_scene):
    from host import Host

    # Children another test left winding down (a Dask cluster's) are not this host's.
    before = set(multiprocessing.active_children())
    host = Host(realtime=False)
    farm = build_scene(host, "compute", limits="3000000", segments="4")
    # Close while the pool works: once its processes run (finishing the job first
    # depends on how fast they are, so the test does not wait for a segment).
    run_until(host, lambda: bool(set(multiprocessing.active_children()) - before),
              frames=2_000_000)
    assert farm.jobs[1, "status"].val not in ("completed", "failed")
    host.close()
    assert set(multiprocessing.active_children()) - before == set()
    assert farm.jobs[1, "status"].val == "cancelled"
