"""A big network for `bench.views`: many tasks waiting and many operators, a few of them busy.

``tasks`` tasks (100,000) wait on an event that never fires, so the task table holds
them all for the whole run; ``operators`` operators (200) sit in one COMP, half of
them table DATs; one task appends a row to one of the DATs every frame and another
submits a short task every frame, so the table, the DATs and the counts change as
they would in a working host while most of it stands still.
"""

from __future__ import annotations

import asyncio
from typing import Any

from host import BaseCOMP, TableDAT


async def _wait_forever(event: asyncio.Event) -> None:
    await event.wait()


def build(host: Any, tasks: str = "100000", operators: str = "200") -> BaseCOMP:
    count, ops = int(tasks), int(operators)
    comp = host.root.create(BaseCOMP, "network")
    dats: list[TableDAT] = []
    for i in range(ops):
        if i % 2:
            dat = comp.create(TableDAT, f"table{i}")
            dat.appendRow(["frame", "value"])
            dats.append(dat)
        else:
            comp.create(BaseCOMP, f"comp{i}")
    event = asyncio.Event()
    manager = host.tasks
    manager.Run([_wait_forever(event) for _ in range(count)], description="waiting")

    async def tick() -> None:
        while True:
            frame = await host.next_frame()
            dats[frame % len(dats)].appendRow([frame, frame * 2])
            manager.Run(asyncio.sleep(0.1), description=f"short {frame}")

    if dats:
        manager.Run(tick(), description="ticker")
    return comp
