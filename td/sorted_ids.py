"""Where a task's row is, in a table whose rows are kept sorted by task id."""

from __future__ import annotations

from bisect import bisect_left

__all__ = ["position_of"]


def position_of(ids: list[int], task_id: int) -> int | None:
    """The index of ``task_id`` in the ascending list ``ids``; None if absent."""
    i = bisect_left(ids, task_id)
    if i < len(ids) and ids[i] == task_id:
        return i
    return None
