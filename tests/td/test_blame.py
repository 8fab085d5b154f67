"""Frame blame: a late frame's report names who spent its time, biggest first.

Durations come from an injected wall clock that only the work under test moves
(``host.wall_clock``), so which cost is first, and what it is called, is exact.
"""

from __future__ import annotations

import asyncio

import pytest

from host import Host
from host.testing import WorkClock
from td.blame import KEEP_REPORTS, BlameEntry, FrameBlame


def test_a_task_that_blocks_50_ms_is_first_in_its_late_frame_report(
        host: Host, work_clock: WorkClock) -> None:
    async def render() -> None:
        await asyncio.sleep(0)
        work_clock.spend(0.050)  # a blocking step: 50 ms of the host's wall time
        await asyncio.sleep(0)

    async def quick() -> None:
        work_clock.spend(0.002)

    slow_id = host.tasks.Run(render(), description="render frames")
    host.tasks.Run(quick(), description="quick")
    host.step(5)
    reports = host.stats.late_frame_reports
    assert len(reports) == 1
    report = reports[0]
    assert report.duration == pytest.approx(0.052)
    kind, name, seconds = report.top[0]
    assert (kind, name) == ("task", f"#{slow_id} render frames")
    assert seconds == pytest.approx(0.050)
    assert report.top[1][:2] == ("task", f"#{slow_id + 1} quick")
    assert [entry.seconds for entry in report.top] == sorted(
        (entry.seconds for entry in report.top), reverse=True)


def test_a_blocking_completion_callback_is_blamed_as_a_callback(
        host: Host, work_clock: WorkClock) -> None:
    def slow_callback(outcome: object) -> None:
        work_clock.spend(0.040)

    async def fine() -> int:
        return 1

    task_id = host.tasks.Run(fine(), description="fetch", completion_callback=slow_callback)
    host.step(3)
    (report,) = host.stats.late_frame_reports
    assert report.top[0] == BlameEntry("callback", f"#{task_id} fetch", pytest.approx(0.040))


def test_a_hook_and_a_frame_callback_are_blamed_as_hooks_and_a_view_as_a_view(
        host: Host, work_clock: WorkClock) -> None:
    host.on_frame_start(lambda h: work_clock.spend(0.010))

    def draw(h: object) -> None:
        work_clock.spend(0.020)

    host.on_frame_end(draw, view=True)
    host.on_cook(lambda: work_clock.spend(0.005), owner=host.root)
    host.step(1)
    (report,) = host.stats.late_frame_reports
    kinds = [(entry.kind, entry.seconds) for entry in report.top]
    assert kinds[0] == ("view", pytest.approx(0.020))
    assert kinds[1] == ("hook", pytest.approx(0.010))
    assert report.top[1].name.startswith("on_frame_start ")
    assert report.top[2] == BlameEntry("hook", "/", pytest.approx(0.005))
    assert report.top[0].name.endswith("draw")


def test_the_loop_hook_keeps_only_what_its_tasks_did_not_take(
        host: Host, work_clock: WorkClock) -> None:
    async def step_then_wait() -> None:
        work_clock.spend(0.030)

    host.tasks.Run(step_then_wait(), description="work")
    host.step(2)
    (report,) = host.stats.late_frame_reports
    assert [entry.kind for entry in report.top] == ["task"]  # the hook's own share is 0


def test_frames_within_the_period_keep_no_report(host: Host, work_clock: WorkClock) -> None:
    host.on_frame_start(lambda h: work_clock.spend(0.010))
    host.step(10)
    assert host.stats.late_frame_reports == ()
    assert host.blame.worst() == []


def test_reports_are_bounded_and_the_worst_are_kept_for_the_run(
        host: Host, work_clock: WorkClock) -> None:
    costs = iter([0.02 + 0.001 * (i % 7) for i in range(KEEP_REPORTS * 2)] + [0.5])
    host.on_frame_start(lambda h: work_clock.spend(next(costs)))
    host.step(KEEP_REPORTS * 2 + 1)
    reports = host.stats.late_frame_reports
    assert len(reports) == KEEP_REPORTS
    assert reports[-1].frame == host.frame
    worst = host.blame.worst()
    assert worst[0].duration == pytest.approx(0.5)
    assert [r.duration for r in worst] == sorted((r.duration for r in worst), reverse=True)


def test_report_line_lists_the_top_three() -> None:
    blame = FrameBlame(1 / 60)
    blame.charge("task", "#1 a", 0.03)
    blame.charge("callback", "#2 b", 0.02)
    blame.charge("gc", "collector", 0.01)
    blame.charge("hook", "/x", 0.005)
    report = blame.end_frame(7, 0.07, 0)
    assert report is not None
    assert report.line() == ("frame 7: 70.0 ms: task #1 a 30.0 ms, callback #2 b 20.0 ms, "
                             "gc collector 10.0 ms")


def test_work_served_between_frames_is_blamed_on_the_next_frame() -> None:
    blame = FrameBlame(1 / 60)
    blame.charge("task", "#3 between", 0.030)
    served = blame.charged  # what the frame loop reads as the frame begins
    report = blame.end_frame(2, 0.001, served)
    assert report is not None and report.duration == pytest.approx(0.031)
    assert report.top[0].name == "#3 between"


def test_observe_rejects_a_non_callable() -> None:
    with pytest.raises(TypeError, match=r"observe\(\) expected a callable .* got 3"):
        FrameBlame(1 / 60).observe(3)  # type: ignore[arg-type]


def test_an_observer_hears_every_cost_and_the_ledger_keeps_only_the_itemised() -> None:
    blame = FrameBlame(1 / 60)  # threshold: a twentieth of the period
    heard: list[tuple[str, str, float, float]] = []
    blame.observe(lambda kind, name, seconds, ended: heard.append((kind, name, seconds, ended)))
    small = blame.threshold / 2
    blame.charge("callback", "#1 quick", small, 10.0)
    blame.charge("task", "#2 slow", 0.030, 10.5)
    assert heard == [("callback", "#1 quick", small, 10.0), ("task", "#2 slow", 0.030, 10.5)]
    # The quick one stays in its hook's share, as with nobody observing.
    assert blame.items == 1 and blame.charged == pytest.approx(0.030)
    report = blame.end_frame(1, 0.040, 0.0)
    assert report is not None and [entry.name for entry in report.top] == ["#2 slow"]
    blame.observe(None)
    blame.charge("callback", "#3 unheard", 0.030, 11.0)
    assert len(heard) == 2


def test_a_wait_on_purpose_is_not_work_for_the_budget_or_the_hook(
        host: Host, work_clock: WorkClock) -> None:
    """What a paced non-realtime frame does: it waits about a period for outside work
    (`FrameBlame.wait`), which the wall clock sees; only the work is blamed."""
    spends = iter([0.002, 0.020])

    def cook_that_waits() -> None:
        work_clock.spend(0.050)  # the wait, seen by the wall clock
        host.blame.wait(0.050)
        work_clock.spend(next(spends))  # the hook's own work

    host.on_cook(cook_that_waits, owner=host.root)
    host.step(1)
    assert host.stats.late_frame_reports == ()  # 52 ms of wall time, 2 ms of work
    host.step(1)
    (report,) = host.stats.late_frame_reports
    assert report.duration == pytest.approx(0.020)
    assert report.top == [BlameEntry("hook", "/", pytest.approx(0.020))]
    assert host.blame.waited == 0.0  # counted per frame
