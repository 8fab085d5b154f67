"""An operator's tags: TouchDesigner's ``op.tags``, a set of strings.

TD code tags operators and finds them again (``comp.findChildren(tags=['worker'])``);
``op.tags.add('worker')``, ``'worker' in op.tags``, ``op.tags = {'a', 'b'}`` all work.
It is a real mutable set (every set operator, ``==`` with a plain set), whose only
difference is that it refuses a tag that is not a non-empty string, before it
changes anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSet

__all__ = ["TagSet"]


class TagSet(MutableSet[str]):
    """The tags of one operator; ``where`` names it in messages."""

    __slots__ = ("_tags", "_where")

    def __init__(self, where: str, tags: Iterable[str] = ()) -> None:
        self._where = where
        self._tags: set[str] = set()
        self.update(tags)

    def add(self, value: str) -> None:
        self._tags.add(self._checked(value))

    def discard(self, value: str) -> None:
        self._tags.discard(value)

    def update(self, values: Iterable[str]) -> None:
        """Add every tag of ``values``; all are checked before any is added."""
        if isinstance(values, str) or not isinstance(values, Iterable):
            raise TypeError(f"{self._where}.tags expected a set or list of strings, "
                            f"got {values!r}")
        checked = [self._checked(value) for value in values]
        self._tags.update(checked)

    def __contains__(self, value: object) -> bool:
        return value in self._tags

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._tags))

    def __len__(self) -> int:
        return len(self._tags)

    def _checked(self, value: object) -> str:
        if not isinstance(value, str) or not value:
            raise TypeError(f"{self._where}.tags expected each tag as a non-empty string, "
                            f"got {value!r}")
        return value

    def __repr__(self) -> str:
        return f"TagSet({sorted(self._tags)!r})"
