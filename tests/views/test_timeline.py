"""The timeline model: spans in detail for the newest, summarised history beyond."""

from __future__ import annotations

import asyncio

import pytest

from asyncio_comp import TaskStatus
from host import Host
from host.views import timeline as timeline_module
from host.views.timeline import Timeline


async def _tick() -> None:
    await asyncio.sleep(0)


def test_memory_stays_bounded_and_old_history_is_summarised(
        host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timeline_module, "KEEP_TASKS", 20)
    monkeypatch.setattr(timeline_module, "KEEP_FRAMES", 30)
    monkeypatch.setattr(timeline_module, "MAX_BUCKETS", 8)
    model = Timeline(host)
    for _ in range(200):
        host.tasks.Run(_tick(), description="tick")
        host.step(3)
    active, kept, buckets = model.counts()
    assert active == 0 and kept == 20 and buckets <= 8
    assert model.bucket_seconds > 1.0  # buckets merged as the run grew
    # Scrolled back to the start, the window has no detail but the summary.
    early = model.window(2.0, end=2.0)
    assert early.bars == () and early.frames == ()
    summarised = sum(b.tasks for b in model.window(10.0, end=10.0).buckets)
    assert summarised > 0
    everything = model.window(host.seconds + 1, end=host.seconds)
    total = sum(b.tasks for b in everything.buckets if b.start < everything.detail_since)
    assert total + len(everything.bars) >= 180  # every task is counted somewhere
    assert {status for b in everything.buckets for status, _ in b.ended} == {
        TaskStatus.COMPLETED}
    model.close()


def test_window_puts_children_under_their_parent_and_keeps_the_newest_rows(
        host: Host) -> None:
    tasks = host.tasks
    model = Timeline(host)

    async def child() -> None:
        await asyncio.sleep(1)

    async def parent() -> None:
        tasks.Run(child(), description="child a")
        tasks.Run(child(), description="child b")
        await asyncio.sleep(1)

    tasks.Run(asyncio.sleep(1), description="first")
    tasks.Run(parent(), description="parent")
    host.step(3)
    bars = model.window(5.0).bars
    assert [(b.description, b.depth) for b in bars] == [
        ("first", 0), ("parent", 0), ("child a", 1), ("child b", 1)]
    assert [b.description for b in model.window(5.0, rows=2).bars] == ["child a", "child b"]
    host.step(70)
    ended = model.window(5.0).bars
    assert {b.status for b in ended} == {TaskStatus.COMPLETED}
    assert all(b.end is not None for b in ended)
    model.close()


def test_window_rejects_bad_arguments(host: Host) -> None:
    model = Timeline(host)
    with pytest.raises(ValueError, match=r"window\(\) expected seconds > 0 and rows >= 0, got "
                                         r"seconds=0, rows=3"):
        model.window(0, rows=3)
    model.close()
