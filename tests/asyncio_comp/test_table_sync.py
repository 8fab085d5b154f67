"""task_table: the contract's header, one row per tracked task, current every frame."""

from __future__ import annotations

import asyncio
import itertools
import random
from typing import Any

from asyncio_comp import TaskStatus
from asyncio_comp.table_sync import TaskTableSync
from host import Host, HostCore, TableDAT
from td.errors import describe_error

HEADER = ["task_id", "status", "description", "duration", "created_at", "completed_at",
          "error", "info", "progress"]


def seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def expected_row(info: dict[str, Any]) -> list[str]:
    """The table's columns (all but duration and progress) as GetTaskInfo reports them."""
    data = info["info"]
    return [
        str(info["task_id"]), info["status"].value, info["description"],
        seconds(info["created_at"]), seconds(info["completed_at"]),
        describe_error(info["error"]) if info["error"] else "",
        "" if data is None else data if isinstance(data, str) else repr(data),
    ]


def table_rows(host: Host) -> list[list[str]]:
    rows = host.asyncio_comp.task_table.values()
    return [[r[0], r[1], r[2], r[4], r[5], r[6], r[7]] for r in rows[1:]]


def assert_table_matches(host: Host) -> None:
    assert table_rows(host) == [expected_row(i) for i in host.tasks.GetAllTasksInfo()]


async def sleep_for(seconds_: float, fail: bool = False) -> str:
    await asyncio.sleep(seconds_)
    if fail:
        raise ValueError(f"failed after {seconds_}")
    return "ok"


def test_header_exactly(host: Host) -> None:
    table = host.asyncio_comp.task_table
    assert [c.val for c in table.row(0)] == HEADER
    assert table.numRows == 1
    assert table.numCols == len(HEADER)


def test_row_appears_at_submission_and_follows_status(host: Host) -> None:
    table = host.asyncio_comp.task_table
    task_id = host.tasks.Run(sleep_for(0.5), description="nap", info="meta")
    assert table.numRows == 2
    assert table[1, "task_id"].val == str(task_id)
    assert table[1, "status"].val == "pending"
    assert table[1, "description"].val == "nap"
    assert table[1, "info"].val == "meta"
    host.step()
    assert table[1, "status"].val == "running"
    host.step(31)
    assert table[1, "status"].val == "completed"
    assert table[1, "completed_at"].val == "0.500"
    assert_table_matches(host)


def test_a_paused_component_still_shows_and_reports_what_changed(host: Host) -> None:
    """``Active`` off pauses the loop, not the bookkeeping: a task cancelled while
    paused shows as cancelled at the end of the frame and its callback fires."""
    outcomes: list[object] = []
    host.asyncio_comp.par.Active = False
    task_id = host.tasks.Run(sleep_for(0.5), completion_callback=outcomes.append)
    host.step()
    assert host.tasks.CancelTask(task_id) is True
    host.step()
    table = host.asyncio_comp.task_table
    assert table[1, "status"].val == "cancelled"
    assert [o.status for o in outcomes] == [TaskStatus.CANCELLED]  # type: ignore[attr-defined]
    assert_table_matches(host)


def test_running_durations_tick(host: Host) -> None:
    """Shown durations of running tasks keep up with time (refreshed at least 10x a second)."""
    table = host.asyncio_comp.task_table
    host.tasks.Run([sleep_for(3600) for _ in range(3)])
    shown: list[list[float]] = []
    for _ in range(60):
        host.step()
        row = [float(table[r, "duration"].val) for r in (1, 2, 3)]
        shown.append(row)
        for value in row:
            assert -5e-4 <= host.seconds - value <= 0.1 + 1 / 60 + 1e-3  # shown to 3 places
    for earlier, later in itertools.pairwise(shown):
        assert all(b >= a for a, b in zip(earlier, later, strict=True))
    assert len({row[0] for row in shown}) >= 6
    assert shown[-1][0] > 0.8


def test_finished_duration_is_frozen(host: Host) -> None:
    table = host.asyncio_comp.task_table
    host.tasks.Run(sleep_for(0.25))
    host.step(20)
    first = table[1, "duration"].val
    host.step(20)
    assert table[1, "duration"].val == first == "0.250"


def test_rows_removed_on_clear(host: Host) -> None:
    table = host.asyncio_comp.task_table
    ids = host.tasks.Run([sleep_for(0), sleep_for(3600), sleep_for(0)])
    assert isinstance(ids, list)
    host.step(2)
    host.tasks.Clearfinished()
    assert [r[0] for r in table.values()[1:]] == [str(ids[1])]
    host.tasks.Clearall()
    assert table.numRows == 1
    host.step(2)
    assert table.numRows == 1
    assert [c.val for c in table.row(0)] == HEADER


def test_table_equals_get_all_tasks_info_after_random_operations(host: Host) -> None:
    rng = random.Random(20240611)
    host.asyncio_comp.par.Clearafter = 0.4
    seen: set[TaskStatus] = set()
    for _ in range(300):
        action = rng.random()
        if action < 0.35:
            kind = rng.choice(["ok", "fail", "timeout", "long"])
            host.tasks.Run(
                sleep_for(rng.choice([0, 0.05, 0.2, 1.0]), fail=kind == "fail"),
                description=f"{kind}-{rng.randrange(100)}",
                info=rng.choice([None, "text", {"n": rng.randrange(9)}, 3.5]),
                timeout=0.1 if kind == "timeout" else None,
            )
        elif action < 0.45:
            active = [i["task_id"] for i in host.tasks.GetAllTasksInfo()
                      if i["status"] in (TaskStatus.PENDING, TaskStatus.RUNNING)]
            if active:
                host.tasks.CancelTask(rng.choice(active))
        elif action < 0.48:
            host.tasks.Clearfinished()
        elif action < 0.49:
            host.asyncio_comp.par.Cancelactive.pulse()
        else:
            host.step(rng.randrange(1, 4))
            assert_table_matches(host)
            seen.update(i["status"] for i in host.tasks.GetAllTasksInfo())
    host.step()
    assert_table_matches(host)
    assert seen == set(TaskStatus) - {TaskStatus.PENDING}, seen


def test_updatetable_off_then_on_rebuilds(host: Host) -> None:
    comp = host.asyncio_comp
    host.tasks.Run(sleep_for(0))
    host.step(2)
    comp.par.Updatetable = False
    host.tasks.Run([sleep_for(0), sleep_for(3600)])
    host.step(2)
    assert comp.task_table.numRows == 2  # frozen while off
    comp.par.Updatetable = True
    host.step()
    assert comp.task_table.numRows == 4
    assert_table_matches(host)


def test_unchanged_frame_does_not_touch_finished_rows(host: Host) -> None:
    """Incremental: with nothing running, a frame writes nothing to the table."""
    host.tasks.Run([sleep_for(0) for _ in range(50)])
    host.step(3)
    version = host.asyncio_comp.task_table.version
    host.step(10)
    assert host.asyncio_comp.task_table.version == version


def test_a_table_nobody_reads_is_written_only_when_read(host: Host) -> None:
    """Cooked on demand: ten tasks that ran and ended between two reads cost one
    append each, no rewrites, and the table is exact at the read."""
    table = host.asyncio_comp.task_table
    version = table.version
    host.tasks.Run([sleep_for(i / 60) for i in range(10)])
    host.step(20)
    assert table.version == version + 10
    assert_table_matches(host)


def test_a_task_submitted_and_cleared_between_reads_never_gets_a_row(host: Host) -> None:
    table = host.asyncio_comp.task_table
    version = table.version
    host.tasks.Run([sleep_for(0) for _ in range(5)])
    host.step(2)
    assert host.tasks.Clearfinished() == 5
    assert table.version == version  # nothing was written
    assert table.numRows == 1


def test_a_read_every_frame_sees_each_frame_end(host: Host) -> None:
    table = host.asyncio_comp.task_table
    task_id = host.tasks.Run(sleep_for(2 / 60))
    statuses = []
    for _ in range(4):
        host.step()
        statuses.append(table[1, "status"].val)
    assert statuses == ["running", "running", "completed", "completed"]
    assert table[1, "task_id"].val == str(task_id)


def test_updatetable_off_freezes_the_table_as_of_the_last_frame(host: Host) -> None:
    comp = host.asyncio_comp
    host.tasks.Run(sleep_for(0))
    host.step(2)  # completed; nothing has read the table yet
    comp.par.Updatetable = False
    host.tasks.Run(sleep_for(0))
    host.step(2)
    assert comp.task_table.numRows == 2
    assert comp.task_table[1, "status"].val == "completed"


def test_an_info_whose_repr_fails_is_shown_by_its_type(host: Host) -> None:
    class Awkward:
        def __repr__(self) -> str:
            raise RuntimeError("no repr today")

    host.tasks.Run(sleep_for(0), info=Awkward())
    host.step()
    assert host.asyncio_comp.task_table[1, "info"].val == (
        "<Awkward: repr() failed: RuntimeError: no repr today>")


def test_each_table_sync_owns_its_time_strings(host: Host) -> None:
    with HostCore(realtime=False) as core:
        first = TaskTableSync(core.root.create(TableDAT, "a"), core.time)
        second = TaskTableSync(core.root.create(TableDAT, "b"), core.time)
        text = first.seconds_text.text(0.5)
        assert text == "0.500" and first.seconds_text.text(0.5) is text  # shared
        assert len(first.seconds_text) == 1 and len(second.seconds_text) == 0
        first.seconds_text.clear()
        assert len(first.seconds_text) == 0
    # The host's table empties its own after each refresh (a read of the table).
    host.tasks.Run([asyncio.sleep(0) for _ in range(3)])
    host.step(2)
    table = host.asyncio_comp.task_table
    assert table.numRows == 4
    assert len(host.tasks.registry.table.seconds_text) == 0
