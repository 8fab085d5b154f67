"""Custom parameter pages: parameters added at run time, TouchDesigner's way.

TD code builds an operator's interface from a script::

    page = comp.appendCustomPage('Config')
    gain = page.appendFloat('Gain', label='Gain')[0]
    page.appendMenu('Mode', menuNames=['fast', 'slow'])

Each ``append*`` returns the new parameter's `ParGroup`, as TD does: a list of its
parts (``[0]`` is the `Par`; ``size=3`` gives three) that also sets and reads TD's
attributes as a whole (``page.appendOP('Source').val = comp``). The new parameter is
an ordinary one from then on: ``comp.par.Gain``, validation, ``onValueChange`` and
``onPulse`` on the operator.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from td.par_group import ParGroup
from td.params import (
    COMPPar,
    DATPar,
    FilePar,
    FloatPar,
    FolderPar,
    IntPar,
    MenuPar,
    OPPar,
    Par,
    ParCollection,
    ParSpec,
    PulsePar,
    PythonPar,
    SequencePar,
    StrMenuPar,
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

    @property
    def seq(self) -> Any: ...


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
    """One custom page of one operator; made by ``op.appendCustomPage(name)``.

    Each ``append*`` takes TD's arguments, ``(name, label=None, order=None,
    replace=True)`` (numbers also ``size``), and returns the list of new parameters
    (TD's tuplet). Keyword-only extras set a value rule at once (``default=``,
    ``min=``/``max=``, which refuse values beyond them, ``help=``); TD code sets the
    same attributes on the parameter afterwards (``par.default = 1``,
    ``par.clampMin = True``).
    """

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
    def index(self) -> int:
        """The page's position among its operator's custom pages."""
        return self._book.pages.index(self)

    @property
    def isCustom(self) -> bool:
        return True

    @property
    def pars(self) -> list[Par]:
        """The page's parameters, in the order they were appended."""
        collection = self._owner.par
        return [collection[name] for name in self._names if name in collection]

    def __iter__(self) -> Iterator[Par]:
        """``for par in page:`` its parameters in order, as TD's pages iterate."""
        return iter(self.pars)

    def __len__(self) -> int:
        return len(self.pars)

    def __getitem__(self, index: int) -> Par:
        return self.pars[index]

    # -- numbers ----------------------------------------------------------------------
    def appendFloat(self, name: str, label: str | None = None, size: int = 1,
                    order: int | None = None, replace: bool = True, *, default: float = 0.0,
                    min: float | None = None, max: float | None = None,
                    help: str = "") -> list[Par]:
        """A float parameter, or ``size`` of them named ``Name1``, ``Name2``..."""
        return self._append_sized(name, size, order, replace, lambda n, text: _td_range(
            FloatPar(n, default, min=min, max=max, label=text, help=help)), label)

    def appendInt(self, name: str, label: str | None = None, size: int = 1,
                  order: int | None = None, replace: bool = True, *, default: int = 0,
                  min: int | None = None, max: int | None = None,
                  help: str = "") -> list[Par]:
        """An integer parameter, or ``size`` of them named ``Name1``, ``Name2``..."""
        return self._append_sized(name, size, order, replace, lambda n, text: _td_range(
            IntPar(n, default, min=min, max=max, label=text, help=help)), label)

    # -- one-part kinds -----------------------------------------------------------------
    def appendToggle(self, name: str, label: str | None = None, order: int | None = None,
                     replace: bool = True, *, default: bool = False,
                     help: str = "") -> list[Par]:
        """An on/off parameter."""
        return self._append(TogglePar(name, default, label=label, help=help), replace, order)

    def appendStr(self, name: str, label: str | None = None, order: int | None = None,
                  replace: bool = True, *, default: str = "", help: str = "") -> list[Par]:
        """A string parameter."""
        return self._append(StrPar(name, default, label=label, help=help), replace, order)

    def appendStrMenu(self, name: str, label: str | None = None, order: int | None = None,
                      replace: bool = True, *, menuNames: Sequence[str] = (),
                      menuLabels: Sequence[str] | None = None, default: str = "",
                      help: str = "") -> list[Par]:
        """A string with suggested items (``par.menuNames = [...]``); any string goes."""
        return self._append(StrMenuPar(name, default, items=menuNames, labels=menuLabels,
                                       label=label, help=help), replace, order)

    def appendMenu(self, name: str, label: str | None = None, order: int | None = None,
                   replace: bool = True, *, menuNames: Sequence[str] = (),
                   menuLabels: Sequence[str] | None = None, default: str | None = None,
                   help: str = "") -> list[Par]:
        """A menu parameter; its items are ``menuNames`` or, TD's way, set afterwards
        (``par.menuNames = [...]``; the value is ``''`` until then)."""
        return self._append(MenuPar(name, menuNames, default, labels=menuLabels, label=label,
                                    help=help, allow_empty=True), replace, order)

    def appendFile(self, name: str, label: str | None = None, order: int | None = None,
                   replace: bool = True, *, default: str = "", help: str = "") -> list[Par]:
        """A file path."""
        return self._append(FilePar(name, default, label=label, help=help), replace, order)

    def appendFolder(self, name: str, label: str | None = None, order: int | None = None,
                     replace: bool = True, *, default: str = "", help: str = "") -> list[Par]:
        """A folder path."""
        return self._append(FolderPar(name, default, label=label, help=help), replace, order)

    def appendPython(self, name: str, label: str | None = None, order: int | None = None,
                     replace: bool = True, *, default: str = "",
                     help: str = "") -> list[Par]:
        """A Python expression: its value the text, ``eval()`` what it gives (``me`` the
        operator)."""
        return self._append(PythonPar(name, default, label=label, help=help), replace, order)

    def appendOP(self, name: str, label: str | None = None, order: int | None = None,
                 replace: bool = True, *, default: str = "", help: str = "") -> list[Par]:
        """A reference to any operator: its value a path, ``eval()`` the operator."""
        return self._append(OPPar(name, default, label=label, help=help), replace, order)

    def appendCOMP(self, name: str, label: str | None = None, order: int | None = None,
                   replace: bool = True, *, default: str = "", help: str = "") -> list[Par]:
        """A reference to a COMP (``eval()`` is None for another kind of operator)."""
        return self._append(COMPPar(name, default, label=label, help=help), replace, order)

    def appendDAT(self, name: str, label: str | None = None, order: int | None = None,
                  replace: bool = True, *, default: str = "", help: str = "") -> list[Par]:
        """A reference to a DAT (``eval()`` is None for another kind of operator)."""
        return self._append(DATPar(name, default, label=label, help=help), replace, order)

    def appendPulse(self, name: str, label: str | None = None, order: int | None = None,
                    replace: bool = True, *, help: str = "") -> list[Par]:
        """A pulse parameter: ``par.pulse()`` calls the operator's ``onPulse``."""
        return self._append(PulsePar(name, label=label, help=help), replace, order)

    def appendSequence(self, name: str, label: str | None = None, order: int | None = None,
                       replace: bool = True, *, help: str = "") -> list[Par]:
        """A parameter sequence (``op.seq.Name``), TD's way: its header parameter, whose
        value is the number of blocks (1); set ``op.seq.Name.blockSize`` to take the
        parameters appended after it into the block (see `td.sequences`)."""
        if name in self._owner.seq:
            raise ValueError(f"{self._owner.path} already has a parameter sequence "
                             f"{name!r}")
        pars = self._append(SequencePar(name, 1, label=label, help=help), replace, order)
        self._owner.seq.add(pars[0], self)
        return pars

    def appendPar(self, name: str, par: Par | None = None, label: str | None = None,
                  order: int | None = None, replace: bool = True) -> list[Par]:
        """A parameter like ``par`` (its kind, value rules and attributes) named
        ``name``. Its value starts at ``par``'s default."""
        if not isinstance(par, Par):
            raise TypeError(f"appendPar() expected par as the parameter to copy the style "
                            f"of, e.g. appendPar('Gain2', par=op.par.Gain), got {par!r}")
        return self._append(par.spec.clone(name, label), replace, order)

    def sort(self, *names: str) -> None:
        """Put the named parameters first, in that order (TD's ``page.sort``)."""
        missing = [n for n in names if n not in self._names]
        if missing:
            raise ValueError(f"sort() expected names of parameters on page {self._name!r} "
                             f"({', '.join(self._names) or 'none'}), got {missing[0]!r}")
        rest = [n for n in self._names if n not in names]
        self._names = [*dict.fromkeys(names), *rest]

    # -- what sequences need ------------------------------------------------------------
    def add_spec(self, spec: ParSpec, order: int) -> Par:
        """Add a custom parameter for ``spec`` at position ``order`` on this page (a
        new sequence block's parameter)."""
        return self._append(spec, False, order)[0]

    def rename(self, name: str, new: str) -> None:
        """The parameter ``name`` on this page is now called ``new``."""
        self._names = [new if n == name else n for n in self._names]

    def remove(self, name: str) -> None:
        """The parameter ``name`` leaves this page."""
        self._names = [n for n in self._names if n != name]

    # -- internals ------------------------------------------------------------------------
    def _append_sized(self, name: str, size: int, order: int | None, replace: bool,
                      make: Callable[[str, str | None], ParSpec],
                      label: str | None) -> list[Par]:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"append of {name!r} expected size as a whole number >= 1, "
                             f"got {size!r}")
        if size == 1:
            return self._append(make(name, label), replace, order)
        specs = [make(f"{name}{i}", None if label is None else f"{label} {i}")
                 for i in range(1, size + 1)]
        for spec in specs:  # every part checked before any is added
            self._owner.par.check_addable(spec, replace=replace)
        pars: list[Par] = []
        for offset, spec in enumerate(specs):
            pars += self._append(spec, replace, None if order is None else order + offset)
        return ParGroup(name, pars)

    def _append(self, spec: ParSpec, replace: bool, order: int | None = None) -> list[Par]:
        if order is not None and (isinstance(order, bool) or not isinstance(order, int)
                                  or order < 0):
            raise ValueError(f"append of {spec.name!r} expected order as a position >= 0 on "
                             f"the page, got {order!r}")
        par = self._owner.par.add(spec, replace=replace)
        for page in self._book.pages:
            if spec.name in page._names:
                page._names.remove(spec.name)
        if order is None:
            self._names.append(spec.name)
        else:
            self._names.insert(order, spec.name)
        return ParGroup(spec.name, [par])

    def __repr__(self) -> str:
        return f"<Page {self._name!r} of {self._owner.path}>"


def _td_range(spec: FloatPar | IntPar) -> ParSpec:
    """A number appended at run time gets TD's default range (see `td_range`)."""
    spec.td_range()
    return spec
