"""The stress scene: every task of every wave completes and the table stays bounded."""

from __future__ import annotations

import pytest

from host.testing import run_until


# 8000 tasks: in Python's development mode (CI's `-X dev`, asyncio's debug mode records
# where each task and callback was made) a heavily loaded machine needs more than 60 s.
@pytest.mark.timeout(300)
def test_all_waves_complete_and_the_table_stays_bounded(host, build_scene):
    comp = build_scene(host, "stress", wave="2000", waves="4", interval="1.0")
    stats = comp.op("stats")

    def value(name):
        return int(next(r[1].val for r in stats.rows() if r[0].val == name))

    run_until(host, lambda: value("completed") == 8000, frames=60 * 20,
              what="8000 stress jobs completed")
    assert value("waves") == 4 and value("submitted") == 8000
    assert value("failed") == value("cancelled") == value("timeout") == 0
    # Each job lasts under 1.5 s and stays 1 s after: at most about 2.5 waves at once.
    assert 2000 < value("max_table_rows") <= 6000
    # In virtual time the last job ends 3 hops of at most 0.49 s after the last wave.
    assert host.seconds < 3.0 + 0.2 + 1.5
    host.step(120)  # everything ages out of the table
    assert host.asyncio_comp.task_table.numRows == 1  # only the header is left
