"""``op.seq``: TD's sequential parameters (blocks of parameters repeated N times), by
name. framehost has no sequence parameters, so every operator's collection is
empty; code that probes it the TD way (``getattr(op.seq, 'Venv', None)``) finds None
and goes on, and code that needs one gets an error saying so."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

__all__ = ["Sequences"]


class _Named(Protocol):
    @property
    def path(self) -> str: ...


class Sequences:
    """An operator's parameter sequences (``op.seq.Name``): none here."""

    __slots__ = ("_owner",)

    def __init__(self, owner: _Named) -> None:
        self._owner = owner

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"{self._owner.path} has no parameter sequence {name!r}: "
                             "framehost has no sequence parameters (TD's op.seq)")

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"<Sequences of {self._owner.path}: none>"
