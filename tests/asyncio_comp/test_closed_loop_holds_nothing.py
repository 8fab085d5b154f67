"""A closed host loop that someone else keeps holds nothing of its host.

Libraries keep event loops in places of their own: a Dask comm whose peer closed first
keeps a ``weakref.finalize`` holding its tornado stream until the comm is collected,
the stream holds tornado's IOLoop, and that IOLoop the asyncio loop it wraps. Whatever
keeps a closed loop must not keep, through it, the Host (its clock was the loop's
time), a task (what `WaitWatch` noted as the close cancelled them), or a task's record.
"""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from asyncio_comp.records import TaskRecord
from host import Host


def _records() -> int:
    return sum(isinstance(o, TaskRecord) for o in gc.get_objects())


@pytest.mark.parametrize("realtime", [False, True], ids=["virtual", "realtime"])
def test_a_closed_loop_kept_by_a_third_party_keeps_no_task_record_or_host(
        realtime: bool) -> None:
    gc.collect()
    records_before = _records()  # another test's leftovers are not this test's business
    library: list[asyncio.AbstractEventLoop] = []  # a library's own reference to the loop

    host = Host(fps=60, realtime=realtime)

    async def waits() -> None:
        await asyncio.get_running_loop().create_future()  # until the close cancels it

    async def quick() -> int:
        return 1

    host.tasks.Run([waits() for _ in range(3)] + [quick() for _ in range(3)])
    untracked = host.loop.create_task(waits())  # a library's own task on the loop
    host.step(2)
    tasks = weakref.WeakSet(asyncio.all_tasks(host.loop))
    assert untracked in tasks and len(tasks) == 4  # the quick ones are done already
    del untracked
    library.append(host.loop)
    alive = weakref.ref(host)
    closing_at = host.time()
    host.close()
    closed_at = host.time()
    del host

    gc.collect()  # one collection
    assert alive() is None
    assert len(tasks) == 0
    assert _records() == records_before
    loop = library[0]
    assert loop.is_closed()
    # Its time stands where the host's was as it closed.
    assert closing_at <= loop.time() <= closed_at
    assert loop.time() == loop.time()
