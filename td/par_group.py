"""`ParGroup`: what ``page.append*`` returns, TD's group of a parameter's parts.

In TD a custom parameter is a ParGroup of one part or more (``Color`` holds
``Colorr``, ``Colorg``, ``Colorb``); code appends one and sets it as a whole
(``page.appendOP('Source').val = comp``) or part by part (``[0].startSection =
True``). Here the group is a list of its `Par` parts (so ``append(...)[0]`` is the
first part, as before), and TD's attributes read as a tuple over the parts and set
every part: a list or tuple as long as the group gives each part its own value,
anything else goes to every part.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from td.params import Par

__all__ = ["ParGroup"]

#: The attributes a group forwards to its parts.
_FORWARDED = frozenset({
    "val", "default", "label", "help", "expr", "bindExpr", "mode", "readOnly", "enable",
    "min", "max", "normMin", "normMax", "clampMin", "clampMax", "menuNames", "menuLabels",
    "startSection", "error", "isCustom", "isPulse", "isMenu"})


class ParGroup(list[Par]):
    """A custom parameter's parts, set and read as a whole (TD's ParGroup)."""

    __slots__ = ("_name",)
    _name: str

    def __init__(self, name: str, parts: Iterable[Par]) -> None:
        super().__init__(parts)
        object.__setattr__(self, "_name", name)

    @property
    def name(self) -> str:
        """The group's name (a one-part group's is its parameter's)."""
        return self._name

    @property
    def owner(self) -> Any:
        return self[0].owner

    @property
    def style(self) -> str:
        return self[0].style

    def eval(self) -> tuple[Any, ...]:
        """Each part's current value."""
        return tuple(par.eval() for par in self)

    def pulse(self) -> None:
        for par in self:
            par.pulse()

    def __getattr__(self, attr: str) -> tuple[Any, ...]:
        if attr in _FORWARDED:
            return tuple(getattr(par, attr) for par in self)
        raise AttributeError(f"ParGroup {self._name!r} has no attribute {attr!r}")

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr not in _FORWARDED:
            raise AttributeError(f"ParGroup {self._name!r} has no settable attribute {attr!r}; "
                                 f"it sets {', '.join(sorted(_FORWARDED - {'error'}))}")
        if isinstance(value, list | tuple) and len(value) == len(self) and (
                len(self) > 1 or isinstance(value, tuple)):
            values = list(value)  # one per part (a 1-tuple: what reading gave)
        else:
            values = [value] * len(self)
        for par, one in zip(self, values, strict=True):
            setattr(par, attr, one)

    def __eq__(self, other: object) -> bool:
        return list.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]  # a list: not hashable

    def __repr__(self) -> str:
        return f"<ParGroup {self._name!r}: {list.__repr__(self)}>"
