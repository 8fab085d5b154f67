"""Typed operator parameters and pulses, declared on the operator class.

An operator class lists its parameters in ``parameters``; each instance gets live
`Par` objects reached as ``op.par.Name``. Validation happens before anything is
stored, so a rejected value leaves the old one in place. Pulses and value changes
call the owner's ``onPulse(par)`` / ``onValueChange(par, prev)`` on the main thread,
as TouchDesigner's Parameter Execute DAT does. The declarations themselves
(`FloatPar`, `MenuPar`, ...) live in `td.par_specs` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from td.par_specs import BuiltinStrPar as BuiltinStrPar
from td.par_specs import FloatPar as FloatPar
from td.par_specs import IntPar as IntPar
from td.par_specs import MenuPar as MenuPar
from td.par_specs import ParSpec as ParSpec
from td.par_specs import PulsePar as PulsePar
from td.par_specs import StrPar as StrPar
from td.par_specs import TogglePar as TogglePar
from td.value_like import BehavesAsValue, plain_value

if TYPE_CHECKING:
    from td._owner import ParOwner

__all__ = [
    "BuiltinStrPar",
    "FloatPar",
    "IntPar",
    "MenuPar",
    "Par",
    "ParCollection",
    "ParSpec",
    "PulsePar",
    "StrPar",
    "TogglePar",
]

class Par(BehavesAsValue):
    """One live parameter of one operator.

    A `Par` behaves as its value, as TouchDesigner's does: ``if comp.par.Active:``,
    ``comp.par.Gain == 3``, ``comp.par.Gain * 2``, ``int(comp.par.Count)`` and
    ``f"{comp.par.Gain:.1f}"`` all use ``eval()`` (see `BehavesAsValue`).
    """

    __slots__ = ("_custom", "_owner", "_replaced", "_spec", "_value")

    def __init__(self, owner: ParOwner, spec: ParSpec, *, custom: bool = False) -> None:
        self._owner = owner
        self._spec = spec
        self._value = spec.default
        self._custom = custom
        # Set when ``par.add(..., replace=True)`` put another Par in its place: the
        # operator no longer has this one, so it no longer hears of it.
        self._replaced = False

    @property
    def name(self) -> str:
        return self._spec.name

    @property
    def label(self) -> str:
        return self._spec.label

    @property
    def spec(self) -> ParSpec:
        return self._spec

    @property
    def owner(self) -> ParOwner:
        return self._owner

    @property
    def isPulse(self) -> bool:
        return self._spec.kind == "pulse"

    @property
    def isMenu(self) -> bool:
        return self._spec.kind == "menu"

    @property
    def isCustom(self) -> bool:
        """True for a parameter appended at run time on a custom page."""
        return self._custom

    @property
    def default(self) -> Any:
        return self._spec.default

    @property
    def where(self) -> str:
        """How messages name this parameter: ``/ChatTD/TDAsyncIO par.Clearafter``."""
        return f"{self._owner.path} par.{self.name}"

    def eval(self) -> Any:
        self._owner.guard.check(self)
        return self._value

    @property
    def val(self) -> Any:
        return self.eval()

    @val.setter
    def val(self, value: Any) -> None:
        self._owner.guard.check(self)
        if self.isPulse:
            raise TypeError(f"{self.where} is a pulse and holds no value; fire it with .pulse()")
        if self._replaced:
            self._refuse_replaced()
        new = self._spec.validate(plain_value(value), self.where)
        prev, self._value = self._value, new
        if new != prev:
            self._owner.call_handler("onValueChange", self, prev)

    def pulse(self) -> None:
        """Fire a pulse parameter: calls ``owner.onPulse(par)`` now, on the main thread."""
        self._owner.guard.check(self)
        if not self.isPulse:
            raise TypeError(f"{self.where} is a {self._spec.kind} parameter, not a pulse; "
                            "assign a value instead")
        if self._replaced:
            self._refuse_replaced()
        self._owner.call_handler("onPulse", self)

    def _refuse_replaced(self) -> None:
        raise RuntimeError(f"{self.where} was replaced; use the operator's par.{self.name} "
                           f"now")

    def retire(self) -> None:
        """This Par was replaced by another of its name: writes and pulses now raise."""
        self._replaced = True

    # -- menus --------------------------------------------------------------------
    @property
    def menuNames(self) -> list[str]:
        """A menu's item names (an empty list for any other kind, as in TD)."""
        self._owner.guard.check(self)
        spec = self._spec
        return list(spec.items) if isinstance(spec, MenuPar) else []

    @menuNames.setter
    def menuNames(self, names: Sequence[str]) -> None:
        self._set_menu(names, None)

    @property
    def menuLabels(self) -> list[str]:
        """A menu's item labels, in the order of `menuNames` (empty for other kinds)."""
        self._owner.guard.check(self)
        spec = self._spec
        return list(spec.labels) if isinstance(spec, MenuPar) else []

    @menuLabels.setter
    def menuLabels(self, labels: Sequence[str]) -> None:
        self._set_menu(None, labels)

    @property
    def menuIndex(self) -> int:
        """The position of a menu's current item in `menuNames`."""
        self._owner.guard.check(self)
        spec = self._spec
        if not isinstance(spec, MenuPar):
            raise TypeError(f"{self.where} is a {spec.kind} parameter, not a menu; "
                            "menuIndex is for menus")
        return spec.items.index(self._value)

    def _set_menu(self, names: Sequence[str] | None, labels: Sequence[str] | None) -> None:
        """Replace a custom menu's items (keeping the value when it is still one of them)."""
        self._owner.guard.check(self)
        spec = self._spec
        if not isinstance(spec, MenuPar):
            raise TypeError(f"{self.where} is a {spec.kind} parameter, not a menu")
        if not self._custom:
            raise TypeError(f"{self.where} is declared by its class, so its items are fixed; "
                            "menus appended with page.appendMenu() can change theirs")
        fresh = MenuPar(spec.name, spec.items if names is None else names,
                        labels=labels, label=spec.label, help=spec.help)
        if spec.default in fresh.items:
            fresh.default = spec.default
        self._spec = fresh
        if self._value not in fresh.items:
            prev, self._value = self._value, fresh.default
            self._owner.call_handler("onValueChange", self, prev)

    def __repr__(self) -> str:
        return f"<Par {self.where}>"


class ParCollection:
    """``op.par``: attribute access to an operator's parameters by name."""

    __slots__ = ("_owner", "_pars")
    _owner: ParOwner
    _pars: dict[str, Par]

    def __init__(self, owner: ParOwner, specs: Sequence[ParSpec]) -> None:
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_pars", {spec.name: Par(owner, spec) for spec in specs})

    def __getattr__(self, name: str) -> Par:
        self._owner.guard.check(self)
        try:
            return self._pars[name]
        except KeyError:
            raise AttributeError(self._missing(name)) from None

    def __getitem__(self, name: str) -> Par:
        """``op.par['Name']``, as ``op.par.Name``; KeyError naming the known ones."""
        self._owner.guard.check(self)
        try:
            return self._pars[name]
        except (KeyError, TypeError):
            raise KeyError(self._missing(name)) from None

    def add(self, spec: ParSpec, *, replace: bool = False) -> Par:
        """Add a run-time (custom) parameter for ``spec``; ``op.appendCustomPage`` uses it.

        Raises:
            ValueError: a parameter of that name exists (and is not a custom one
                being replaced with ``replace=True``).
        """
        self._owner.guard.check(self)
        if not isinstance(spec, ParSpec):
            raise TypeError(f"par.add() expected a parameter declaration such as "
                            f"FloatPar('Gain'), got {spec!r}")
        old = self._pars.get(spec.name)
        if old is not None and not (replace and old.isCustom):
            why = ("it was appended without replace=True" if old.isCustom
                   else "it is declared by the operator's class")
            raise ValueError(f"{self._owner.path} already has a parameter {spec.name!r} "
                             f"({why})")
        par = Par(self._owner, spec, custom=True)
        self._pars[spec.name] = par
        if old is not None:
            old.retire()
        return par

    def __setattr__(self, name: str, value: Any) -> None:
        self._owner.guard.check(self)
        par = self._pars.get(name)
        if par is None:
            raise AttributeError(self._missing(name))
        par.val = value

    def _missing(self, name: str) -> str:
        # The operator's own parameters first; built-ins (opshortcut) after them.
        names = sorted(self._pars, key=lambda n: self._pars[n].spec.builtin)
        known = ", ".join(names) or "none"
        return f"{self._owner.path} has no parameter {name!r}; its parameters are: {known}"

    def __iter__(self) -> Iterator[Par]:
        self._owner.guard.check(self)
        return iter(list(self._pars.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._pars

    def __dir__(self) -> list[str]:
        return list(self._pars)

    def __repr__(self) -> str:
        return f"<ParCollection of {self._owner.path}>"
