"""Parameter declarations: a name, a default and the validation of every value.

An operator class lists them in ``parameters``; `td.params` makes the live
`Par` objects from them. Validation happens before anything is stored, so a rejected
value leaves the old one in place; each error names where the value was going.

The kinds are TouchDesigner's parameter styles (``par.style``): Float, Int, Toggle,
Str, Menu, StrMenu, File, Folder, Python, OP, COMP, DAT, Pulse, Sequence. Numbers carry TD's
range attributes: ``min``/``max`` with ``clampMin``/``clampMax`` (a value beyond a
clamped end is brought back to it) and the slider range ``normMin``/``normMax``. A
bound given when declaring (``FloatPar('Gain', min=0.0)``) is a framehost bound:
a value beyond it is refused with an error, where TD would only clamp it.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from collections.abc import Iterable, Sequence
from types import CodeType
from typing import Any, ClassVar

from td import expressions
from td.current import call_as

__all__ = [
    "BuiltinPulsePar",
    "BuiltinStrPar",
    "COMPPar",
    "DATPar",
    "FilePar",
    "FloatPar",
    "FolderPar",
    "IntPar",
    "MenuPar",
    "OPPar",
    "ParSpec",
    "PulsePar",
    "PythonPar",
    "SequencePar",
    "StrMenuPar",
    "StrPar",
    "TogglePar",
]

_PAR_NAME = re.compile(r"^[A-Z][a-z0-9]*$")
# TouchDesigner's built-in parameters are all lower case (``opshortcut``); a custom
# one starts with a capital, so the two can never collide.
_BUILTIN_NAME = re.compile(r"^[a-z][a-z0-9]*$")


def _check_name(builtin: bool, name: object) -> None:
    if builtin:
        if not isinstance(name, str) or not _BUILTIN_NAME.fullmatch(name):
            raise ValueError(f"built-in parameter name expected lower-case letters or "
                             f"digits (e.g. 'opshortcut'), got {name!r}")
    elif not isinstance(name, str) or not _PAR_NAME.fullmatch(name):
        raise ValueError(
            f"parameter name expected a capital letter followed by lowercase letters "
            f"or digits (TouchDesigner style, e.g. 'Clearafter'), got {name!r}"
        )


class ParSpec:
    """The declaration of one parameter: its name, default and validation."""

    kind: ClassVar[str] = "value"
    #: TD's ``par.style``: 'Float', 'Menu', 'OP', ...
    style: ClassVar[str] = "Str"
    #: A built-in parameter (every operator of a family has it) is named in lower case.
    builtin: ClassVar[bool] = False
    #: True for the kinds whose ``eval()`` is computed from the stored value (an
    #: operator from its path, a Python value from its text): see `resolve`.
    resolves: ClassVar[bool] = False

    def __init__(self, name: str, default: Any = None, label: str | None = None,
                 help: str = "") -> None:
        _check_name(self.builtin, name)
        if label is not None and not isinstance(label, str):
            raise TypeError(f"parameter {name!r} expected label as a string, got {label!r}")
        if not isinstance(help, str):
            raise TypeError(f"parameter {name!r} expected help as a string, got {help!r}")
        self.name = name
        self.label = label or name
        self.help = help
        self.default = default if self.kind == "pulse" else self.validate(default, name)

    def validate(self, value: Any, where: str) -> Any:
        """Return the value to store, or raise `TypeError`/`ValueError` naming `where`."""
        return value

    def resolve(self, value: Any, owner: Any, where: str) -> Any:
        """What ``eval()`` gives for the stored ``value`` (only when `resolves`)."""
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


def _check_bounds(name: object, low: object, high: object) -> None:
    """Bounds that exclude every value are the declaration's error, not the default's."""
    numbers = (int, float)
    if isinstance(low, numbers) and isinstance(high, numbers) and low > high:
        raise ValueError(f"{name} expected min <= max, got min={low!r} and max={high!r}")


class _Numeric(ParSpec):
    """What Float and Int share: TD's range attributes and how a value meets them."""

    #: The word messages use for a value of this kind.
    noun: ClassVar[str] = "number"

    def __init__(self, name: str, default: float, min: float | None, max: float | None,
                 label: str | None, help: str) -> None:
        _check_bounds(name, min, max)
        self.min = min
        self.max = max
        # A bound given when declaring refuses values beyond it; one set later the TD
        # way (``par.min = 0``) only matters with ``clampMin``, as in TD.
        self.strictMin = min is not None
        self.strictMax = max is not None
        self.clampMin = False
        self.clampMax = False
        self.normMin: float = 0 if min is None else min
        self.normMax: float = 1 if max is None else max
        super().__init__(name, default, label, help)

    def td_range(self) -> None:
        """TD's defaults for a custom parameter appended with no bounds: ``min`` 0 and
        ``max`` 1, neither clamped (so neither limits a value)."""
        if self.min is None:
            self.min = 0
        if self.max is None:
            self.max = 1

    def _in_range(self, value: float, where: str) -> float:
        low, high = self.min, self.max
        if low is not None and value < low:
            if self.clampMin:
                return low
            if self.strictMin:
                raise ValueError(f"{where} expected {_a(self.noun)} >= {low}, got {value!r}")
        if high is not None and value > high:
            if self.clampMax:
                return high
            if self.strictMax:
                raise ValueError(f"{where} expected {_a(self.noun)} <= {high}, got {value!r}")
        return value


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


class FloatPar(_Numeric):
    """A finite float, optionally bounded; rejects strings, None, bools and NaN."""

    kind = "float"
    style = "Float"

    def __init__(self, name: str, default: float = 0.0, *, min: float | None = None,
                 max: float | None = None, label: str | None = None, help: str = "") -> None:
        super().__init__(name, default, min, max, label, help)

    def validate(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{where} expected a number, got {value!r}")
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an int too large for a float: 10**400
            finite = False
        if not finite:
            raise ValueError(f"{where} expected a finite number, got {value!r}")
        return float(self._in_range(value, where))


class IntPar(_Numeric):
    """An integer, optionally bounded."""

    kind = "int"
    style = "Int"
    noun = "integer"

    def __init__(self, name: str, default: int = 0, *, min: int | None = None,
                 max: int | None = None, label: str | None = None, help: str = "") -> None:
        super().__init__(name, default, min, max, label, help)

    def validate(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{where} expected an integer, got {value!r}")
        return int(self._in_range(value, where))


class TogglePar(ParSpec):
    """On or off: accepts bools and the integers 0 and 1."""

    kind = "toggle"
    style = "Toggle"

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
    style = "Str"

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


class FilePar(StrPar):
    """A file path (TD's File style): a string, shown with a file chooser in TD."""

    kind = "file"
    style = "File"


class FolderPar(StrPar):
    """A folder path (TD's Folder style)."""

    kind = "folder"
    style = "Folder"


class PythonPar(StrPar):
    """A Python expression (TD's Python style): the value (``par.val``) is its text,
    ``eval()`` the object it gives, evaluated in TD's scope with ``me`` the
    parameter's operator each time it is read; an empty text gives None. Text that
    is not a Python expression is refused when set, changing nothing."""

    kind = "python"
    style = "Python"
    resolves = True

    def validate(self, value: Any, where: str) -> str:
        text = super().validate(value, where)
        if text.strip():
            try:
                _python_code(text)
            except SyntaxError as exc:
                raise ValueError(f"{where} expected a Python expression, got {text!r} "
                                 f"({exc.msg})") from None
        return text

    def resolve(self, value: Any, owner: Any, where: str) -> Any:
        if not value.strip():
            return None
        try:
            return call_as(owner, eval, _python_code(value), expressions.scope_for(owner))
        except Exception as exc:
            exc.add_note(f"in {where}, the Python expression {value!r}")
            raise


@functools.lru_cache(maxsize=256)
def _python_code(text: str) -> CodeType:
    """A Python parameter's text compiled once per distinct text (it is read often)."""
    return compile(text, "<Python parameter>", "eval")


class MenuPar(ParSpec):
    """One of a list of string items (``menuNames``), each with a label (``menuLabels``,
    the names when not given). A menu appended at run time may start with no items,
    as in TD (its value is then ``''`` until items are set)."""

    kind = "menu"
    style = "Menu"

    def __init__(self, name: str, items: Sequence[str], default: str | None = None, *,
                 labels: Sequence[str] | None = None, label: str | None = None,
                 help: str = "", allow_empty: bool = False) -> None:
        self.items, self.labels = _menu_items(name, items, labels, allow_empty)
        first = self.items[0] if self.items else ""
        super().__init__(name, first if default is None else default, label, help)

    def validate(self, value: Any, where: str) -> str:
        if value not in self.items and (self.items or value != ""):
            raise ValueError(f"{where} expected one of {list(self.items)!r}, got {value!r}")
        return str(value)

    def with_items(self, items: Sequence[str] | None, labels: Sequence[str] | None
                   ) -> MenuPar:
        """A copy with new items (and labels), keeping the default when it is one."""
        twin = copy.copy(self)
        twin.items, twin.labels = _menu_items(self.name, self.items if items is None else
                                              items, labels, allow_empty=True)
        if twin.default not in twin.items:
            twin.default = twin.items[0] if twin.items else ""
        return twin


class StrMenuPar(StrPar):
    """A string with suggested items (TD's StrMenu): any string is accepted, and
    ``menuNames``/``menuLabels`` list the suggestions."""

    kind = "strmenu"
    style = "StrMenu"

    def __init__(self, name: str, default: str = "", *, items: Sequence[str] = (),
                 labels: Sequence[str] | None = None, label: str | None = None,
                 help: str = "") -> None:
        self.items, self.labels = _menu_items(name, items, labels, allow_empty=True)
        super().__init__(name, default, label=label, help=help)

    def with_items(self, items: Sequence[str] | None, labels: Sequence[str] | None
                   ) -> StrMenuPar:
        twin = copy.copy(self)
        twin.items, twin.labels = _menu_items(self.name, self.items if items is None else
                                              items, labels, allow_empty=True)
        return twin


def _menu_items(name: str, items: object, labels: object, allow_empty: bool = False
                ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Checked ``(menuNames, menuLabels)`` for the menu parameter ``name``."""
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise TypeError(f"menu parameter {name!r} expected a list of item names (strings), "
                        f"got {items!r}")
    items = tuple(items)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"menu parameter {name!r} expected a list of item names (strings), "
                        f"got {list(items)!r}")
    if not items and not allow_empty:
        raise ValueError(f"menu parameter {name!r} expected at least one item, got none")
    if labels is None:
        return tuple(items), tuple(items)
    if isinstance(labels, str) or not isinstance(labels, Sequence) or not all(
            isinstance(text, str) for text in labels) or len(labels) != len(items):
        raise ValueError(f"menu parameter {name!r} expected one label (string) per item "
                         f"({len(items)}), got {labels!r}")
    return tuple(items), tuple(labels)


class OPPar(StrPar):
    """A reference to an operator (TD's OP style): the value is a path (absolute, or
    relative to the parameter's operator), ``eval()`` the operator there or None.
    Assigning an operator stores its path."""

    kind = "op"
    style = "OP"
    resolves = True
    #: The family the operator must be of (None: any), as TD's COMP and DAT styles.
    family: ClassVar[str | None] = None

    def validate(self, value: Any, where: str) -> str:
        if value is None:
            return ""
        path = getattr(value, "path", None)
        if isinstance(path, str) and hasattr(value, "OPType"):
            value = path
        if not isinstance(value, str):
            kind = f"{self.family} " if self.family else ""
            raise TypeError(f"{where} expected a {kind}operator or its path, got {value!r}")
        return value

    def resolve(self, value: Any, owner: Any, where: str) -> Any:
        if not value:
            return None
        found = owner.op(value)
        if found is None or (self.family is not None and found.family != self.family):
            return None
        return found


class COMPPar(OPPar):
    """A reference to a COMP (TD's COMP style); ``eval()`` is None for any other."""

    kind = "comp"
    style = "COMP"
    family = "COMP"


class DATPar(OPPar):
    """A reference to a DAT (TD's DAT style); ``eval()`` is None for any other."""

    kind = "dat"
    style = "DAT"
    family = "DAT"


class SequencePar(ParSpec):
    """The header of a parameter sequence (TD's Sequence style): its value is the
    number of blocks (see `td.sequences`)."""

    kind = "sequence"
    style = "Sequence"

    def __init__(self, name: str, default: int = 1, *, label: str | None = None,
                 help: str = "") -> None:
        super().__init__(name, default, label, help)

    def validate(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{where} expected a number of blocks (a whole number >= 0), "
                             f"got {value!r}")
        return value


class PulsePar(ParSpec):
    """A momentary button: ``par.pulse()`` calls the owner's ``onPulse(par)``."""

    kind = "pulse"
    style = "Pulse"

    def __init__(self, name: str, *, label: str | None = None, help: str = "") -> None:
        super().__init__(name, None, label, help)


class BuiltinPulsePar(PulsePar):
    """A pulse every operator of a family has, named in lower case as TD's built-ins
    are (``reinitextensions``): pulsing it runs the engine's action for it
    (`OP.builtin_pulsed`) before the owner's ``onPulse(par)``."""

    builtin = True
