"""Typed operator parameters and pulses, declared on the operator class.

An operator class lists its parameters in ``parameters``; each instance gets live
`Par` objects reached as ``op.par.Name``. Validation happens before anything is
stored, so a rejected value leaves the old one in place. Pulses and value changes
call the owner's ``onPulse(par)`` / ``onValueChange(par, prev)`` on the main thread,
as TouchDesigner's Parameter Execute DAT does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from host.engine._owner import ParOwner

__all__ = [
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

_PAR_NAME = re.compile(r"^[A-Z][a-z0-9]*$")


class ParSpec:
    """The declaration of one parameter: its name, default and validation."""

    kind: ClassVar[str] = "value"

    def __init__(self, name: str, default: Any = None, label: str | None = None,
                 help: str = "") -> None:
        if not isinstance(name, str) or not _PAR_NAME.match(name):
            raise ValueError(
                f"parameter name expected a capital letter followed by lowercase letters "
                f"or digits (TouchDesigner style, e.g. 'Clearafter'), got {name!r}"
            )
        self.name = name
        self.label = label or name
        self.help = help
        self.default = default if self.kind == "pulse" else self.validate(default, name)

    def validate(self, value: Any, where: str) -> Any:
        """Return the value to store, or raise `TypeError`/`ValueError` naming `where`."""
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, default={self.default!r})"


class FloatPar(ParSpec):
    """A finite float, optionally bounded; rejects strings, None, bools and NaN."""

    kind = "float"

    def __init__(self, name: str, default: float = 0.0, *, min: float | None = None,
                 max: float | None = None, label: str | None = None, help: str = "") -> None:
        self.min = min
        self.max = max
        super().__init__(name, default, label, help)

    def validate(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{where} expected a number, got {value!r}")
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an int too large for a float: 10**400
            finite = False
        if not finite:
            raise ValueError(f"{where} expected a finite number, got {value!r}")
        if self.min is not None and value < self.min:
            raise ValueError(f"{where} expected a number >= {self.min}, got {value!r}")
        if self.max is not None and value > self.max:
            raise ValueError(f"{where} expected a number <= {self.max}, got {value!r}")
        return float(value)


class IntPar(ParSpec):
    """An integer, optionally bounded."""

    kind = "int"

    def __init__(self, name: str, default: int = 0, *, min: int | None = None,
                 max: int | None = None, label: str | None = None, help: str = "") -> None:
        self.min = min
        self.max = max
        super().__init__(name, default, label, help)

    def validate(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{where} expected an integer, got {value!r}")
        if self.min is not None and value < self.min:
            raise ValueError(f"{where} expected an integer >= {self.min}, got {value!r}")
        if self.max is not None and value > self.max:
            raise ValueError(f"{where} expected an integer <= {self.max}, got {value!r}")
        return value


class TogglePar(ParSpec):
    """On or off: accepts bools and the integers 0 and 1."""

    kind = "toggle"

    def __init__(self, name: str, default: bool = False, *, label: str | None = None,
                 help: str = "") -> None:
        super().__init__(name, default, label, help)

    def validate(self, value: Any, where: str) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise TypeError(f"{where} expected True/False (or 1/0), got {value!r}")


class StrPar(ParSpec):
    """A string."""

    kind = "str"

    def __init__(self, name: str, default: str = "", *, label: str | None = None,
                 help: str = "") -> None:
        super().__init__(name, default, label, help)

    def validate(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise TypeError(f"{where} expected a string, got {value!r}")
        return value


class MenuPar(ParSpec):
    """One of a fixed list of string items."""

    kind = "menu"

    def __init__(self, name: str, items: Sequence[str], default: str | None = None, *,
                 label: str | None = None, help: str = "") -> None:
        self.items = tuple(items)
        if not self.items:
            raise ValueError(f"menu parameter {name!r} expected at least one item, got none")
        super().__init__(name, self.items[0] if default is None else default, label, help)

    def validate(self, value: Any, where: str) -> str:
        if value not in self.items:
            raise ValueError(f"{where} expected one of {list(self.items)!r}, got {value!r}")
        return str(value)


class PulsePar(ParSpec):
    """A momentary button: ``par.pulse()`` calls the owner's ``onPulse(par)``."""

    kind = "pulse"

    def __init__(self, name: str, *, label: str | None = None, help: str = "") -> None:
        super().__init__(name, None, label, help)


class Par:
    """One live parameter of one operator."""

    __slots__ = ("_owner", "_spec", "_value")

    def __init__(self, owner: ParOwner, spec: ParSpec) -> None:
        self._owner = owner
        self._spec = spec
        self._value = spec.default

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
        new = self._spec.validate(value, self.where)
        prev, self._value = self._value, new
        if new != prev:
            self._owner.call_handler("onValueChange", self, prev)

    def pulse(self) -> None:
        """Fire a pulse parameter: calls ``owner.onPulse(par)`` now, on the main thread."""
        self._owner.guard.check(self)
        if not self.isPulse:
            raise TypeError(f"{self.where} is a {self._spec.kind} parameter, not a pulse; "
                            "assign a value instead")
        self._owner.call_handler("onPulse", self)

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

    def __setattr__(self, name: str, value: Any) -> None:
        self._owner.guard.check(self)
        par = self._pars.get(name)
        if par is None:
            raise AttributeError(self._missing(name))
        par.val = value

    def _missing(self, name: str) -> str:
        known = ", ".join(self._pars) or "none"
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
