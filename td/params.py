"""Typed operator parameters and pulses, declared on the operator class.

An operator class lists its parameters in ``parameters``; each instance gets live
`Par` objects reached as ``op.par.Name``. Validation happens before anything is
stored, so a rejected value leaves the old one in place. Pulses and value changes
call the owner's ``onPulse(par)`` / ``onValueChange(par, prev)`` on the main thread,
as TouchDesigner's Parameter Execute DAT does. The declarations themselves
(`FloatPar`, `MenuPar`, ...) live in `td.par_specs` and are re-exported here.
"""

from __future__ import annotations

import asyncio
import enum
import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from td import expressions
from td.current import call_as
from td.par_specs import BuiltinPulsePar as BuiltinPulsePar
from td.par_specs import BuiltinStrPar as BuiltinStrPar
from td.par_specs import COMPPar as COMPPar
from td.par_specs import DATPar as DATPar
from td.par_specs import FilePar as FilePar
from td.par_specs import FloatPar as FloatPar
from td.par_specs import FolderPar as FolderPar
from td.par_specs import IntPar as IntPar
from td.par_specs import MenuPar as MenuPar
from td.par_specs import OPPar as OPPar
from td.par_specs import ParSpec as ParSpec
from td.par_specs import PulsePar as PulsePar
from td.par_specs import PythonPar as PythonPar
from td.par_specs import SequencePar as SequencePar
from td.par_specs import StrMenuPar as StrMenuPar
from td.par_specs import StrPar as StrPar
from td.par_specs import TogglePar as TogglePar
from td.td_error import TDValueError
from td.value_like import BehavesAsValue, plain_value

if TYPE_CHECKING:
    from td._owner import ParOwner

__all__ = [
    "BuiltinStrPar",
    "COMPPar",
    "DATPar",
    "FilePar",
    "FloatPar",
    "FolderPar",
    "IntPar",
    "MenuPar",
    "OPPar",
    "Par",
    "ParCollection",
    "ParMode",
    "ParSpec",
    "PulsePar",
    "PythonPar",
    "SequencePar",
    "StrMenuPar",
    "StrPar",
    "TogglePar",
]

class ParMode(enum.Enum):
    """Where a parameter's value comes from (TD's ``ParMode``)."""

    CONSTANT = 0
    EXPRESSION = 1
    EXPORT = 2
    BIND = 3


class _Modes:
    """A parameter's expression and bind state; made the first time either is set, so
    a constant parameter carries one empty slot."""

    __slots__ = ("bind_code", "bind_expr", "busy", "code", "const", "error", "expr", "mode",
                 "scope")

    def __init__(self, const: Any) -> None:
        self.mode = ParMode.CONSTANT
        self.const = const  # the constant value, kept while another mode rules
        self.expr = ""
        self.code: Any = None
        self.bind_expr = ""
        self.bind_code: Any = None
        self.error = ""
        self.scope: dict[str, Any] | None = None
        self.busy = False


class Par(BehavesAsValue):
    """One live parameter of one operator.

    A `Par` behaves as its value, as TouchDesigner's does: ``if comp.par.Active:``,
    ``comp.par.Gain == 3``, ``comp.par.Gain * 2``, ``int(comp.par.Count)`` and
    ``f"{comp.par.Gain:.1f}"`` all use ``eval()`` (see `BehavesAsValue`).

    Its value comes from its ``mode`` (TD's `ParMode`): a constant (``par.val``), an
    expression (``par.expr``, Python evaluated in TD's scope with ``me`` its
    operator), or a bind (``par.bindExpr``, an expression giving another parameter,
    followed both ways). Expressions and binds evaluate when read and at every frame
    start, so ``onValueChange`` fires on the frame their value changes; one that
    raises keeps the last good value, and its error (``par.error``) names the
    parameter and the expression.
    """

    __slots__ = ("_custom", "_enabled", "_modes", "_owner", "_read_only", "_replaced",
                 "_spec", "_start_section", "_value", "_waiters")

    def __init__(self, owner: ParOwner, spec: ParSpec, *, custom: bool = False) -> None:
        self._owner = owner
        self._spec = spec
        self._value = spec.default
        self._custom = custom
        self._modes: _Modes | None = None
        self._read_only = False
        self._enabled = True
        self._start_section = False
        # Set when ``par.add(..., replace=True)`` put another Par in its place, or the
        # parameter was removed ("replaced", "removed"): the operator no longer has
        # this one, so it no longer hears of it.
        self._replaced = ""
        # Futures of `changed()`/`pulsed()` awaits; None while nobody waits.
        self._waiters: list[asyncio.Future[Any]] | None = None

    @property
    def name(self) -> str:
        return self._spec.name

    @property
    def label(self) -> str:
        return self._spec.label

    @label.setter
    def label(self, text: str) -> None:
        self._respec("label", _text("label", self.where, text))

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

    @default.setter
    def default(self, value: Any) -> None:
        if self.isPulse:
            raise TypeError(f"{self.where} is a pulse and has no default")
        self._respec("default", self._spec.validate(plain_value(value), self.where))

    @property
    def where(self) -> str:
        """How messages name this parameter: ``/ChatTD/TDAsyncIO par.Clearafter``."""
        return f"{self._owner.path} par.{self.name}"

    def eval(self) -> Any:
        """The current value; for an OP, COMP or DAT parameter the operator its path
        names (or None)."""
        self._owner.guard.check(self)
        modes = self._modes
        if modes is not None and modes.mode in _EVALUATED:
            self._evaluate(modes)
        spec = self._spec
        if spec.resolves:
            return spec.resolve(self._value, self._owner, self.where)
        return self._value

    @property
    def val(self) -> Any:
        """The stored value: the constant (in expression mode too, as in TD), a bound
        parameter's master's value, an OP parameter's path; `eval()` is the current,
        resolved one. Setting it makes the parameter constant (a bound one sets its
        master)."""
        self._owner.guard.check(self)
        modes = self._modes
        if modes is not None:
            if modes.mode is ParMode.BIND:
                self._evaluate(modes)
            elif modes.mode is not ParMode.CONSTANT:
                return modes.const
        return self._value

    @val.setter
    def val(self, value: Any) -> None:
        self._owner.guard.check(self)
        if self.isPulse:
            raise TypeError(f"{self.where} is a pulse and holds no value; fire it with .pulse()")
        if self._replaced:
            self._refuse_replaced()
        modes = self._modes
        if modes is not None and modes.mode is ParMode.BIND:
            target = self._bound(modes)
            target.val = value
            self._evaluate(modes)
            return
        new = self._spec.validate(plain_value(value), self.where)
        if self._spec.kind == "sequence":  # a sequence's header: its blocks follow it
            self._owner.seq.resize_from(self, new)
        if modes is not None and modes.mode is not ParMode.CONSTANT:
            modes.mode = ParMode.CONSTANT
            self._unwatch()
        self._assign(new)

    def _assign(self, new: Any) -> None:
        prev, self._value = self._value, new
        if new != prev:
            self._owner.call_handler("onValueChange", self, prev)
            if self._waiters is not None:
                self._wake(new)

    async def changed(self) -> Any:
        """Resolve on the next change of the value; the new value. Cancellable.

        The awaiting task resumes in the next drain of the loop: the same frame when
        the change is made before TDAsyncIO's cook in it, else the next frame.

        Raises:
            TypeError: a pulse has no value (await ``pulsed()``).
            OperatorDestroyed: its operator was destroyed (then, or while awaited).
        """
        self._owner.guard.check(self)
        if self.isPulse:
            raise TypeError(f"{self.where} is a pulse and holds no value; await "
                            f"par.pulsed() instead")
        return await self._waiter()

    async def pulsed(self) -> None:
        """Resolve on the next ``pulse()`` of this pulse parameter. Cancellable.

        Raises:
            TypeError: the parameter is not a pulse (await ``changed()``).
            OperatorDestroyed: its operator was destroyed (then, or while awaited).
        """
        self._owner.guard.check(self)
        if not self.isPulse:
            raise TypeError(f"{self.where} is a {self._spec.kind} parameter, not a pulse; "
                            f"await par.changed() instead")
        await self._waiter()

    def _waiter(self) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(future)
        return future

    def _fail_waiters(self) -> None:
        waiters, self._waiters = self._waiters or [], None
        try:
            self._owner.guard.check(self)  # a destroyed owner's guard says so
        except RuntimeError as exc:
            gone: RuntimeError = exc
        else:
            gone = RuntimeError(f"{self.where} can no longer change")
        for future in waiters:
            if not future.done():
                future.set_exception(gone)

    def _wake(self, value: Any) -> None:
        waiters, self._waiters = self._waiters or [], None
        for future in waiters:
            if not future.done():  # a cancelled await is forgotten here
                future.set_result(value)

    # -- modes: constant, expression, export, bind --------------------------------------
    @property
    def mode(self) -> ParMode:
        """Where the value comes from: `ParMode.CONSTANT`, ``EXPRESSION``, ``EXPORT``
        (nothing exports here: it holds its value) or ``BIND``."""
        modes = self._modes
        return ParMode.CONSTANT if modes is None else modes.mode

    @mode.setter
    def mode(self, mode: ParMode) -> None:
        self._owner.guard.check(self)
        if not isinstance(mode, ParMode):
            raise ValueError(f"{self.where}.mode expected a ParMode (ParMode.CONSTANT, "
                             f"EXPRESSION, EXPORT or BIND), got {mode!r}")
        if self.isPulse:
            raise TypeError(f"{self.where} is a pulse: it has no modes")
        modes = self._modes_made()
        if mode is modes.mode:
            return
        if modes.mode is ParMode.CONSTANT:
            modes.const = self._value
        modes.mode = mode
        if mode in _EVALUATED:
            self._watch()
            self._evaluate(modes)
        else:
            self._unwatch()
            if mode is ParMode.CONSTANT:
                self._assign(modes.const)

    @property
    def expr(self) -> str:
        """The expression (its text); setting it puts the parameter in expression mode."""
        modes = self._modes
        return "" if modes is None else modes.expr

    @expr.setter
    def expr(self, text: str) -> None:
        self._owner.guard.check(self)
        code = self._compile(text, "expression")
        modes = self._modes_made()
        modes.expr, modes.code = text, code
        self.mode = ParMode.EXPRESSION
        modes.error = ""
        self._evaluate(modes)

    @property
    def bindExpr(self) -> str:
        """An expression giving the parameter this one is bound to (``"op('a').par.X"``);
        setting it puts the parameter in bind mode: it reads that parameter's value,
        and setting it sets that parameter."""
        modes = self._modes
        return "" if modes is None else modes.bind_expr

    @bindExpr.setter
    def bindExpr(self, text: str) -> None:
        self._owner.guard.check(self)
        code = self._compile(text, "bind expression")
        modes = self._modes_made()
        modes.bind_expr, modes.bind_code = text, code
        self.mode = ParMode.BIND
        modes.error = ""
        self._evaluate(modes)

    @property
    def error(self) -> str:
        """Why the expression or bind did not give a value last time ("" when it did)."""
        modes = self._modes
        return "" if modes is None else modes.error

    def refresh(self) -> bool:
        """Re-evaluate an expression or bind now (the host's expression watch calls it
        each frame); False once the parameter has nothing to evaluate."""
        modes = self._modes
        if modes is None or modes.mode not in _EVALUATED or not self._owner.valid:
            return False
        self._evaluate(modes)
        return True

    def take_modes(self, source: Par) -> None:
        """Give this parameter ``source``'s modes: its constant, its expression and
        bind expression (the text, evaluated here with ``me`` this parameter's
        operator) and the mode that rules; what ``comp.copy`` carries, as TD's does."""
        self._owner.guard.check(self)
        theirs = source._modes
        if theirs is None or self.isPulse:
            return
        self.val = theirs.const
        mine = self._modes_made()
        mine.expr, mine.code = theirs.expr, theirs.code
        mine.bind_expr, mine.bind_code = theirs.bind_expr, theirs.bind_code
        self.mode = theirs.mode

    def _modes_made(self) -> _Modes:
        if self._modes is None:
            self._modes = _Modes(self._value)
        return self._modes

    def _compile(self, text: object, what: str) -> Any:
        if self.isPulse:
            raise TypeError(f"{self.where} is a pulse: it takes no {what}")
        if not isinstance(text, str):
            raise ValueError(f"{self.where} expected a Python {what} as a string, "
                             f"got {text!r}")
        try:
            return compile(text, f"<{self.where} {what}>", "eval")
        except SyntaxError as exc:
            raise ValueError(f"{self.where} {what} {text!r} is not a Python expression "
                             f"({exc.msg}); the parameter is unchanged") from None

    def _watch(self) -> None:
        expressions.watch_for(self._owner.host).add(self)

    def _unwatch(self) -> None:
        expressions.watch_for(self._owner.host).discard(self)

    def _bound(self, modes: _Modes) -> Par:
        if modes.scope is None:
            modes.scope = expressions.scope_for(self._owner)
        target = call_as(self._owner, eval, modes.bind_code, modes.scope)
        if not isinstance(target, Par):
            raise TypeError(f"the bind expression gave {target!r}, not a parameter")
        if target is self:
            raise ValueError("the bind expression gave the parameter itself")
        return target

    def _evaluate(self, modes: _Modes) -> None:
        if modes.busy:  # an expression that reads its own parameter: the last value
            return
        is_bind = modes.mode is ParMode.BIND
        code = modes.bind_code if is_bind else modes.code
        if code is None:
            return
        modes.busy = True
        try:
            if is_bind:
                result = self._bound(modes).eval()
            else:
                if modes.scope is None:
                    modes.scope = expressions.scope_for(self._owner)
                result = call_as(self._owner, eval, code, modes.scope)
            new = self._spec.validate(self._coerce(plain_value(result)), self.where)
        except Exception as exc:
            if not self._owner.valid:  # the expression destroyed its own operator
                return
            text = modes.bind_expr if is_bind else modes.expr
            what = "bind expression" if is_bind else "expression"
            error = (f"{self.where} {what} {text!r} raised {type(exc).__name__}: {exc}; "
                     f"it keeps its last value {self._value!r}")
            if error != modes.error:  # once per new error, not every frame
                modes.error = error
                self._owner.host.report_exception(f"{self.where} {what} {text!r}", exc)
            return
        finally:
            modes.busy = False
        if not self._owner.valid:  # it did so and gave a value: nobody is left to hear it
            return
        modes.error = ""
        self._assign(new)

    def _coerce(self, result: Any) -> Any:
        """An expression's result as the kind takes it, as TD casts: text for strings,
        a number's truth for toggles, a whole float for integers."""
        kind = self._spec.kind
        if self._spec.resolves and isinstance(getattr(result, "path", None), str):
            return result.path  # an OP parameter stores the path of the operator given
        if (kind == "menu" or isinstance(self._spec, StrPar)) and not isinstance(result, str):
            return "" if result is None else str(result)
        if kind == "toggle" and isinstance(result, int | float) and not isinstance(result, bool):
            return bool(result)
        if kind == "int" and isinstance(result, float) and result.is_integer():
            return int(result)
        return result

    def pulse(self) -> None:
        """Fire a pulse parameter: calls ``owner.onPulse(par)`` now, on the main thread."""
        self._owner.guard.check(self)
        if not self.isPulse:
            raise TypeError(f"{self.where} is a {self._spec.kind} parameter, not a pulse; "
                            "assign a value instead")
        if self._replaced:
            self._refuse_replaced()
        if self._spec.builtin:
            self._owner.builtin_pulsed(self)
        self._owner.call_handler("onPulse", self)
        if self._waiters is not None:
            self._wake(None)

    def _refuse_replaced(self) -> None:
        if self._replaced == "removed":
            raise RuntimeError(f"{self.where} was removed (its sequence block went); the "
                               f"operator has no such parameter now")
        raise RuntimeError(f"{self.where} was replaced; use the operator's par.{self.name} "
                           f"now")

    def retire(self, why: str = "replaced") -> None:
        """This Par was replaced by another of its name (or removed): writes and
        pulses now raise."""
        self._replaced = why

    # -- menus --------------------------------------------------------------------
    @property
    def menuNames(self) -> list[str]:
        """A menu's (or StrMenu's) item names; an empty list for any other kind, as in TD."""
        self._owner.guard.check(self)
        spec = self._spec
        return list(spec.items) if isinstance(spec, MenuPar | StrMenuPar) else []

    @menuNames.setter
    def menuNames(self, names: Sequence[str]) -> None:
        self._set_menu(names, None)

    @property
    def menuLabels(self) -> list[str]:
        """A menu's item labels, in the order of `menuNames` (empty for other kinds)."""
        self._owner.guard.check(self)
        spec = self._spec
        return list(spec.labels) if isinstance(spec, MenuPar | StrMenuPar) else []

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
        if not isinstance(spec, MenuPar | StrMenuPar):
            raise TypeError(f"{self.where} is a {spec.kind} parameter, not a menu")
        if not self._custom:
            raise TypeError(f"{self.where} is declared by its class, so its items are fixed; "
                            "menus appended with page.appendMenu() can change theirs")
        fresh = spec.with_items(names, labels)
        self._spec = fresh
        if isinstance(fresh, MenuPar) and self._value not in fresh.items:
            self._assign(fresh.default)  # the value is gone: the first item, and say so

    # -- attributes TD code sets on custom parameters ------------------------------------
    @property
    def style(self) -> str:
        """TD's style: 'Float', 'Int', 'Toggle', 'Str', 'Menu', 'StrMenu', 'File',
        'Folder', 'Python', 'OP', 'COMP', 'DAT' or 'Pulse'."""
        return self._spec.style

    @property
    def isNumber(self) -> bool:
        return self._spec.kind in ("float", "int")

    @property
    def isFloat(self) -> bool:
        return self._spec.kind == "float"

    @property
    def isInt(self) -> bool:
        return self._spec.kind == "int"

    @property
    def isToggle(self) -> bool:
        return self._spec.kind == "toggle"

    @property
    def isString(self) -> bool:
        return isinstance(self._spec, StrPar)

    @property
    def isOP(self) -> bool:
        return isinstance(self._spec, OPPar)

    @property
    def isPython(self) -> bool:
        return self._spec.kind == "python"

    @property
    def isSequence(self) -> bool:
        """True for a sequence's header parameter (its value the block count)."""
        return self._spec.kind == "sequence"

    @property
    def sequence(self) -> Any:
        """The sequence (``op.seq.Name``) this parameter heads or is in a block of, or
        None (TD's ``par.sequence``)."""
        return self._owner.seq.sequence_of(self)

    @property
    def sequenceBlock(self) -> Any:
        """The sequence block this parameter is in, or None (``block.par.name`` gives
        its siblings)."""
        return self._owner.seq.block_of(self)

    @property
    def help(self) -> str:
        return self._spec.help

    @help.setter
    def help(self, text: str) -> None:
        self._respec("help", _text("help", self.where, text))

    @property
    def min(self) -> Any:
        """The lower end (with ``clampMin``, values below it become it); None for a
        parameter that is not a number."""
        return getattr(self._spec, "min", None)

    @min.setter
    def min(self, value: float) -> None:
        self._respec("min", self._number("min", value))

    @property
    def max(self) -> Any:
        return getattr(self._spec, "max", None)

    @max.setter
    def max(self, value: float) -> None:
        self._respec("max", self._number("max", value))

    @property
    def normMin(self) -> Any:
        """The slider's lower end (what a view offers; it limits nothing)."""
        return getattr(self._spec, "normMin", None)

    @normMin.setter
    def normMin(self, value: float) -> None:
        self._respec("normMin", self._number("normMin", value))

    @property
    def normMax(self) -> Any:
        return getattr(self._spec, "normMax", None)

    @normMax.setter
    def normMax(self, value: float) -> None:
        self._respec("normMax", self._number("normMax", value))

    @property
    def clampMin(self) -> bool:
        return bool(getattr(self._spec, "clampMin", False))

    @clampMin.setter
    def clampMin(self, on: bool) -> None:
        self._number("clampMin", 0)
        self._respec("clampMin", _flag("clampMin", self.where, on))

    @property
    def clampMax(self) -> bool:
        return bool(getattr(self._spec, "clampMax", False))

    @clampMax.setter
    def clampMax(self, on: bool) -> None:
        self._number("clampMax", 0)
        self._respec("clampMax", _flag("clampMax", self.where, on))

    @property
    def readOnly(self) -> bool:
        """TD's read-only flag: views refuse to edit the parameter; code still sets it
        (TD: "cannot be modified through the UI, only scripting")."""
        return self._read_only

    @readOnly.setter
    def readOnly(self, on: bool) -> None:
        self._owner.guard.check(self)
        self._read_only = _flag("readOnly", self.where, on)

    @property
    def enable(self) -> bool:
        """TD's enable state: a disabled parameter is greyed out in a view; its value
        still reads and writes."""
        return self._enabled

    @enable.setter
    def enable(self, on: bool) -> None:
        self._owner.guard.check(self)
        self._enabled = _flag("enable", self.where, on)

    @property
    def startSection(self) -> bool:
        """TD's section line above the parameter on its page; a view may draw it,
        nothing else reads it."""
        return self._start_section

    @startSection.setter
    def startSection(self, on: bool) -> None:
        self._owner.guard.check(self)
        self._start_section = _flag("startSection", self.where, on)

    def _number(self, attr: str, value: object) -> float:
        if not isinstance(self._spec, FloatPar | IntPar):
            raise TypeError(f"{self.where} is a {self._spec.kind} parameter; {attr} is for "
                            "Float and Int parameters")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value):
            raise TypeError(f"{self.where}.{attr} expected a finite number, got {value!r}")
        return value

    def _respec(self, attr: str, value: Any) -> None:
        """Set a declaration attribute of a custom parameter: on a copy of its spec,
        which replaces it only once the current value is known to fit (a newly
        clamped end brings the value to it, firing ``onValueChange``)."""
        self._owner.guard.check(self)
        if not self._custom:
            raise TypeError(f"{self.where} is declared by its class, so its {attr} is fixed; "
                            "parameters appended with page.append*() can change theirs")
        twin = self._spec.clone()
        setattr(twin, attr, value)
        current = self._value
        if not self.isPulse:
            try:
                current = twin.validate(current, self.where)
            except ValueError as exc:
                raise ValueError(f"{self.where}.{attr} = {value!r} would refuse its current "
                                 f"value ({exc}); change the value first") from None
        self._spec = twin
        if current != self._value:
            self._assign(current)

    def __repr__(self) -> str:
        return f"<Par {self.where}>"


_EVALUATED = (ParMode.EXPRESSION, ParMode.BIND)


def _flag(attr: str, where: str, on: object) -> bool:
    if not isinstance(on, bool | int) or on not in (0, 1):
        raise TypeError(f"{where}.{attr} expected True or False, got {on!r}")
    return bool(on)


def _text(attr: str, where: str, text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{where}.{attr} expected a string, got {text!r}")
    return text


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
        self.check_addable(spec, replace=replace)
        # A copy: the parameter's attributes (label, default, range...) are its own.
        par = Par(self._owner, spec.clone(), custom=True)
        old = self._pars.get(spec.name)
        self._pars[spec.name] = par
        if old is not None:
            old.retire()
        return par

    def check_addable(self, spec: ParSpec, *, replace: bool = False) -> None:
        """Raise what `add` would raise for ``spec``, changing nothing."""
        self._owner.guard.check(self)
        if not isinstance(spec, ParSpec):
            raise TypeError(f"par.add() expected a parameter declaration such as "
                            f"FloatPar('Gain'), got {spec!r}")
        old = self._pars.get(spec.name)
        if old is not None and not (replace and old.isCustom):
            why = ("it was appended without replace=True" if old.isCustom
                   else "it is declared by the operator's class")
            raise TDValueError(f"{self._owner.path} already has a parameter {spec.name!r} "
                               f"({why})")

    def rename(self, name: str, new: str) -> Par:
        """Give the custom parameter ``name`` the name ``new`` (its value, label and
        handlers kept): how a sequence takes a parameter into its block."""
        self._owner.guard.check(self)
        par = self[name]
        if new != name:
            if new in self._pars:
                raise ValueError(f"{self._owner.path} already has a parameter {new!r}")
            par._spec = par._spec.clone(new, par.label)
            object.__setattr__(self, "_pars", {new if n == name else n: p
                                               for n, p in self._pars.items()})
        return par

    def remove(self, name: str) -> None:
        """Remove the custom parameter ``name`` (a sequence block going); a `Par` kept
        for it refuses writes from then on."""
        self._owner.guard.check(self)
        par = self[name]
        if not par.isCustom:
            raise TypeError(f"{par.where} is declared by its class and cannot be removed")
        del self._pars[name]
        par.retire("removed")

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

    def owner_destroyed(self) -> None:
        """The operator was destroyed: every ``changed()``/``pulsed()`` await of its
        parameters raises `OperatorDestroyed` (no change can come any more, and a
        task left waiting would stay running for ever)."""
        for par in self._pars.values():
            if par._waiters is not None:
                par._fail_waiters()

    def __contains__(self, name: object) -> bool:
        return name in self._pars

    def __dir__(self) -> list[str]:
        return list(self._pars)

    def __repr__(self) -> str:
        return f"<ParCollection of {self._owner.path}>"
