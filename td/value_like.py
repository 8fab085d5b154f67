"""Objects that behave as the value they hold, as TouchDesigner's parameters do.

TD code reads parameters as values: ``if comp.par.Active:``, ``comp.par.Gain * 2``,
``comp.par.Count == 3``. Without these methods such code runs without an error and
does the wrong thing (an object is always truthy and never equal to a number), so
`Par` gets them all from `BehavesAsValue`, which asks only for ``eval()``.
"""

from __future__ import annotations

import operator
from typing import Any

__all__ = ["BehavesAsValue", "plain_value"]


def plain_value(value: Any) -> Any:
    """``value.eval()`` for anything that behaves as a value, else ``value`` itself."""
    return value.eval() if isinstance(value, BehavesAsValue) else value


class BehavesAsValue:
    """Casts, comparisons and arithmetic that all use ``self.eval()``.

    Hashing stays by identity: the value changes over time, and handlers keep
    parameters in sets and as dict keys.
    """

    __slots__ = ()

    def eval(self) -> Any:
        raise NotImplementedError

    # -- casts ------------------------------------------------------------------
    def __bool__(self) -> bool:
        return bool(self.eval())

    def __int__(self) -> int:
        return int(self.eval())

    def __float__(self) -> float:
        return float(self.eval())

    def __index__(self) -> int:
        return operator.index(self.eval())

    def __str__(self) -> str:
        value = self.eval()
        return "" if value is None else str(value)

    def __format__(self, spec: str) -> str:
        return format(self.eval(), spec)

    # -- comparisons ------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return bool(self.eval() == plain_value(other))

    def __ne__(self, other: object) -> bool:
        return bool(self.eval() != plain_value(other))

    def __lt__(self, other: Any) -> bool:
        return bool(self.eval() < plain_value(other))

    def __le__(self, other: Any) -> bool:
        return bool(self.eval() <= plain_value(other))

    def __gt__(self, other: Any) -> bool:
        return bool(self.eval() > plain_value(other))

    def __ge__(self, other: Any) -> bool:
        return bool(self.eval() >= plain_value(other))

    __hash__ = object.__hash__  # identity: see the class docstring

    # -- arithmetic -------------------------------------------------------------
    def __add__(self, other: Any) -> Any:
        return self.eval() + plain_value(other)

    def __radd__(self, other: Any) -> Any:
        return plain_value(other) + self.eval()

    def __sub__(self, other: Any) -> Any:
        return self.eval() - plain_value(other)

    def __rsub__(self, other: Any) -> Any:
        return plain_value(other) - self.eval()

    def __mul__(self, other: Any) -> Any:
        return self.eval() * plain_value(other)

    def __rmul__(self, other: Any) -> Any:
        return plain_value(other) * self.eval()

    def __truediv__(self, other: Any) -> Any:
        return self.eval() / plain_value(other)

    def __rtruediv__(self, other: Any) -> Any:
        return plain_value(other) / self.eval()

    def __floordiv__(self, other: Any) -> Any:
        return self.eval() // plain_value(other)

    def __rfloordiv__(self, other: Any) -> Any:
        return plain_value(other) // self.eval()

    def __mod__(self, other: Any) -> Any:
        return self.eval() % plain_value(other)

    def __rmod__(self, other: Any) -> Any:
        return plain_value(other) % self.eval()

    def __neg__(self) -> Any:
        return -self.eval()

    def __abs__(self) -> Any:
        return abs(self.eval())

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self.eval(), ndigits)
