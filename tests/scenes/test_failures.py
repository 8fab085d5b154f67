"""The failures scene: one task of each ending, readable errors, counted callback errors."""

from __future__ import annotations

import logging
import re

import pytest

from asyncio_comp import TaskStatus
from host.testing import run_until


@pytest.fixture
def outcomes(host, build_scene):
    comp = build_scene(host, "failures")
    table = comp.op("outcomes")
    run_until(host, lambda: all(r[2].val not in ("pending", "running")
                                for r in table.rows()[1:]),
              frames=600, what="every failures task ended")
    return {r[0].val: [c.val for c in r] for r in table.rows()[1:]}


@pytest.mark.timeout(30)
def test_every_status_happens_once_as_expected(host, outcomes):
    for name, (_, expected, status, _, _) in outcomes.items():
        assert status == expected, name
    statuses = [row[2] for row in outcomes.values()]
    for status in ("completed", "failed", "cancelled", "timeout"):
        assert status in statuses
    counts = host.tasks.counts()
    assert counts[TaskStatus.FAILED] == counts[TaskStatus.CANCELLED] == 1
    assert counts[TaskStatus.TIMEOUT] == 1 and counts[TaskStatus.COMPLETED] == 3


@pytest.mark.timeout(30)
def test_errors_are_readable(outcomes):
    assert outcomes["raises"][3] == ("ValueError: sensor 3 returned -1.0; expected a reading "
                                     "from 0 to 100")
    assert outcomes["too_slow"][3] == "TimeoutError: task exceeded its timeout of 1.5 s"


@pytest.mark.timeout(30)
def test_timeout_and_cancel_land_on_their_frames(host, outcomes):
    infos = {i["description"]: i for i in host.tasks.GetAllTasksInfo()}
    too_slow = infos["too_slow"]
    assert too_slow["completed_at"] - too_slow["created_at"] == pytest.approx(1.5, abs=1e-9)
    assert infos["cancelled_by_user"]["completed_at"] == pytest.approx(1.0, abs=1 / 60 + 1e-9)


@pytest.mark.timeout(30)
def test_the_raising_callback_is_counted_and_harms_nothing(host, outcomes):
    assert host.tasks.callback_errors == 1
    assert host.stats.callback_errors == 1
    assert outcomes["bad_callback"][2] == "completed"
    assert "its callback raised" in outcomes["bad_callback"][4]


@pytest.mark.timeout(30)
def test_the_blocking_coroutine_is_named_with_how_long_it_blocked(host, build_scene, caplog):
    caplog.set_level(logging.WARNING)
    comp = build_scene(host, "failures", block="0.2")
    table = comp.op("outcomes")
    run_until(host, lambda: table[6, "status"].val == "completed", frames=600)
    assert hasattr(host.tasks, "blocking_reports"), "AsyncIOManager has no blocking_reports"
    reports = [r for r in host.tasks.blocking_reports if r.description == "blocker"]
    assert len(reports) == 1
    assert reports[0].seconds >= 0.2
    assert reports[0].frame == 7  # asyncio.sleep(0.1) at 60 fps ends on frame 7
    # The block is at least 0.2 s of real time; load can only make it longer.
    note = re.match(r"blocked the loop for (\d+) ms", table[6, "note"].val)
    assert note is not None, table[6, "note"].val
    assert int(note[1]) >= 200
    assert any("blocker" in r.getMessage() and "blocked the event loop" in r.getMessage()
               for r in caplog.records)
