"""ActiveList against a plain list as the model: same members, same order, O(1) links
cleared on the way out."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asyncio_comp.active_list import ActiveList
from asyncio_comp.records import TaskRecord


def _records(n: int) -> list[TaskRecord]:
    async def never() -> None:
        await asyncio.Event().wait()

    recs = []
    for task_id in range(1, n + 1):
        coro = never()
        coro.close()  # the list never runs them
        recs.append(TaskRecord(task_id, coro, f"t{task_id}", None, None, None, 0.0))
    return recs


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 7)), max_size=60))
def test_it_keeps_the_members_and_their_order_like_a_list(ops: list[tuple[bool, int]]) -> None:
    recs = _records(8)
    active, model = ActiveList(), []
    for add, index in ops:
        rec = recs[index]
        if add and rec not in model:
            active.append(rec)
            model.append(rec)
        elif not add:
            active.discard(rec)
            if rec in model:
                model.remove(rec)
        assert list(active) == model
        assert list(active.newest_first()) == model[::-1]
        assert len(active) == len(model)
        assert all((r in active) == (r in model) for r in recs)
    for rec in recs:
        if rec not in model:
            assert rec.older_active is None and rec.newer_active is None


def test_a_record_cannot_be_added_twice() -> None:
    rec, = _records(1)
    active = ActiveList()
    active.append(rec)
    with pytest.raises(AssertionError, match="task 1 is active already"):
        active.append(rec)
    assert list(active) == [rec]


@given(st.lists(st.integers(0, 7), unique=True), st.lists(st.integers(0, 7), max_size=12))
def test_discard_all_is_discard_for_each(members: list[int], batch: list[int]) -> None:
    """A batch may hold records in any order, ones not in the list, and repeats."""
    recs = _records(8)
    batched = ActiveList()
    for index in members:
        batched.append(recs[index])
    batched.discard_all([recs[index] for index in batch])
    left = [recs[index] for index in members if index not in batch]
    assert list(batched) == left and list(batched.newest_first()) == left[::-1]
    assert len(batched) == len(left)
    for rec in recs:
        if rec not in left:
            assert rec.older_active is None and rec.newer_active is None
    batched.discard_all([recs[index] for index in batch])  # again: nothing left to take
    assert list(batched) == left


@given(st.integers(0, 4), st.integers(0, 6))
def test_append_all_is_append_for_each(before: int, batch: int) -> None:
    recs = _records(before + batch)
    batched, one_by_one = ActiveList(), ActiveList()
    for rec in recs[:before]:
        batched.append(rec)
    batched.append_all(recs[before:])
    assert list(batched) == recs and list(batched.newest_first()) == recs[::-1]
    assert len(batched) == len(recs) and all(rec in batched for rec in recs)
    batched.discard_all(recs)
    assert len(batched) == 0 and list(batched) == []
    for rec in recs:  # every link was cleared: each may join another list
        one_by_one.append(rec)
    assert list(one_by_one) == recs
