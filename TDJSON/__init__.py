"""``TDJSON``: TD's JSON helpers for custom parameters, as TD code imports them
(``import TDJSON``, or ``TDJSON = op.TDModules.mod.TDJSON``).

Written from TD's documentation of the module: text and DAT conversions
(`jsonToText`, `textToJSON`, `jsonToDat`, `datToJSON`), a custom parameter, page or
operator as a JSON object (`parameterToJSONPar`, `pageToJSONDict`, `opToJSONOp`), and
custom parameters made from such objects (`addParameterFromJSONDict`,
`addParametersFromJSONList`, `addParametersFromJSONDict`, `addParametersFromJSONOp`).
A JSON parameter is a dict of TD's attribute names: ``name``, ``style``, ``page``,
``label``, ``default``, ``val``, ``min``, ``max``, ``normMin``, ``normMax``,
``clampMin``, ``clampMax``, ``menuNames``, ``menuLabels``, ``readOnly``, ``enable``,
``help``, ``mode``, ``expr``, ``bindExpr``. framehost parameters have one part each
(no ParGroups), so ``size`` is always 1 and the values are never lists.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from td import td_modules
from td.dat import DAT
from td.network import OP
from td.pages import Page
from td.params import Par, ParMode

__all__ = ["addParameterFromJSONDict", "addParametersFromJSONDict", "addParametersFromJSONList",
           "addParametersFromJSONOp", "datToJSON", "jsonToDat", "jsonToText", "opToJSONOp",
           "pageToJSONDict", "parameterToJSONPar", "textToJSON"]

#: The parameter attributes a JSON parameter carries, beyond name, style and page.
_ATTRS = ("label", "default", "readOnly", "enable", "help")
_NUMBER_ATTRS = ("min", "max", "normMin", "normMax", "clampMin", "clampMax")
_MENU_ATTRS = ("menuNames", "menuLabels")
_APPEND = {"Float": "appendFloat", "Int": "appendInt", "Toggle": "appendToggle",
           "Str": "appendStr", "StrMenu": "appendStrMenu", "Menu": "appendMenu",
           "File": "appendFile", "Folder": "appendFolder", "Python": "appendPython",
           "OP": "appendOP", "COMP": "appendCOMP", "DAT": "appendDAT", "Pulse": "appendPulse"}


def jsonToText(jsonObject: Any, indent: str | int | None = "\t") -> str:
    """``jsonObject`` as JSON text (``json.dumps``), tab-indented by default."""
    return json.dumps(jsonObject, indent=indent)


def jsonToDat(jsonObject: Any, dat: DAT) -> None:
    """Write ``jsonObject`` as JSON text into ``dat``, replacing its text."""
    dat.text = jsonToText(jsonObject)


def textToJSON(text: str, orderedDict: bool = True, showErrors: bool = False) -> Any:
    """JSON text as a Python object; None when it is not JSON, unless ``showErrors``
    (then the `json.JSONDecodeError` is raised). Dicts keep their order either way."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        if showErrors:
            raise
        return None


def datToJSON(dat: DAT, orderedDict: bool = True, showErrors: bool = False) -> Any:
    """The DAT's text as a Python object (see `textToJSON`)."""
    return textToJSON(dat.text, orderedDict, showErrors)


def _page_of(par: Par) -> str:
    for page in getattr(par.owner, "customPages", ()):
        if par in page.pars:
            return str(page.name)
    return ""


def parameterToJSONPar(par: Par, extraAttrs: Iterable[str] | None = None,
                       forceAttrLists: bool = False) -> dict[str, Any]:
    """A custom parameter as a JSON parameter (see the module's docstring);
    ``extraAttrs`` names more attributes to copy, ``forceAttrLists`` puts each value
    in a one-item list (TD's form for multi-part parameters)."""
    if not isinstance(par, Par):
        raise TypeError(f"TDJSON.parameterToJSONPar() expected a parameter, got {par!r}")
    found: dict[str, Any] = {"name": par.name, "style": par.style, "page": _page_of(par),
                             "size": 1}
    names = [*_ATTRS, *(_NUMBER_ATTRS if par.isNumber else ()),
             *(_MENU_ATTRS if par.isMenu else ()), *(extraAttrs or ())]
    values: dict[str, Any] = {attr: getattr(par, attr) for attr in names}
    if not par.isPulse:
        values["val"] = par.val
        values["mode"] = par.mode.name
        if par.mode is ParMode.EXPRESSION:
            values["expr"] = par.expr
        elif par.mode is ParMode.BIND:
            values["bindExpr"] = par.bindExpr
    for attr, value in values.items():
        if value is None:  # not an attribute of this style (a pulse's range)
            continue
        if isinstance(value, tuple):
            value = list(value)
        found[attr] = [value] if forceAttrLists and attr not in ("mode",) else value
    return found


def pageToJSONDict(page: Page, extraAttrs: Iterable[str] | None = None,
                   forceAttrLists: bool = False) -> dict[str, dict[str, Any]]:
    """A custom page as ``{parameter name: JSON parameter}``, in the page's order."""
    return {par.name: parameterToJSONPar(par, extraAttrs, forceAttrLists) for par in page.pars}


def opToJSONOp(op: OP, extraAttrs: Iterable[str] | None = None, forceAttrLists: bool = False,
               includeCustomPages: bool = True,
               includeBuiltInPages: bool = False) -> dict[str, dict[str, Any]]:
    """An operator's custom pages as ``{page name: page dict}``. Built-in pages are
    not included (framehost's built-in parameters are its operators' own)."""
    if not includeCustomPages:
        return {}
    return {page.name: pageToJSONDict(page, extraAttrs, forceAttrLists)
            for page in op.customPages}


def _one(value: Any) -> Any:
    """A one-part parameter's value from TD's form (a list of parts) or a plain one."""
    if isinstance(value, list | tuple) and len(value) == 1:
        return value[0]
    return value


def addParameterFromJSONDict(comp: OP, jsonDict: Mapping[str, Any], replace: bool = True,
                             setValues: bool = True, ignoreAttrErrors: bool = False,
                             fixParNames: bool = True) -> Par:
    """Make the custom parameter a JSON parameter describes on ``comp`` (on its
    ``page``, made when missing, else 'Custom'), with its attributes and, with
    ``setValues``, its value, mode and expression; the new parameter (TD returns a
    ParGroup; framehost's parameters have one part).

    Raises:
        tdError: a parameter of that name exists and ``replace`` is False (TD's error).
        ValueError: the dict has no name, or a style TD does not have.
    """
    if not isinstance(jsonDict, Mapping) or not isinstance(jsonDict.get("name"), str):
        raise ValueError(f"TDJSON.addParameterFromJSONDict() expected a JSON parameter with "
                         f"a 'name', got {jsonDict!r}")
    name = str(jsonDict["name"])
    if fixParNames:
        name = name[:1].upper() + name[1:].lower()  # TD's custom parameter names
    style = str(jsonDict.get("style", "Float"))
    append = _APPEND.get(style)
    if append is None:
        raise ValueError(f"TDJSON.addParameterFromJSONDict() got style {style!r} for {name!r}; "
                         f"expected one of {', '.join(_APPEND)}")
    page_name = str(jsonDict.get("page") or "Custom")
    page = next((p for p in comp.customPages if p.name == page_name), None)
    if page is None:
        page = comp.appendCustomPage(page_name)
    label = jsonDict.get("label")
    par: Par = getattr(page, append)(name, label=_one(label) if label else None,
                                     replace=replace)[0]
    attrs = [a for a in (*_MENU_ATTRS, *_ATTRS, *_NUMBER_ATTRS)
             if jsonDict.get(a) is not None and a != "label"]
    for attr in attrs:
        try:
            setattr(par, attr, _one(jsonDict[attr]))
        except (AttributeError, TypeError, ValueError):
            if not ignoreAttrErrors:
                raise
    if setValues and not par.isPulse:
        _set_value(par, jsonDict)
    return par


def _set_value(par: Par, jsonDict: Mapping[str, Any]) -> None:
    mode = str(_one(jsonDict.get("mode", "CONSTANT"))).upper()
    if mode == "EXPRESSION" and jsonDict.get("expr"):
        par.expr = _one(jsonDict["expr"])
    elif mode == "BIND" and jsonDict.get("bindExpr"):
        par.bindExpr = _one(jsonDict["bindExpr"])
    elif "val" in jsonDict:
        par.val = _one(jsonDict["val"])


def addParametersFromJSONList(comp: OP, jsonList: Iterable[Mapping[str, Any]],
                              replace: bool = True, setValues: bool = True,
                              destroyOthers: bool = False, newAtEnd: bool = True,
                              fixParNames: bool = True) -> list[Par]:
    """`addParameterFromJSONDict` for each, in order; the new parameters.

    Raises:
        ValueError: ``destroyOthers`` is True: framehost's custom parameters cannot
            be removed once made (nothing is changed).
    """
    if destroyOthers:
        raise ValueError("TDJSON: destroyOthers=True expected custom parameters that can be "
                         "removed; framehost's stay once made (replace them instead)")
    return [addParameterFromJSONDict(comp, one, replace, setValues, fixParNames=fixParNames)
            for one in jsonList]


def addParametersFromJSONDict(comp: OP, jsonDict: Mapping[str, Mapping[str, Any]],
                              replace: bool = True, setValues: bool = True,
                              destroyOthers: bool = False, newAtEnd: bool = True,
                              fixParNames: bool = True) -> list[Par]:
    """As `addParametersFromJSONList`, from ``{name: JSON parameter}`` (a page dict)."""
    return addParametersFromJSONList(comp, jsonDict.values(), replace, setValues,
                                     destroyOthers, newAtEnd, fixParNames)


def addParametersFromJSONOp(comp: OP, jsonOp: Mapping[str, Mapping[str, Mapping[str, Any]]],
                            replace: bool = True, setValues: bool = True,
                            destroyOthers: bool = False, newAtEnd: bool = True,
                            fixParNames: bool = True) -> list[Par]:
    """As `addParametersFromJSONList`, from ``{page name: page dict}`` (`opToJSONOp`)."""
    pars = [dict(par, page=par.get("page") or page_name)
            for page_name, page in jsonOp.items() for par in page.values()]
    return addParametersFromJSONList(comp, pars, replace, setValues, destroyOthers, newAtEnd,
                                     fixParNames)


td_modules.register(sys.modules[__name__])  # op.TDModules.mod.TDJSON
