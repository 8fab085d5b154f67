"""``TDFunctions``: TD's Python helpers, as extensions import them
(``import TDFunctions as TDF``).

Written from TD's documentation of the module: `createProperty`,
`makeDeepDependable`, `clamp`, `parentLevel`, `sharedParent`, `getCustomPage`,
`incrementStringDigits`, `parStringToIntList`, `listToParString`, `getParInfo`,
`applyParInfo`, `getMenuLabel`, `setMenuLabel`, `multiMatch`, `formatString`. The
functions that drive TD's editor UI (panes, node placement, tscript) have nothing
to act on here and are left out.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Iterable
from typing import Any

from td import td_modules
from td.network import OP
from td.params import ParMode
from tdu import Dependency
from tdu.dependable import DependDict, DependList, DependSet, deepen

__all__ = ["applyParInfo", "clamp", "createProperty", "formatString", "getCustomPage",
           "getMenuLabel", "getParInfo", "incrementStringDigits", "listToParString",
           "makeDeepDependable", "multiMatch", "parStringToIntList", "parentLevel",
           "setMenuLabel", "sharedParent"]


def clamp(value: float, inMin: float, inMax: float) -> float:
    """``value`` limited to ``[inMin, inMax]``."""
    return max(inMin, min(inMax, value))


def makeDeepDependable(value: Any) -> Any:
    """``value`` as a deeply dependable object: a dict, list or set becomes a
    `DependDict`/`DependList`/`DependSet`, anything else a `tdu.Dependency`."""
    deep = deepen(value, None)
    return deep if isinstance(deep, DependDict | DependList | DependSet) else Dependency(value)


def createProperty(classInstance: object, name: str, value: Any = None,
                   attributeName: str | None = None, readOnly: bool = False,
                   dependable: bool | str = True) -> None:
    """Add the property ``name`` to ``classInstance``'s class (so every instance of that
    class has it, as in TD), its value kept in ``attributeName`` (``_<name>``).

    Dependable: the value is kept in a `tdu.Dependency` (``"deep"``: collections are
    deeply dependable); reading the property gives the value, setting it sets the
    dependency's value. Read-only: change it through ``attributeName`` instead.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"createProperty() expected a Python name, got {name!r}")
    attribute = attributeName or f"_{name}"
    if dependable == "deep":
        stored: Any = makeDeepDependable(value)
        if not isinstance(stored, Dependency):
            stored = Dependency(stored)
    elif dependable:
        stored = Dependency(value)
    else:
        stored = value
    setattr(classInstance, attribute, stored)

    def get(instance: Any) -> Any:
        held = getattr(instance, attribute)
        return held.val if dependable and isinstance(held, Dependency) else held

    def set_(instance: Any, new: Any) -> None:
        if readOnly:
            raise AttributeError(f"{type(instance).__name__}.{name} is read-only; set "
                                 f"{attribute} instead")
        held = getattr(instance, attribute)
        if dependable and isinstance(held, Dependency):
            held.val = deepen(new, None) if dependable == "deep" else new
        else:
            setattr(instance, attribute, new)

    setattr(type(classInstance), name, property(get, set_))


def parentLevel(parentOp: OP, childOp: OP) -> int | None:
    """How many levels above ``childOp`` ``parentOp`` is (``childOp.parent(n)`` is it),
    or None when it is not above it."""
    level, node = 0, childOp
    while node is not None:
        if node is parentOp:
            return level or None
        node = node.parent()  # type: ignore[assignment]
        level += 1
    return None


def sharedParent(op1: OP, op2: OP) -> OP | None:
    """The nearest COMP above both operators; None when that is the root."""
    above: list[OP] = []
    node: OP | None = op1.parent()
    while node is not None:
        above.append(node)
        node = node.parent()
    node = op2.parent()
    while node is not None:
        if any(node is seen for seen in above):
            return None if node.parent() is None else node
        node = node.parent()
    return None


def getCustomPage(comp: OP, name: str) -> Any:
    """The custom page ``name`` of ``comp``, or None."""
    for page in comp.customPages:
        if page.name == name:
            return page
    return None


def incrementStringDigits(string: str, min: int = 1, suffixOnly: bool = False) -> str:
    """``'noise1'`` -> ``'noise2'``; ``'noise'`` -> ``'noise1'`` (``min``), as TD names a
    copy."""
    pattern = r"(\d+)$" if suffixOnly else r"(\d+)(?!.*\d)"
    found = re.search(pattern, string)
    if found is None:
        return f"{string}{min}"
    number = str(int(found.group(1)) + 1).zfill(len(found.group(1)))
    return string[:found.start(1)] + number + string[found.end(1):]


def parStringToIntList(parString: str) -> list[int]:
    return [int(part) for part in parString.split()]


def listToParString(l: Iterable[Any]) -> str:  # noqa: E741  (TD's argument name)
    return " ".join(str(item) for item in l)


def getParInfo(sourceOp: OP, pattern: str = "*", names: Iterable[str] | None = None,
               includeCustom: bool = True, includeNonCustom: bool = True
               ) -> dict[str, tuple[Any, ...]]:
    """``{name: (val, expr, mode name, bindExpr, default)}`` for ``sourceOp``'s
    parameters matching ``pattern`` (and in ``names`` when given)."""
    wanted = None if names is None else set(names)
    info: dict[str, tuple[Any, ...]] = {}
    for par in sourceOp.pars(pattern):
        if wanted is not None and par.name not in wanted:
            continue
        if (par.isCustom and not includeCustom) or (not par.isCustom and not includeNonCustom):
            continue
        if par.isPulse:
            continue
        info[par.name] = (par.val, par.expr, par.mode.name, par.bindExpr, par.default)
    return info


def applyParInfo(targetOp: OP, parInfo: dict[str, tuple[Any, ...]],
                 setDefaults: bool = False) -> list[str]:
    """Apply values, expressions and modes from a `getParInfo` dict; the names of the
    parameters that could not take theirs (nothing is raised, as in TD)."""
    failed: list[str] = []
    for name, entry in parInfo.items():
        try:
            par = targetOp.par[name]
            val, expr, mode = entry[0], entry[1], ParMode[entry[2]]
            par.val = val
            if expr:
                par.expr = expr
            if len(entry) > 3 and entry[3]:
                par.bindExpr = entry[3]
            par.mode = mode
        except Exception:  # TD's contract: report, never raise
            failed.append(name)
    return failed


def getMenuLabel(menuPar: Any) -> str:
    return str(menuPar.menuLabels[menuPar.menuIndex])


def setMenuLabel(menuPar: Any, label: str) -> None:
    labels = menuPar.menuLabels
    if label not in labels:
        raise ValueError(f"setMenuLabel() expected one of {labels!r}, got {label!r}")
    menuPar.val = menuPar.menuNames[labels.index(label)]


def multiMatch(patterns: str, inputList: Iterable[str], caseSensitive: bool = True,
               useMinus: bool = True) -> list[str]:
    """The strings matching any space-separated pattern; ``-pattern`` excludes."""
    include, exclude = [], []
    for pattern in patterns.split():
        if pattern.startswith("-"):
            if useMinus:
                exclude.append(pattern[1:])
        else:
            include.append(pattern)

    def hit(text: str, pats: list[str]) -> bool:
        if not caseSensitive:
            text = text.lower()
        return any(fnmatch.fnmatchcase(text, p if caseSensitive else p.lower()) for p in pats)

    return [s for s in inputList if hit(s, include) and not hit(s, exclude)]


def formatString(format: str, dataDict: dict[str, Any] | None = None) -> str:
    """``format`` filled from ``dataDict`` (``'{num} red balloons'``)."""
    return format.format(**(dataDict or {}))


td_modules.register(sys.modules[__name__])  # op.TDModules.mod.TDFunctions
