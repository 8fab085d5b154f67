"""Port 5: a pool scaled by copying a template COMP, found again by tag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from host import Host, OperatorDestroyed


def test_the_pool_grows_by_copies_and_shrinks_by_destroy(host: Host,
                                                         port: Callable[..., Any]) -> None:
    port(host, "worker_pool")
    pool: Any = host.op("/pool")
    assert pool.par.Size == 1 and pool.par.Template.eval() is host.op("/pool/template")
    pool.par.Size = 0  # clampMin: back to 1
    assert pool.par.Size == 1
    pool.par.Size = 3
    pool.Scale()
    workers = pool.Workers
    assert [w.name for w in workers] == ["worker1", "worker2", "worker3"]
    assert all(w.tags == {"worker"} and w.fetch("Kind") == "worker" for w in workers)
    assert workers[0].comment == "copied from /pool/template"
    assert workers[2].op("jobs").values() == [["job", "retries"]]
    assert pool.par.Status == "3 workers" and pool.par.Status.readOnly

    for job in ("a", "b", "c", "d"):
        pool.Assign(job)
    assert workers[0].op("jobs").values()[1:] == [["a", "3"], ["d", "3"]]
    assert pool.fetch("Assigned") == ["a", "b", "c", "d"]
    assert host.op("/pool/template/jobs").numRows == 1  # the template is untouched

    pool.par.Size = 1
    pool.Scale()
    assert [w.name for w in pool.Workers] == ["worker1"]
    assert not workers[1].valid and not workers[2].valid
    with pytest.raises(OperatorDestroyed, match=r"<BaseCOMP /pool/worker3> was destroyed"):
        workers[2].op("jobs")
    assert pool.op("log").text == ("added worker1\nadded worker2\nadded worker3\n"
                                   "removed worker2\nremoved worker3\n")
