"""task_table repairs itself from the registry after a failed write or a user's edit.

One write that raised half way, or user code calling ``task_table.clear()``, must
not leave the table without its header or missing rows for good. The table is
generated: the next read puts the registry's content back.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from host import Host

HEADER = ["task_id", "status", "description", "duration", "created_at", "completed_at",
          "error", "info", "progress"]


async def wait_frames(n: int) -> str:
    for _ in range(n):
        await asyncio.sleep(0)
    return "ok"


def ids_and_statuses(host: Host) -> list[tuple[str, str]]:
    rows = host.asyncio_comp.task_table.values()
    assert rows[0] == HEADER, rows[:1]
    return [(row[0], row[1]) for row in rows[1:]]


def registry(host: Host) -> list[tuple[str, str]]:
    return [(str(i["task_id"]), i["status"].value) for i in host.tasks.GetAllTasksInfo()]


class LoudStr(str):
    """A description whose ``str()`` raises (the table converts every cell with it)."""

    def __str__(self) -> str:
        raise RuntimeError("no text for you")


class InterruptingRepr:
    """An ``info`` whose repr is interrupted, as a Ctrl-C landing mid-write would."""

    armed = True

    def __repr__(self) -> str:
        if InterruptingRepr.armed:
            InterruptingRepr.armed = False
            raise KeyboardInterrupt
        return "<info>"


def test_a_description_whose_str_raises_is_shown_by_its_text(host: Host) -> None:
    host.tasks.Run(wait_frames(1), description="before")
    task_id = host.tasks.Run(wait_frames(50), description=LoudStr("loud"))
    host.tasks.Run(wait_frames(50), description="after")
    host.step()
    assert ids_and_statuses(host) == registry(host)
    assert host.asyncio_comp.task_table[2, "description"].val == "loud"
    assert host.tasks.GetTaskInfo(task_id)["description"] == "loud"  # type: ignore[index]


def test_a_write_interrupted_half_way_is_rebuilt_at_the_next_read(host: Host) -> None:
    InterruptingRepr.armed = True
    host.tasks.Run(wait_frames(50), description="first")
    host.tasks.Run(wait_frames(50), description="second", info=InterruptingRepr())
    host.tasks.Run(wait_frames(50), description="third")
    table = host.asyncio_comp.task_table
    with pytest.raises(KeyboardInterrupt):
        table.numRows  # noqa: B018 (the read runs the write)
    assert ids_and_statuses(host) == registry(host)
    assert len(registry(host)) == 3
    host.step(2)
    assert ids_and_statuses(host) == registry(host)
    assert table[2, "info"].val == "<info>"


@pytest.mark.parametrize("edit", [
    pytest.param(lambda t: t.clear(), id="clear"),
    pytest.param(lambda t: t.clear(keepFirstRow=True), id="clear keeping the header"),
    pytest.param(lambda t: t.deleteRow(1), id="delete a row"),
    pytest.param(lambda t: t.appendRow(["99", "bogus"]), id="append a row"),
    pytest.param(lambda t: t.replaceRow(0, ["x"]), id="replace the header"),
    pytest.param(lambda t: t.__setitem__((1, "status"), "completed"), id="set a cell"),
])
def test_a_user_edit_is_repaired_at_the_next_read(host: Host, edit: Any) -> None:
    for n in range(3):
        host.tasks.Run(wait_frames(50), description=f"task {n}")
    host.step()
    table = host.asyncio_comp.task_table
    before = table.values()
    edit(table)
    # Nothing changed in the registry since: the next read alone repairs the table.
    assert table.values()[0] == HEADER
    assert [row[:3] for row in table.values()] == [row[:3] for row in before]
    host.step()
    assert ids_and_statuses(host) == registry(host)


def test_repaired_table_keeps_following_the_registry(host: Host) -> None:
    first = host.tasks.Run(wait_frames(2), description="short")
    host.step()
    host.asyncio_comp.task_table.clear()
    host.tasks.Run(wait_frames(50), description="long")
    host.step(4)
    assert ids_and_statuses(host) == registry(host)
    assert host.tasks.GetTaskInfo(first)["status"].value == "completed"  # type: ignore[index]


def test_updatetable_off_keeps_a_user_edit(host: Host) -> None:
    host.tasks.Run(wait_frames(50))
    host.step()
    comp = host.asyncio_comp
    comp.par.Updatetable = False
    comp.task_table.clear()
    host.step()
    assert comp.task_table.numRows == 0
    comp.par.Updatetable = True
    host.step()
    assert ids_and_statuses(host) == registry(host)
