"""``TDStoreTools``: TD's storage helpers, as extensions import them
(``from TDStoreTools import StorageManager``).

Written from TD's documentation of the module. `StorageManager` keeps an
extension's stored items in ``ownerComp.storage[<extension class name>]`` (so they
outlive a re-initialised extension, as in TD) and gives each a property on the
extension's class; `DependDict`, `DependList` and `DependSet` are the deeply
dependable collections: a change anywhere inside one calls the callbacks of its
``myMainDep`` (a `tdu.Dependency`) and of the collections holding it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from tdu import Dependency

__all__ = ["DependDict", "DependList", "DependMixin", "DependSet", "StorageManager"]


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


def _raw(item: Any) -> Any:
    if isinstance(item, DependDict):
        return {k: _raw(v) for k, v in dict.items(item)}
    if isinstance(item, DependList):
        return [_raw(v) for v in list.__iter__(item)]
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
        return _raw(self) if key is None else _raw(dict.__getitem__(self, key))

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
        return _raw(self) if index is None else _raw(list.__getitem__(self, index))

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


_ITEM_KEYS = {"name", "default", "property", "readOnly", "dependable"}


class StorageManager(MutableMapping[str, Any]):
    """An extension's stored items, kept in ``ownerComp.storage[<class name>]``.

    ``storedItems`` is a list of dicts: ``name`` (required), ``default`` (None),
    ``property`` (True: a property of that name on the extension's class),
    ``readOnly`` (False), ``dependable`` (False: True makes a dict, list or set deeply
    dependable). With ``sync``, items no longer listed are dropped and new ones set
    to their defaults; values already stored are kept.
    """

    def __init__(self, extension: object, ownerComp: Any,
                 storedItems: Iterable[Mapping[str, Any]] | None = None,
                 restoreAllDefaults: bool = False, sync: bool = True,
                 locked: bool = True, dictName: str | None = None) -> None:
        self.extension = extension
        self.ownerComp = ownerComp
        self.locked = locked
        storage = getattr(ownerComp, "storage", None)
        if not isinstance(storage, dict):
            raise TypeError(f"StorageManager() expected ownerComp to be an operator with "
                            f"storage, got {ownerComp!r}")
        self._name = dictName or type(extension).__name__
        self._items: dict[str, dict[str, Any]] = {}
        for spec in storedItems or ():
            self._items[self._check(spec)["name"]] = {
                "default": spec.get("default"), "property": spec.get("property", True),
                "readOnly": spec.get("readOnly", False),
                "dependable": spec.get("dependable", False)}
        self._store: dict[str, Dependency] = storage.setdefault(self._name, {})
        if sync:
            for name in [n for n in self._store if n not in self._items]:
                del self._store[name]
        for name, item in self._items.items():
            if restoreAllDefaults or name not in self._store:
                self._store[name] = Dependency(None)
                self.restoreDefault(name)
            if item["property"]:
                self._add_property(name, item["readOnly"])
        extension.__dict__["_storage_managers"] = {
            **extension.__dict__.get("_storage_managers", {}), self._name: self}

    @staticmethod
    def _check(spec: Mapping[str, Any]) -> Mapping[str, Any]:
        if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
            raise TypeError(f"StorageManager() expected each stored item as a dict with a "
                            f"'name' string, got {spec!r}")
        unknown = set(spec) - _ITEM_KEYS
        if unknown:
            raise ValueError(f"StorageManager() stored item {spec['name']!r} has unknown "
                             f"keys {sorted(unknown)}; expected some of {sorted(_ITEM_KEYS)}")
        return spec

    def _add_property(self, name: str, read_only: bool) -> None:
        key = self._name

        def get(ext: Any) -> Any:
            return ext.__dict__["_storage_managers"][key][name]

        def set_(ext: Any, value: Any) -> None:
            if read_only:
                raise AttributeError(f"{type(ext).__name__}.{name} is a read-only stored "
                                     f"item; change it with self.stored[{name!r}] = ...")
            ext.__dict__["_storage_managers"][key][name] = value

        setattr(type(self.extension), name, property(get, set_))

    def restoreDefault(self, storageItem: str) -> None:
        """Set the item back to the default it was defined with."""
        item = self._items[storageItem]
        default = item["default"]
        value = deepen(_copy(default), None) if item["dependable"] else _copy(default)
        self._store[storageItem].val = value

    def restoreAllDefaults(self) -> None:
        for name in self._items:
            self.restoreDefault(name)

    def __getitem__(self, name: str) -> Any:
        return self._store[name].val

    def __setitem__(self, name: str, value: Any) -> None:
        if name not in self._store:
            if self.locked:
                raise KeyError(f"StorageManager of {self._name}: {name!r} is not a stored "
                               f"item; stored items: {', '.join(self._store) or 'none'}")
            self._store[name] = Dependency(None)
        item = self._items.get(name)
        self._store[name].val = deepen(value, None) if item and item["dependable"] else value

    def __delitem__(self, name: str) -> None:
        del self._store[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._store)

    def __len__(self) -> int:
        return len(self._store)

    def __repr__(self) -> str:
        return f"<StorageManager {self._name} of {getattr(self.ownerComp, 'path', '?')}>"


def _copy(value: Any) -> Any:
    """A fresh copy of a default, so two restores never share one mutable object."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, set):
        return set(value)
    return value
