"""Operator storage: TouchDesigner's ``store``/``fetch``/``unstore``/``storage``.

Each operator has a dictionary of user data. ``fetch`` searches the operator, then
(with ``search=True``, the default) each parent up to the root, as TD does, so a COMP
can hold settings its children read. Keys are strings; ``unstore`` takes TD's
patterns (``'sales*'``). Values are any Python objects, kept by reference.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["StorageOwner", "check_key", "fetch", "fetch_owner", "store", "unstore"]


class StorageOwner(Protocol):
    """An operator with storage (every `OP` fits it)."""

    @property
    def path(self) -> str: ...

    @property
    def storage(self) -> dict[str, Any]: ...


def check_key(where: str, key: object) -> str:
    """``key`` if it is a storage key (a non-empty string), else TypeError naming ``where``."""
    if not isinstance(key, str) or not key:
        raise TypeError(f"{where} expected a storage key as a non-empty string, got {key!r}")
    return key


def store(owner: StorageOwner, key: str, value: Any) -> Any:
    """``op.store(key, value)``: add or replace an entry; returns ``value``."""
    owner.storage[check_key(f"{owner.path}.store()", key)] = value
    return value


def fetch_owner(chain: Iterable[StorageOwner], key: str) -> StorageOwner | None:
    """The first operator of ``chain`` whose storage holds ``key``, or None."""
    for candidate in chain:
        if key in candidate.storage:
            return candidate
    return None


def fetch(owner: StorageOwner, chain: Iterable[StorageOwner], key: str, default: Any,
          search: bool, storeDefault: bool) -> Any:
    """``op.fetch(key, default=None, search=True, storeDefault=False)``; ``chain`` is
    the operator and its parents, nearest first (only the operator itself is asked when
    not ``search``). A key nobody holds gives ``default``, None unless given: code
    probes storage with ``if op.fetch('x') is None`` (TD raises instead when no
    default is passed; docs/porting.md says so)."""
    check_key(f"{owner.path}.fetch()", key)
    for what, flag in (("search", search), ("storeDefault", storeDefault)):
        if not isinstance(flag, bool | int):
            raise TypeError(f"{owner.path}.fetch() expected {what} as True or False, "
                            f"got {flag!r}")
    found = fetch_owner(chain if search else (owner,), key)
    if found is not None:
        return found.storage[key]
    if storeDefault:
        owner.storage[key] = default
    return default


def unstore(owner: StorageOwner, patterns: tuple[str, ...]) -> None:
    """``op.unstore('key', 'sales*')``: remove every entry whose key matches a pattern
    (TD's ``*``/``?`` patterns; several may share one string, space-separated)."""
    wanted: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise TypeError(f"{owner.path}.unstore() expected key patterns such as 'sales*', "
                            f"got {pattern!r}")
        wanted.extend(pattern.split())
    storage = owner.storage
    for key in [k for k in storage if any(fnmatch.fnmatchcase(k, w) for w in wanted)]:
        del storage[key]
