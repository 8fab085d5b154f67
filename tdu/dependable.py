"""Deeply dependable collections (TD's ``TDStoreTools.DependDict``, ``DependList``,
``DependSet``), kept beside `tdu.Dependency` so that both `TDStoreTools` and
`TDFunctions` stand on ``tdu`` alone: a change anywhere inside one calls the
callbacks of its ``myMainDep`` and of every collection holding it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tdu import Dependency

__all__ = ["DependDict", "DependList", "DependMixin", "DependSet", "deepen", "raw"]


class DependMixin:
    """What every deeply dependable collection has: ``myMainDep`` and ``parentDep``."""

    myMainDep: Dependency
    parentDep: DependMixin | None

    def _init_dep(self, parent: DependMixin | None) -> None:
        self.myMainDep = Dependency(self)
        self.parentDep = parent

    def _changed(self) -> None:
        node: DependMixin | None = self
        while node is not None:
            node.myMainDep.modified()
            node = node.parentDep

    def _wrap(self, item: Any, raw: bool = False) -> Any:
        return item if raw else deepen(item, self)


def deepen(item: Any, parent: DependMixin | None) -> Any:
    """``item`` as a deeply dependable collection (when it is a dict, list or set)."""
    if isinstance(item, DependMixin):
        item.parentDep = parent
        return item
    if isinstance(item, dict):
        return DependDict(item, _parent=parent)
    if isinstance(item, list | tuple) and not isinstance(item, str):
        return DependList(item, _parent=parent) if isinstance(item, list) else item
    if isinstance(item, set):
        return DependSet(item, _parent=parent)
    return item


def raw(item: Any) -> Any:
    """``item`` with every dependable wrapper removed (plain dicts, lists, sets)."""
    if isinstance(item, DependDict):
        return {k: raw(v) for k, v in dict.items(item)}
    if isinstance(item, DependList):
        return [raw(v) for v in list.__iter__(item)]
    if isinstance(item, DependSet):
        return set(item)
    return item


class DependDict(DependMixin, dict[Any, Any]):
    """A dict whose changes (also inside its values) are announced."""

    def __init__(self, *args: Any, _parent: DependMixin | None = None, **kwargs: Any) -> None:
        dict.__init__(self)
        self._init_dep(_parent)
        for key, value in dict(*args, **kwargs).items():
            dict.__setitem__(self, key, self._wrap(value))

    def __setitem__(self, key: Any, value: Any) -> None:
        self.setItem(key, value)

    def setItem(self, key: Any, item: Any, raw: bool = False) -> None:
        dict.__setitem__(self, key, self._wrap(item, raw))
        self._changed()

    def __delitem__(self, key: Any) -> None:
        dict.__delitem__(self, key)
        self._changed()

    def getRaw(self, key: Any = None) -> Any:
        """The whole dict, or one value, with every dependable wrapper removed."""
        return raw(self) if key is None else raw(dict.__getitem__(self, key))

    def getDependency(self, key: Any) -> Any:
        """The value at ``key`` as stored (a dependable collection stays one)."""
        return dict.__getitem__(self, key)

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for key, value in dict(*args, **kwargs).items():
            dict.__setitem__(self, key, self._wrap(value))
        self._changed()

    def pop(self, *args: Any) -> Any:  # type: ignore[override]
        value = dict.pop(self, *args)
        self._changed()
        return value

    def popitem(self) -> tuple[Any, Any]:
        item = dict.popitem(self)
        self._changed()
        return item

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self.setItem(key, default)
        return dict.__getitem__(self, key)

    def clear(self) -> None:
        dict.clear(self)
        self._changed()


class DependList(DependMixin, list[Any]):
    """A list whose changes (also inside its items) are announced."""

    def __init__(self, items: Iterable[Any] = (), *, _parent: DependMixin | None = None
                 ) -> None:
        list.__init__(self)
        self._init_dep(_parent)
        list.extend(self, (self._wrap(item) for item in items))

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            list.__setitem__(self, index, [self._wrap(v) for v in value])
            self._changed()
        else:
            self.setItem(index, value)

    def setItem(self, index: int, item: Any, raw: bool = False) -> None:
        list.__setitem__(self, index, self._wrap(item, raw))
        self._changed()

    def __delitem__(self, index: Any) -> None:
        list.__delitem__(self, index)
        self._changed()

    def __iadd__(self, items: Iterable[Any]) -> DependList:  # type: ignore[override,misc]
        self.extend(items)
        return self

    def getRaw(self, index: int | None = None) -> Any:
        return raw(self) if index is None else raw(list.__getitem__(self, index))

    def getDependency(self, index: int) -> Any:
        return list.__getitem__(self, index)

    def append(self, item: Any, raw: bool = False) -> None:
        list.append(self, self._wrap(item, raw))
        self._changed()

    def insert(self, index: Any, item: Any, raw: bool = False) -> None:
        list.insert(self, index, self._wrap(item, raw))
        self._changed()

    def extend(self, items: Iterable[Any]) -> None:
        list.extend(self, (self._wrap(item) for item in items))
        self._changed()

    def pop(self, index: Any = -1) -> Any:
        value = list.pop(self, index)
        self._changed()
        return value

    def remove(self, item: Any) -> None:
        list.remove(self, item)
        self._changed()

    def clear(self) -> None:
        list.clear(self)
        self._changed()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        list.sort(self, *args, **kwargs)
        self._changed()

    def reverse(self) -> None:
        list.reverse(self)
        self._changed()


class DependSet(DependMixin, set[Any]):
    """A set whose changes are announced."""

    def __init__(self, items: Iterable[Any] = (), *, _parent: DependMixin | None = None
                 ) -> None:
        set.__init__(self, items)
        self._init_dep(_parent)

    def getRaw(self) -> set[Any]:
        return set(self)

    def add(self, item: Any) -> None:
        set.add(self, item)
        self._changed()

    def discard(self, item: Any) -> None:
        set.discard(self, item)
        self._changed()

    def remove(self, item: Any) -> None:
        set.remove(self, item)
        self._changed()

    def pop(self) -> Any:
        value = set.pop(self)
        self._changed()
        return value

    def clear(self) -> None:
        set.clear(self)
        self._changed()

    def update(self, *others: Iterable[Any]) -> None:
        set.update(self, *others)
        self._changed()
