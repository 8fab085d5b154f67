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

from collections.abc import Sequence
from typing import TYPE_CHECKING

from host.engine.params import (
    FloatPar,
    IntPar,
    MenuPar,
    Par,
    ParSpec,
    PulsePar,
    StrPar,
    TogglePar,
)

if TYPE_CHECKING:
    from host.engine.network import OP

__all__ = ["Page"]


class Page:
    """One custom page of one operator; made by ``op.appendCustomPage(name)``."""

    def __init__(self, owner: OP, name: str) -> None:
        self._owner = owner
        self._name = name
        self._names: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def owner(self) -> OP:
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

    def _append(self, spec: ParSpec, replace: bool) -> list[Par]:
        par = self._owner.par.add(spec, replace=replace)
        for page in self._owner.customPages:
            if spec.name in page._names:
                page._names.remove(spec.name)
        self._names.append(spec.name)
        return [par]

    def __repr__(self) -> str:
        return f"<Page {self._name!r} of {self._owner.path}>"
