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

import sys
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from td import td_modules
from tdu import Dependency
from tdu.dependable import DependDict as DependDict
from tdu.dependable import DependList as DependList
from tdu.dependable import DependMixin as DependMixin
from tdu.dependable import DependSet as DependSet
from tdu.dependable import deepen

__all__ = ["DependDict", "DependList", "DependMixin", "DependSet", "StorageManager"]


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


td_modules.register(sys.modules[__name__])  # op.TDModules.mod.TDStoreTools
