"""``tdu``: TouchDesigner's utility module, as TD code imports it (``import tdu``).

Written from TD's documentation of the module: `Dependency` (a value that says when
it changed), `clamp`, `remap`, `rand`, `validName`, `expandPath`, `split`, `base`,
`digits`, `match`. A `Dependency` behaves as its value, as in TD (``dep + 1``,
``if dep:``); framehost re-evaluates parameter expressions every frame, so nothing
has to be re-cooked when one changes, and its ``callbacks`` are what tells code.
"""

from __future__ import annotations

import ast
import builtins
import fnmatch
import hashlib
import math
import os
import re
import shlex
import struct
import sys
from collections.abc import Callable, Iterable
from typing import Any

from td import td_modules
from td.environment import project
from td.value_like import BehavesAsValue

__all__ = ["Dependency", "base", "clamp", "digits", "expandPath", "legalName", "match", "rand",
           "remap", "split", "validName"]

DependencyCallback = Callable[[dict[str, Any]], object]


class Dependency(BehavesAsValue):
    """A value whose changes are announced: set ``.val`` (or `setVal`), or call
    `modified` after changing its contents; each function in ``callbacks`` is then
    called with ``{'dependency', 'prevVal', 'callback'}`` (and ``'setInfo'``)."""

    __slots__ = ("_callbacks", "_val")

    def __init__(self, val: Any = None) -> None:
        self._val = val
        self._callbacks: list[DependencyCallback] = []

    def eval(self) -> Any:
        return self._val

    @property
    def val(self) -> Any:
        return self._val

    @val.setter
    def val(self, value: Any) -> None:
        self.setVal(value)

    @property
    def peekVal(self) -> Any:
        """The value, read without depending on it."""
        return self._val

    @property
    def callbacks(self) -> list[DependencyCallback]:
        """A copy of the callbacks; assign a list to change them, as in TD."""
        return list(self._callbacks)

    @callbacks.setter
    def callbacks(self, functions: Iterable[DependencyCallback]) -> None:
        if isinstance(functions, str) or not isinstance(functions, Iterable):
            raise TypeError(f"Dependency.callbacks expected a list of functions, got "
                            f"{functions!r}")
        functions = list(functions)
        for fn in functions:
            if not callable(fn):
                raise TypeError(f"Dependency.callbacks expected a list of functions, got "
                                f"{fn!r} in it")
        self._callbacks = functions

    @property
    def ops(self) -> list[Any]:
        """Operators that depend on it: none are tracked (expressions re-evaluate each
        frame), so always empty."""
        return []

    def setVal(self, val: Any, setInfo: Any = None) -> None:
        prev, self._val = self._val, val
        self._notify(prev, setInfo)

    def modified(self) -> None:
        """Announce a change made inside the value (a list's item, a dict's key)."""
        self._notify(self._val, None)

    def _notify(self, prev: Any, set_info: Any) -> None:
        for fn in list(self._callbacks):
            info: dict[str, Any] = {"dependency": self, "prevVal": prev, "callback": fn}
            if set_info is not None:
                info["setInfo"] = set_info
            fn(info)

    def __getitem__(self, key: Any) -> Any:
        return self._val[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._val[key] = value
        self.modified()

    def __len__(self) -> int:
        return len(self._val)

    def __iter__(self) -> Any:
        return iter(self._val)

    def __contains__(self, item: object) -> bool:
        return item in self._val

    def __repr__(self) -> str:
        return f"Dependency({self._val!r})"


def clamp(inputVal: float, min: float, max: float) -> float:
    """``inputVal`` limited to ``[min, max]``."""
    low: float = min
    high: float = max
    return low if inputVal < low else high if inputVal > high else inputVal


def remap(inputVal: float, fromMin: float, fromMax: float, toMin: float,
          toMax: float) -> float:
    """``inputVal`` mapped linearly from ``[fromMin, fromMax]`` to ``[toMin, toMax]``
    (not clamped, as in TD)."""
    if fromMax == fromMin:
        raise ValueError(f"tdu.remap() expected fromMin and fromMax to differ, got "
                         f"{fromMin!r} for both")
    return toMin + (inputVal - fromMin) * (toMax - toMin) / (fromMax - fromMin)


def rand(seed: object) -> float:
    """A number in ``[0, 1)`` that depends only on ``seed`` (the same on every run and
    machine, as TD's is for a given seed): ``tdu.rand(absTime.frame + .1)``."""
    if isinstance(seed, float) and not math.isfinite(seed):
        raise ValueError(f"tdu.rand() expected a finite seed, got {seed!r}")
    key = repr(float(seed)) if isinstance(seed, int | float) else repr(seed)
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    number: int = struct.unpack("<Q", digest)[0]
    return (number >> 11) / float(1 << 53)


_INVALID = re.compile(r"[^A-Za-z0-9_]")


def validName(name: str) -> str:
    """``name`` made a valid operator name: every other character becomes ``_``, and
    a leading digit gets a ``_`` before it (``'2 cams'`` -> ``'_2_cams'``)."""
    if not isinstance(name, str):
        raise TypeError(f"tdu.validName() expected a string, got {name!r}")
    fixed = _INVALID.sub("_", name)
    return f"_{fixed}" if fixed[:1].isdigit() or not fixed else fixed


def legalName(name: str) -> str:
    """TD's other name for `validName` (``tdu.legalName('2 cams')`` -> ``'_2_cams'``),
    which code written for older TD versions calls."""
    if not isinstance(name, str):
        raise TypeError(f"tdu.legalName() expected a string, got {name!r}")
    return validName(name)


def expandPath(path: str) -> str:
    """``path`` with ``~`` and environment variables expanded and a relative path
    made absolute from ``project.folder`` (TD resolves files from the project)."""
    if not isinstance(path, str):
        raise TypeError(f"tdu.expandPath() expected a path string, got {path!r}")
    if not path:
        return path
    expanded = os.path.expandvars(os.path.expanduser(path))
    if not os.path.isabs(expanded):
        expanded = os.path.join(project.folder, expanded)
    return os.path.normpath(expanded)


def split(string: str, eval: bool = False) -> list[Any]:
    """``string`` split at spaces, quoted parts kept whole (``'a "b c"'`` ->
    ``['a', 'b c']``); with ``eval``, each part that is a Python literal becomes it."""
    if not isinstance(string, str):
        raise TypeError(f"tdu.split() expected a string, got {string!r}")
    parts: list[Any] = shlex.split(string)
    if eval:
        parts = [_literal(part) for part in parts]
    return parts


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def base(name: str) -> str:
    """``name`` without the digits it ends with (``'noise12'`` -> ``'noise'``)."""
    return re.sub(r"\d+$", "", name)


def digits(name: str) -> int | None:
    """The number ``name`` ends with (``'noise12'`` -> 12), or None."""
    found = re.search(r"(\d+)$", name)
    return int(found.group(1)) if found else None


def match(pattern: str, inputList: Iterable[str], caseSensitive: bool = True) -> list[str]:
    """The strings of ``inputList`` that match any of the space-separated patterns."""
    wanted = pattern.split()
    found = []
    for item in inputList:
        text = item if caseSensitive else item.lower()
        for one in wanted:
            if fnmatch.fnmatchcase(text, one if caseSensitive else one.lower()):
                found.append(item)
                break
    return found


# TD code uses ``tdu`` with no import (it is one of TD's globals) and reaches it as
# ``op.TDModules.mod.tdu``; both once this module is imported (every host does).
builtins.__dict__["tdu"] = sys.modules[__name__]
td_modules.register(sys.modules[__name__])
