"""What a frame skips when nothing needs it, and that skipping changes no behaviour.

An idle frame must cost what changed (STYLE: per-frame work scales with what
changed): no blame ledger entries or report for a frame that was not late and had
no slow item, no waiter bookkeeping while nobody waits, and callbacks or hooks added
or removed by a callback or hook take effect on the next frame, as before the lists
became tuples. Behaviour only: nothing here is timed.
"""

from __future__ import annotations

import asyncio

import pytest

from host import Host
from host.testing import WorkClock
from td.frame_callbacks import FrameCallbacks


def test_a_frame_of_small_work_leaves_the_ledger_empty_and_keeps_no_report(
        host: Host, work_clock: WorkClock) -> None:
    host.on_frame_start(lambda h: work_clock.spend(host.blame.threshold / 2))

    async def quick() -> None:
        work_clock.spend(host.blame.threshold / 2)

    host.tasks.Run(quick())
    for _ in range(5):
        host.step()
        assert (host.blame.items, host.blame.charged) == (0, 0.0)
    assert host.stats.late_frame_reports == ()


def test_a_slow_item_in_a_frame_that_was_not_late_is_cleared_with_the_frame(
        host: Host, work_clock: WorkClock) -> None:
    spent = host.blame.threshold * 2  # itemised, yet far below one period
    host.on_frame_start(lambda h: work_clock.spend(spent))
    host.step()
    assert (host.blame.items, host.blame.charged) == (0, 0.0)
    assert host.stats.late_frame_reports == ()
    host.on_frame_end(lambda h: work_clock.spend(0.05))
    host.step()
    (report,) = host.stats.late_frame_reports
    assert report.duration == pytest.approx(0.05 + spent)
    assert [entry.seconds for entry in report.top] == pytest.approx([0.05, spent])


def test_waiting_is_true_only_while_a_waiter_is_out() -> None:
    callbacks = FrameCallbacks(lambda where, exc: None)
    loop = asyncio.new_event_loop()
    try:
        async def ask() -> list[asyncio.Future[object]]:
            return [callbacks.new_waiter(), callbacks.frame_waiter(3)]

        assert not callbacks.waiting
        next_one, third = loop.run_until_complete(ask())
        assert callbacks.waiting
        callbacks.resolve_waiters(1)
        assert next_one.result() == 1 and not third.done()
        assert callbacks.waiting  # frame 3's is still out
        callbacks.resolve_waiters(3)
        assert third.result() == 3
        assert not callbacks.waiting
    finally:
        loop.close()


def test_next_frame_resolves_after_frames_that_had_nobody_waiting(host: Host) -> None:
    host.step(3)  # frames with no waiter skip the waiters' step

    async def wait() -> int:
        return await host.next_frame()

    task_id = host.tasks.Run(wait())
    host.step(3)
    assert host.tasks.GetTaskInfo(task_id)["status"].value == "completed"


def test_a_callback_added_by_a_callback_runs_from_the_next_frame(host: Host) -> None:
    calls: list[tuple[str, int]] = []

    def added(h: Host) -> None:
        calls.append(("added", h.frame))

    def adder(h: Host) -> None:
        calls.append(("adder", h.frame))
        if h.frame == 1:
            h.on_frame_start(added)

    host.on_frame_start(adder)
    host.step(2)
    assert calls == [("adder", 1), ("adder", 2), ("added", 2)]


def test_a_callback_removed_by_an_earlier_one_still_runs_in_that_frame_only(
        host: Host) -> None:
    calls: list[int] = []

    def victim(h: Host) -> None:
        calls.append(h.frame)

    host.on_frame_end(lambda h: h.remove_callback(victim))
    host.on_frame_end(victim)
    host.step(3)
    assert calls == [1]
    assert not host.remove_callback(victim)


def test_a_hook_added_by_a_cook_runs_from_the_next_frame(host: Host) -> None:
    calls: list[int] = []

    def later() -> None:
        calls.append(host.frame)

    def adder() -> None:
        if host.frame == 1:
            host.on_cook(later)

    host.on_cook(adder)
    host.step(3)
    assert calls == [2, 3]


def test_a_hook_removed_by_an_earlier_cook_does_not_run_in_that_frame(host: Host) -> None:
    calls: list[int] = []
    victim = None

    def remover() -> None:
        if host.frame == 2 and victim is not None:
            victim.remove()

    host.on_cook(remover)
    victim = host.on_cook(lambda: calls.append(host.frame))
    host.step(3)
    assert calls == [1]
    assert not victim.active
