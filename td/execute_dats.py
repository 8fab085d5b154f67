"""TD's callback DATs: code reacts to frames, parameters and tables without
subclassing anything, as in TouchDesigner.

    ex = comp.create(executeDAT, 'frames')
    ex.text = "def onFrameStart(frame):\\n    parent().Tick(frame)\\n"
    ex.par.framestart = True                     # TD's toggles: off until switched on

    pe = comp.create(parameterexecuteDAT, 'pars')
    pe.par.ops = '/comp'                         # paths; relative ones from the DAT
    pe.text = "def onValueChange(par, prev):\\n    debug(par.name, prev, par.eval())\\n"

    de = comp.create(datexecuteDAT, 'tables')
    de.par.dats = 'scores'
    de.text = "def onTableChange(dat):\\n    parent().Rescore()\\n"

Each is a text DAT whose text is a module of callbacks named as TD names them,
``me`` being the DAT (`td.environment.module_of`: compiled again only when the text
changes); with ``par.file`` set, the text is read from that file whenever the file
changes (TD's Sync to File). A callback that raises is reported by the host and
harms nothing else; so is a module that does not compile (once per change).

- Execute DAT: ``onStart()`` (the host's first frame, for a DAT made before it),
  ``onCreate()`` (the first frame after the DAT is made), ``onFrameStart(frame)``,
  ``onFrameEnd(frame)``, ``onExit()`` (the host closes); toggles ``start``,
  ``create``, ``framestart``, ``frameend``, ``exit``.
- Parameter Execute DAT: ``onValueChange(par, prev)``, ``onPulse(par)``,
  ``onValuesChanged(changes)`` (the frame's changes, at its end) for the parameters
  of the operators in ``ops`` whose names match ``pars``; toggles ``valuechange``,
  ``onpulse``, ``custom`` (capitalized parameters), ``builtin`` (lower-case ones).
- DAT Execute DAT: ``onTableChange(dat)`` at the end of a frame in which a DAT in
  ``dats`` changed (its ``version`` moved); toggle ``tablechange``.

Per frame each DAT pays for its own callbacks and, for the DAT Execute DAT, one
version read per watched DAT; parameter changes arrive as they happen.
"""

from __future__ import annotations

import fnmatch
from types import ModuleType
from typing import Any, ClassVar, NamedTuple

from td.current import call_as
from td.environment import module_of, register_family
from td.network import OP, BaseCOMP, OperatorHost
from td.params import BuiltinStrPar, Par, ParSpec, TogglePar
from td.text_dat import TextDAT

__all__ = ["CallbackDAT", "Change", "DATExecuteDAT", "ExecuteDAT", "ParameterExecuteDAT"]


class _Switch(TogglePar):
    """A built-in (lower-case) toggle, as TD's callback DATs have."""

    builtin = True


class Change(NamedTuple):
    """One parameter change, as ``onValuesChanged(changes)`` gets them."""

    par: Par
    prev: Any


class CallbackDAT(TextDAT):
    """A text DAT whose text (or ``file``) is a module of TD callbacks."""

    parameters: ClassVar[tuple[ParSpec, ...]] = (
        _Switch("active", True, label="Active", help="off: no callback runs"),
    )

    def __init__(self, host: OperatorHost, parent: BaseCOMP | None, name: str) -> None:
        super().__init__(host, parent, name)
        self._load_error = ""

    def callbacks(self) -> ModuleType | None:
        """The callbacks module (the file read again first if it changed), or None
        when there is no text or it does not compile (reported once per change)."""
        text = self.text  # a text DAT reads its file again first when it changed
        if not text.strip():
            return None
        try:
            module = module_of(self)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if error != self._load_error:
                self._load_error = error
                self.host.report_exception(f"{self.path} callbacks", exc)
            return None
        self._load_error = ""
        return module

    def run_callback(self, name: str, *args: Any) -> Any:
        """Call the callback ``name`` with ``args`` as this DAT's code (TD's ``me``);
        None when it is not defined or the DAT is not active."""
        if not self.par.active.eval():
            return None
        module = self.callbacks()
        fn = getattr(module, name, None) if module is not None else None
        if not callable(fn):
            return None
        try:
            return call_as(self, fn, *args)
        except Exception as exc:
            self.host.report_exception(f"{self.path} {name}()", exc)
            return None


class ExecuteDAT(CallbackDAT):
    """TD's Execute DAT: frame, start, create and exit callbacks."""

    OPType: ClassVar[str] = "executeDAT"
    parameters: ClassVar[tuple[ParSpec, ...]] = (
        _Switch("start", False, label="Start", help="call onStart() on the first frame"),
        _Switch("create", False, label="Create",
                help="call onCreate() on the first frame after this DAT is made"),
        _Switch("exit", False, label="Exit", help="call onExit() when the host closes"),
        _Switch("framestart", False, label="Frame Start",
                help="call onFrameStart(frame) at the start of every frame"),
        _Switch("frameend", False, label="Frame End",
                help="call onFrameEnd(frame) at the end of every frame"),
    )

    def onCreate(self) -> None:
        host = self.host
        self._pending_create = True
        self._pending_start = host.frame == 0
        host.on_frame_start(self._frame_started)
        host.on_frame_end(self._frame_ended)
        host.on_close(self._closing, owner=self)

    def onDestroy(self) -> None:
        self.host.remove_callback(self._frame_started)
        self.host.remove_callback(self._frame_ended)

    def _frame_started(self, host: Any) -> None:
        if self._pending_start:
            self._pending_start = False
            if self.par.start.eval():
                self.run_callback("onStart")
        if self._pending_create:
            self._pending_create = False
            if self.par.create.eval():
                self.run_callback("onCreate")
        if self.par.framestart.eval():
            self.run_callback("onFrameStart", host.frame)

    def _frame_ended(self, host: Any) -> None:
        if self.par.frameend.eval():
            self.run_callback("onFrameEnd", host.frame)

    def _closing(self) -> None:
        if self.par.exit.eval():
            self.run_callback("onExit")


class _Watching(CallbackDAT):
    """A callback DAT that watches operators named by paths in one parameter."""

    _paths_par: ClassVar[str] = ""

    def onCreate(self) -> None:
        self._watched: dict[int, OP] = {}
        self._unresolved = False
        self.host.on_frame_end(self._frame_ended)

    def onDestroy(self) -> None:
        self.host.remove_callback(self._frame_ended)
        self._unwatch_all()

    def onValueChange(self, par: Par, prev: Any) -> None:
        if par.name == self._paths_par:
            self._resolve()

    @property
    def watched(self) -> list[OP]:
        """The operators watched now."""
        return list(self._watched.values())

    def _resolve(self) -> None:
        self._unwatch_all()
        self._unresolved = False
        for path in self.par[self._paths_par].eval().split():
            found = self.op(path)
            if found is None or not found.valid:
                self._unresolved = True  # made later: looked for again each frame end
                continue
            self._watched[id(found)] = found
            self._watch(found)

    def _unwatch_all(self) -> None:
        for watched in self._watched.values():
            if watched.valid:
                self._unwatch(watched)
        self._watched.clear()

    def _watch(self, target: OP) -> None:
        raise NotImplementedError

    def _unwatch(self, target: OP) -> None:
        raise NotImplementedError

    def _frame_ended(self, host: Any) -> None:
        if self._unresolved or any(not w.valid for w in self._watched.values()):
            self._resolve()


class ParameterExecuteDAT(_Watching):
    """TD's Parameter Execute DAT: parameter changes and pulses of chosen operators."""

    OPType: ClassVar[str] = "parameterexecuteDAT"
    _paths_par = "ops"
    parameters: ClassVar[tuple[ParSpec, ...]] = (
        BuiltinStrPar("ops", "", label="OPs",
                      help="paths (from this DAT, space-separated) of the operators watched"),
        BuiltinStrPar("pars", "*", label="Parameters",
                      help="name patterns of the parameters watched, space-separated"),
        _Switch("custom", True, label="Custom", help="watch capitalized parameters"),
        _Switch("builtin", False, label="Built-In", help="watch lower-case parameters"),
        _Switch("valuechange", True, label="Value Change",
                help="call onValueChange(par, prev) and onValuesChanged(changes)"),
        _Switch("onpulse", True, label="On Pulse", help="call onPulse(par)"),
    )

    def onCreate(self) -> None:
        self._changes: list[Change] = []
        super().onCreate()

    def _watch(self, target: OP) -> None:
        target.add_listener(self._heard)

    def _unwatch(self, target: OP) -> None:
        target.remove_listener(self._heard)

    def _heard(self, target: OP, handler: str, args: tuple[Any, ...]) -> None:
        if handler == "onValueChange" and self.par.valuechange.eval():
            par, prev = args
            if self._matches(par):
                self._changes.append(Change(par, prev))
                self.run_callback("onValueChange", par, prev)
        elif handler == "onPulse" and self.par.onpulse.eval():
            par = args[0]
            if self._matches(par):
                self.run_callback("onPulse", par)

    def _matches(self, par: Par) -> bool:
        builtin = par.spec.builtin
        if (builtin and not self.par.builtin.eval()) or (
                not builtin and not self.par.custom.eval()):
            return False
        return any(fnmatch.fnmatchcase(par.name, pattern)
                   for pattern in self.par.pars.eval().split())

    def _frame_ended(self, host: Any) -> None:
        super()._frame_ended(host)
        if self._changes:
            changes, self._changes = self._changes, []
            self.run_callback("onValuesChanged", changes)


class DATExecuteDAT(_Watching):
    """TD's DAT Execute DAT: ``onTableChange(dat)`` when a watched DAT changed."""

    OPType: ClassVar[str] = "datexecuteDAT"
    _paths_par = "dats"
    parameters: ClassVar[tuple[ParSpec, ...]] = (
        BuiltinStrPar("dats", "", label="DATs",
                      help="paths (from this DAT, space-separated) of the DATs watched"),
        _Switch("tablechange", True, label="Table Change", help="call onTableChange(dat)"),
    )

    def onCreate(self) -> None:
        self._seen: dict[int, int] = {}
        super().onCreate()

    def _watch(self, target: OP) -> None:
        version = getattr(target, "version", None)
        if not isinstance(version, int):
            raise TypeError(f"{self.path} par.dats names {target.path}, a "
                            f"{type(target).__name__}; expected DATs")
        self._seen[id(target)] = version

    def _unwatch(self, target: OP) -> None:
        self._seen.pop(id(target), None)

    def _frame_ended(self, host: Any) -> None:
        super()._frame_ended(host)
        for key, dat in list(self._watched.items()):
            version: int = getattr(dat, "version", 0)
            if self._seen.get(key) != version:
                self._seen[key] = version
                if self.par.tablechange.eval():
                    self.run_callback("onTableChange", dat)


executeDAT = ExecuteDAT
parameterexecuteDAT = ParameterExecuteDAT
datexecuteDAT = DATExecuteDAT
_FAMILIES: dict[str, type[OP]] = {
    "executeDAT": ExecuteDAT, "parameterexecuteDAT": ParameterExecuteDAT,
    "datexecuteDAT": DATExecuteDAT}
for _name, _family in _FAMILIES.items():
    register_family(_name, _family)
