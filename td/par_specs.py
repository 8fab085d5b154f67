"""Parameter declarations: a name, a default and the validation of every value.

An operator class lists them in ``parameters``; `td.params` makes the live
`Par` objects from them. Validation happens before anything is stored, so a rejected
value leaves the old one in place; each error names where the value was going.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

__all__ = [
    "BuiltinStrPar",
    "FloatPar",
    "IntPar",
    "MenuPar",
    "ParSpec",
    "PulsePar",
    "StrPar",
    "TogglePar",
]

_PAR_NAME = re.compile(r"^[A-Z][a-z0-9]*$")
# TouchDesigner's built-in parameters are all lower case (``opshortcut``); a custom
# one starts with a capital, so the two can never collide.
_BUILTIN_NAME = re.compile(r"^[a-z][a-z0-9]*$")


def _check_name(builtin: bool, name: object) -> None:
    if builtin:
        if not isinstance(name, str) or not _BUILTIN_NAME.match(name):
            raise ValueError(f"built-in parameter name expected lower-case letters or "
                             f"digits (e.g. 'opshortcut'), got {name!r}")
    elif not isinstance(name, str) or not _PAR_NAME.match(name):
        raise ValueError(
            f"parameter name expected a capital letter followed by lowercase letters "
            f"or digits (TouchDesigner style, e.g. 'Clearafter'), got {name!r}"
        )


class ParSpec:
    """The declaration of one parameter: its name, default and validation."""

    kind: ClassVar[str] = "value"
    #: A built-in parameter (every operator of a family has it) is named in lower case.
    builtin: ClassVar[bool] = False

    def __init__(self, name: str, default: Any = None, label: str | None = None,
                 help: str = "") -> None:
        _check_name(self.builtin, name)
        self.name = name
        self.label = label or name
        self.help = help
        self.default = default if self.kind == "pulse" else self.validate(default, name)

    def validate(self, value: Any, where: str) -> Any:
        """Return the value to store, or raise `TypeError`/`ValueError` naming `where`."""
        return value

    def clone(self, name: str | None = None, label: str | None = None) -> ParSpec:
        """A copy of this declaration, for a parameter of its own (``name`` checked as
        a new declaration's is; the label follows a new name unless given)."""
        twin = copy.copy(self)
        if name is not None and name != self.name:
            _check_name(self.builtin, name)
            twin.name = name
            twin.label = label or name
        elif label is not None:
            twin.label = label
        return twin

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


class BuiltinStrPar(StrPar):
    """A string parameter every operator of a family has, named in lower case as
    TouchDesigner's built-ins are (``opshortcut``)."""

    builtin = True


class MenuPar(ParSpec):
    """One of a fixed list of string items (``menuNames``), each with a label
    (``menuLabels``, the names when not given)."""

    kind = "menu"

    def __init__(self, name: str, items: Sequence[str], default: str | None = None, *,
                 labels: Sequence[str] | None = None, label: str | None = None,
                 help: str = "") -> None:
        self.items, self.labels = _menu_items(name, items, labels)
        super().__init__(name, self.items[0] if default is None else default, label, help)

    def validate(self, value: Any, where: str) -> str:
        if value not in self.items:
            raise ValueError(f"{where} expected one of {list(self.items)!r}, got {value!r}")
        return str(value)


def _menu_items(name: str, items: object,
                labels: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Checked ``(menuNames, menuLabels)`` for the menu parameter ``name``."""
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise TypeError(f"menu parameter {name!r} expected a list of item names (strings), "
                        f"got {items!r}")
    items = tuple(items)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"menu parameter {name!r} expected a list of item names (strings), "
                        f"got {list(items)!r}")
    if not items:
        raise ValueError(f"menu parameter {name!r} expected at least one item, got none")
    if labels is None:
        return tuple(items), tuple(items)
    if isinstance(labels, str) or not isinstance(labels, Sequence) or not all(
            isinstance(text, str) for text in labels) or len(labels) != len(items):
        raise ValueError(f"menu parameter {name!r} expected one label (string) per item "
                         f"({len(items)}), got {labels!r}")
    return tuple(items), tuple(labels)


class PulsePar(ParSpec):
    """A momentary button: ``par.pulse()`` calls the owner's ``onPulse(par)``."""

    kind = "pulse"

    def __init__(self, name: str, *, label: str | None = None, help: str = "") -> None:
        super().__init__(name, None, label, help)
