"""Custom parameter pages: parameters added at run time, TouchDesigner's way.

TD code builds an operator's interface from a script::

    page = comp.appendCustomPage('Config')
    gain = page.appendFloat('Gain', label='Gain')[0]
    page.appendMenu('Mode', menuNames=['fast', 'slow'])

Each ``append*`` returns a list holding the new `Par` (TD returns a ParGroup, a
list-like of the parameter's parts; ours always has one part). The new parameter is
an ordinary one from then on: ``comp.par.Gain``, validation, ``onValueChange`` and
``onPulse`` on the operator.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Protocol

from td.params import (
    FloatPar,
    IntPar,
    MenuPar,
    Par,
    ParCollection,
    ParSpec,
    PulsePar,
    StrPar,
    TogglePar,
)

__all__ = ["CustomPages", "Page", "PageOwner", "matching_pars"]


class PageOwner(Protocol):
    """The operator pages belong to (every `OP` fits it); a protocol, so this module
    stands below ``network`` without importing it."""

    @property
    def path(self) -> str: ...

    @property
    def par(self) -> ParCollection: ...


def matching_pars(collection: ParCollection, patterns: tuple[str, ...]) -> list[Par]:
    """``op.pars(*patterns)``: the parameters whose names match any pattern
    (``'Color*'``; several may share one string, space-separated); all with none."""
    wanted: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise TypeError(f"pars() expected name patterns such as 'Gain' or 'Color*', "
                            f"got {pattern!r}")
        wanted.extend(pattern.split())
    every = list(collection)
    if not patterns:
        return every
    return [p for p in every if any(fnmatch.fnmatchcase(p.name, w) for w in wanted)]


class CustomPages:
    """An operator's custom pages, in the order they were made."""

    def __init__(self, owner: PageOwner) -> None:
        self._owner = owner
        self.pages: list[Page] = []

    def page(self, name: str) -> Page:
        """``op.appendCustomPage(name)``: the page of that name, made on first use."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"appendCustomPage() expected a page name such as 'Config', "
                             f"got {name!r}")
        for page in self.pages:
            if page.name == name:
                return page
        page = Page(self._owner, name, self)
        self.pages.append(page)
        return page


class Page:
    """One custom page of one operator; made by ``op.appendCustomPage(name)``."""

    def __init__(self, owner: PageOwner, name: str, book: CustomPages) -> None:
        self._owner = owner
        self._name = name
        self._book = book
        self._names: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def owner(self) -> PageOwner:
        return self._owner

    @property
    def isCustom(self) -> bool:
        return True

    @property
    def pars(self) -> list[Par]:
        """The page's parameters, in the order they were appended."""
        collection = self._owner.par
        return [collection[name] for name in self._names if name in collection]

    def appendFloat(self, name: str, label: str | None = None, *, default: float = 0.0,
                    min: float | None = None, max: float | None = None, help: str = "",
                    replace: bool = True) -> list[Par]:
        """A float parameter; ``[par]``."""
        return self._append(FloatPar(name, default, min=min, max=max, label=label,
                                     help=help), replace)

    def appendInt(self, name: str, label: str | None = None, *, default: int = 0,
                  min: int | None = None, max: int | None = None, help: str = "",
                  replace: bool = True) -> list[Par]:
        """An integer parameter; ``[par]``."""
        return self._append(IntPar(name, default, min=min, max=max, label=label, help=help),
                            replace)

    def appendToggle(self, name: str, label: str | None = None, *, default: bool = False,
                     help: str = "", replace: bool = True) -> list[Par]:
        """An on/off parameter; ``[par]``."""
        return self._append(TogglePar(name, default, label=label, help=help), replace)

    def appendStr(self, name: str, label: str | None = None, *, default: str = "",
                  help: str = "", replace: bool = True) -> list[Par]:
        """A string parameter; ``[par]``."""
        return self._append(StrPar(name, default, label=label, help=help), replace)

    def appendMenu(self, name: str, label: str | None = None, *, menuNames: Sequence[str],
                   menuLabels: Sequence[str] | None = None, default: str | None = None,
                   help: str = "", replace: bool = True) -> list[Par]:
        """A menu parameter of ``menuNames`` (labels ``menuLabels``); ``[par]``.
        Its items can change later: ``par.menuNames = [...]``."""
        return self._append(MenuPar(name, menuNames, default, labels=menuLabels,
                                    label=label, help=help), replace)

    def appendPulse(self, name: str, label: str | None = None, *, help: str = "",
                    replace: bool = True) -> list[Par]:
        """A pulse parameter: ``par.pulse()`` calls the operator's ``onPulse``; ``[par]``."""
        return self._append(PulsePar(name, label=label, help=help), replace)

    def appendPar(self, name: str, par: Par | None = None, label: str | None = None,
                  order: int | None = None, replace: bool = True) -> list[Par]:
        """A parameter like ``par`` (its kind, value rules and attributes) named
        ``name``; ``[par]``. Its value starts at ``par``'s default."""
        if not isinstance(par, Par):
            raise TypeError(f"appendPar() expected par as the parameter to copy the style "
                            f"of, e.g. appendPar('Gain2', par=op.par.Gain), got {par!r}")
        return self._append(par.spec.clone(name, label), replace)

    def _append(self, spec: ParSpec, replace: bool) -> list[Par]:
        par = self._owner.par.add(spec, replace=replace)
        for page in self._book.pages:
            if spec.name in page._names:
                page._names.remove(spec.name)
        self._names.append(spec.name)
        return [par]

    def __repr__(self) -> str:
        return f"<Page {self._name!r} of {self._owner.path}>"
