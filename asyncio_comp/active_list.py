"""ActiveList: the pending and running records, linked through the records themselves.

The registry needs the active tasks in submission order (the views show the newest
first, close() stops them all) and must drop one in O(1) when it ends. A dict by
task id costs more per active task, and more or less by how full its table happens
to be; two slots on the record (``older_active``, ``newer_active``) cost the same
whatever the count, and an emptied list holds nothing. The links never outlive
membership: a record is unlinked, both slots cleared, the moment it leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRecord

__all__ = ["ActiveList"]


class ActiveList:
    """A doubly linked list of records, oldest to newest; see the module docstring."""

    __slots__ = ("_count", "_newest", "_oldest")

    def __init__(self) -> None:
        self._oldest: TaskRecord | None = None
        self._newest: TaskRecord | None = None
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, rec: TaskRecord) -> bool:
        return rec.older_active is not None or rec.newer_active is not None or self._oldest is rec

    def append(self, rec: TaskRecord) -> None:
        """Add ``rec`` as the newest; it must not be in a list already."""
        if rec.older_active is not None or rec.newer_active is not None or rec is self._newest:
            raise AssertionError(f"task {rec.task_id} is active already")
        self.append_all((rec,))

    def discard(self, rec: TaskRecord) -> None:
        """Take ``rec`` out if it is in; O(1)."""
        self.discard_all((rec,))

    def append_all(self, recs: Sequence[TaskRecord]) -> None:
        """`append` each of ``recs`` in order (an admission batch), in one call; none
        may be in a list already (the caller's invariant: a task starts once)."""
        newest = self._newest
        for rec in recs:
            rec.older_active = newest
            if newest is None:
                self._oldest = rec
            else:
                newest.newer_active = rec
            newest = rec
        self._newest = newest
        self._count += len(recs)

    def discard_all(self, recs: Iterable[TaskRecord]) -> None:
        """`discard` each of ``recs`` (a batch of endings), in one call."""
        # A batch of endings is mostly the oldest records in order: each is the
        # oldest when its turn comes, which the first test tells.
        count = self._count
        for rec in recs:
            older = rec.older_active
            newer = rec.newer_active
            if older is None:
                if self._oldest is not rec:
                    continue  # not in the list (its only member has no links either)
                self._oldest = newer
            else:
                older.newer_active = newer
                rec.older_active = None
            if newer is None:
                self._newest = older
            else:
                newer.older_active = older
                rec.newer_active = None
            count -= 1
        self._count = count

    def newest_first(self) -> Iterator[TaskRecord]:
        """The records, newest first (do not change the list while iterating)."""
        rec = self._newest
        while rec is not None:
            yield rec
            rec = rec.older_active

    def __iter__(self) -> Iterator[TaskRecord]:
        """The records, oldest first (do not change the list while iterating)."""
        rec = self._oldest
        while rec is not None:
            yield rec
            rec = rec.newer_active
