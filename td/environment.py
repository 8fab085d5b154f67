"""TouchDesigner's globals, so TD and LOPs code runs unchanged wherever TD has them.

    me                       # the operator whose code is running (td.current)
    op('child'), op('/ChatTD/TDAsyncIO'), op.TDAsyncIO     # relative to me; shortcuts
    parent(), parent(2), parent.Project                   # parents; parent shortcuts
    iop.Data, ipar.Settings.Gain                          # a COMP's internal shortcuts
    ext.ChatExt              # the extension ChatExt of the nearest COMP up from me
    mod.utils.helper(), mod('../lib').x                   # a text DAT's text as a module
    absTime.frame, absTime.seconds, project.name, project.cookRate, root
    run("args[0].Refresh()", comp, delayFrames=1)         # td.runs
    debug('value', x)        # prints the values and where debug() was called

TD injects these names into every module it runs. So does framehost: importing `td`
(any part of framehost imports it) adds them to Python's builtins, so a scene file,
an extension module a scene imports, a callback DAT or a ``run()`` string sees them
with no import, exactly as in TD; a module's own names always win over builtins.
Code run from a DAT or a ``run()`` string gets them as real module globals, with
``me`` bound to that operator. `from td import *` gives them explicitly.

``me`` and ``root`` in a plain module are live references: each use resolves the
operator running now (and the current host's root; see `td.current`).
"""

from __future__ import annotations

import builtins
import difflib
import linecache
import sys
import weakref
from collections.abc import Callable, Iterator
from types import CodeType, ModuleType
from typing import Any, cast

from td import dat as _dat
from td import expressions as _expressions
from td import projects as _projects
from td import runs as _runs
from td import td_modules as _td_modules
from td.absent_families import CHOP, MAT, POP, SOP, TOP
from td.cell import Cell
from td.core import HostCore
from td.current import NoCurrentHost, call_as, current_host, current_operator
from td.dat import DAT
from td.network import OP, BaseCOMP
from td.pages import Page
from td.params import Par, ParCollection, ParMode
from td.table import TableDAT
from td.td_error import tdError
from td.text_dat import TextDAT

__all__ = [
    "NoCurrentHost",
    "NoCurrentOperator",
    "ParMode",
    "PendingRun",
    "Run",
    "absTime",
    "baseCOMP",
    "debug",
    "ext",
    "install_builtins",
    "iop",
    "ipar",
    "me",
    "mod",
    "module_of",
    "op",
    "parent",
    "project",
    "root",
    "run",
    "scene_globals",
    "tableDAT",
    "td_globals",
    "td_scope",
    "textDAT",
]

Run = _runs.Run
#: The name this module used before `run()` returned TD's Run objects.
PendingRun = _runs.Run

#: The operator families, by TD's names, for ``comp.create(tableDAT, 'name')``.
tableDAT = TableDAT
textDAT = TextDAT
baseCOMP = BaseCOMP


class NoCurrentOperator(RuntimeError):
    """A TD global that needs ``me`` ran where no operator's code is running."""


def _me(what: str, fixed: OP | None = None) -> OP:
    found = fixed if fixed is not None else current_operator()
    if not isinstance(found, OP):
        raise NoCurrentOperator(
            f"{what} needs `me`, but no operator's code is running here; call it from an "
            "operator's callback, extension, run() script or parameter expression, or ask "
            "an operator directly (comp.parent(), comp.op('child'))")
    return found


def _current() -> HostCore:
    me = current_operator()
    if isinstance(me, OP) and me.valid:
        return cast(HostCore, me.host)
    # Only HostCore registers itself with `current` (in its __init__).
    return cast(HostCore, current_host())


def _comp_of(node: OP) -> BaseCOMP:
    """The COMP whose network ``node``'s code sees: itself for a COMP, else its parent."""
    if isinstance(node, BaseCOMP):
        return node
    up = node.parent()
    return up if up is not None else node.host.root


def _upward(node: OP) -> Iterator[BaseCOMP]:
    comp: BaseCOMP | None = _comp_of(node)
    while comp is not None:
        yield comp
        comp = comp.parent()


class _Live:
    """A name that means whatever operator it resolves to *now* (``me``, ``root``).

    It forwards attribute access, calls, item access, comparison and hashing, and
    reports the resolved object's class, so ``isinstance(me, BaseCOMP)`` holds.
    """

    __slots__ = ("_label", "_resolve")

    def __init__(self, label: str, resolve: Callable[[], object]) -> None:
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_resolve", resolve)

    def _target(self) -> Any:
        return object.__getattribute__(self, "_resolve")()

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        try:
            return type(self._target())
        except RuntimeError:
            return _Live

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._target(), name, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._target()[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._target()[key] = value

    def __eq__(self, other: object) -> bool:
        other = other._target() if isinstance(other, _Live) else other
        return bool(self._target() == other)

    def __hash__(self) -> int:
        return hash(self._target())

    def __bool__(self) -> bool:
        return bool(self._target())

    def __repr__(self) -> str:
        try:
            return repr(self._target())
        except RuntimeError as exc:
            return f"<{object.__getattribute__(self, '_label')}: {exc}>"


me: Any = _Live("me", lambda: _me("me"))
def _root() -> BaseCOMP:
    return _current().root


root: Any = _Live("root", _root)


class _Finder:
    """A TD global that resolves from ``me``: the operator whose code runs now, or,
    in the globals of code that belongs to one operator (a DAT module, a ``run()``
    script, an expression), always that operator, as in TD."""

    __slots__ = ("_fixed",)

    def __init__(self, fixed: OP | None = None) -> None:
        self._fixed = fixed

    def _start(self, what: str) -> OP:
        return _me(what, self._fixed)


class OpFinder(_Finder):
    """``op``: ``op(path)`` finds an operator by path, relative to ``me`` (from the
    root when no operator's code runs), None when nothing is there; ``op.Name`` finds
    the COMP whose ``opshortcut`` is ``Name``."""

    __slots__ = ()

    def __call__(self, path: str | OP) -> OP | None:
        if isinstance(path, OP):
            return path
        me_now = self._fixed if self._fixed is not None else current_operator()
        if isinstance(me_now, OP) and me_now.valid:
            return me_now.op(path)
        return _current().root.op(path)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "TDModules":  # TD's /sys/TDModules; needs no host
            return _td_modules.TDModules
        top = _current().root
        found = top.shortcut(name)
        if found is not None:
            return found
        known = sorted(top.shortcuts())
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        raise AttributeError(
            f"op.{name}: no COMP has the global OP shortcut {name!r} (parameter "
            f"opshortcut); {hint}known shortcuts: {', '.join(known) or 'none'}")

    def __repr__(self) -> str:
        return "<op: operators by path (relative to me) or global OP shortcut>"


class ParentFinder(_Finder):
    """``parent``: ``parent(n)`` is the COMP ``n`` levels above ``me``; ``parent.Name``
    the nearest COMP at or above ``me`` whose ``parentshortcut`` is ``Name``."""

    __slots__ = ()

    def __call__(self, levels: int = 1) -> BaseCOMP | None:
        return self._start("parent()").parent(levels)

    def __getattr__(self, name: str) -> BaseCOMP:
        if name.startswith("_"):
            raise AttributeError(name)
        start = self._start(f"parent.{name}")
        node: OP | None = start
        while node is not None:
            if isinstance(node, BaseCOMP) and node.par.parentshortcut.eval() == name:
                return node
            node = node.parent()
        raise AttributeError(f"parent.{name}: no COMP at or above {start.path} has the "
                             f"parent shortcut {name!r} (parameter parentshortcut)")

    def __repr__(self) -> str:
        return "<parent: the COMPs above me, by level or parent shortcut>"


def _internal_target(finder: str, name: str, start: OP, shortcut: str, target: str,
                     meaning: str) -> OP:
    """The operator the nearest COMP at or above ``start`` whose ``shortcut`` parameter
    is ``name`` points to with its ``target`` parameter (a path inside it; the COMP
    itself when empty): what ``iop.Name`` and ``ipar.Name`` both look up."""
    for comp in _upward(start):
        if comp.par[shortcut].eval() == name:
            path = comp.par[target].eval()
            found = comp.op(path or ".")
            if found is None:
                raise AttributeError(f"{finder}.{name}: {comp.path} names {path!r} "
                                     f"{meaning}, and nothing is there")
            return found
    raise AttributeError(f"{finder}.{name}: no COMP at or above {start.path} has the "
                         f"{'internal OP' if finder == 'iop' else 'internal parameter'} "
                         f"shortcut {name!r} (parameter {shortcut})")


class InternalOpFinder(_Finder):
    """``iop.Name``: the operator a COMP at or above ``me`` names as its internal OP
    ``Name`` (parameters ``iopshortcut1`` and ``iop1``, a path inside that COMP)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> OP:
        if name.startswith("_"):
            raise AttributeError(name)
        return _internal_target("iop", name, self._start(f"iop.{name}"), "iopshortcut1",
                                "iop1", "as its internal OP")

    def __repr__(self) -> str:
        return "<iop: internal OP shortcuts of the COMPs above me>"


class InternalParFinder(_Finder):
    """``ipar.Name``: the parameters (``.par``) of the operator a COMP at or above
    ``me`` names as its internal parameters ``Name`` (``iparshortcut1``, ``ipar1``;
    the COMP itself when ``ipar1`` is empty)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> ParCollection:
        if name.startswith("_"):
            raise AttributeError(name)
        return _internal_target("ipar", name, self._start(f"ipar.{name}"), "iparshortcut1",
                                "ipar1", "for its internal parameters").par

    def __repr__(self) -> str:
        return "<ipar: internal parameter shortcuts of the COMPs above me>"


class ExtFinder(_Finder):
    """``ext.Name``: the extension ``Name`` of the nearest COMP at or above ``me``."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        start = self._start(f"ext.{name}")
        for comp in _upward(start):
            if name in comp.ext:
                return getattr(comp.ext, name)
        raise AttributeError(f"ext.{name}: no COMP at or above {start.path} has an "
                             f"extension named {name!r}")

    def __repr__(self) -> str:
        return "<ext: the extensions of the COMPs above me>"


class ModFinder(_Finder):
    """``mod.name``: the text of the DAT ``name`` (beside ``me``, else in a
    ``local/modules`` COMP at or above) as a module; ``mod('path')`` by path."""

    __slots__ = ()

    def __call__(self, path: str) -> ModuleType:
        start = self._start(f"mod({path!r})")
        dat = start.op(path)
        if dat is None:
            raise ModuleNotFoundError(f"mod({path!r}): no DAT at {path!r} from {start.path}")
        return module_of(dat)

    def __getattr__(self, name: str) -> ModuleType:
        if name.startswith("_"):
            raise AttributeError(name)
        start = self._start(f"mod.{name}")
        for comp in _upward(start):
            for path in (name, f"local/modules/{name}"):
                dat = comp.op(path)
                if dat is not None and hasattr(dat, "text"):
                    return module_of(dat)
        raise ModuleNotFoundError(f"mod.{name}: no DAT named {name!r} beside {start.path} "
                                  "or in a local/modules COMP above it")

    def __repr__(self) -> str:
        return "<mod: text DATs as modules>"


def _module_dat(start: OP, name: str) -> OP | None:
    """The text DAT ``name`` beside ``start``, else in a ``local/modules`` COMP at or
    above it: where TD looks for a DAT module (``mod.name``, ``import name``)."""
    for comp in _upward(start):
        for path in (name, f"local/modules/{name}"):
            dat = comp.op(path)
            if dat is not None and isinstance(dat, TextDAT) and dat is not start:
                return dat
    return None


def _dat_builtins(dat: OP) -> dict[str, Any]:
    """The builtins of a DAT module: Python's, with an ``__import__`` that finds DAT
    modules first, as TD's does: ``import fade`` in a DAT's code imports the text
    DAT ``fade`` beside it (or in ``local/modules`` up the tree) before anything on
    ``sys.path``. A plain copy of the builtins, so name lookups stay as fast as in
    any module; TD's globals are all in builtins before a host runs DAT code."""
    owner = weakref.ref(dat)

    def dat_import(name: str, globals: Any = None, locals: Any = None,
                   fromlist: Any = (), level: int = 0) -> ModuleType:
        importer = owner()
        if level == 0 and "." not in name and importer is not None and importer.valid:
            found = _module_dat(importer, name)
            if found is not None:
                return module_of(found)
        return builtins.__import__(name, globals, locals, fromlist, level)

    return {**builtins.__dict__, "__import__": dat_import}


class _Module:
    __slots__ = ("module", "text")

    def __init__(self, text: str, module: ModuleType) -> None:
        self.text = text
        self.module = module


_modules: weakref.WeakKeyDictionary[OP, _Module] = weakref.WeakKeyDictionary()


def module_of(dat: OP) -> ModuleType:
    """The DAT's text run as a module (TD's ``mod``), ``me`` being the DAT; run again
    only when the text changed since."""
    if isinstance(dat, TextDAT):
        dat.sync_file()  # a DAT synced to a file takes its latest text first
    text = getattr(dat, "text", None)
    if not isinstance(text, str):
        raise TypeError(f"mod: {dat.path} is a {type(dat).__name__}, which holds no text to "
                        "import; expected a text DAT")
    cached = _modules.get(dat)
    if cached is not None and cached.text == text:
        return cached.module
    try:
        # dont_inherit: TD code gets no future flags of this module (annotations are
        # evaluated, as where TD runs it, so dataclasses and typing work as there).
        code: CodeType = compile(text, f"<DAT {dat.path}>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise SyntaxError(f"mod: {dat.path} has a syntax error at line {exc.lineno}: "
                          f"{exc.msg}") from None
    # Tracebacks and inspect show the DAT's lines, as TD's textport does.
    linecache.cache[f"<DAT {dat.path}>"] = (len(text), None, text.splitlines(True),
                                            f"<DAT {dat.path}>")
    module = ModuleType(dat.name)
    module.__dict__.update(td_scope(dat))
    module.__dict__["__builtins__"] = _dat_builtins(dat)
    module.__file__ = f"<DAT {dat.path}>"
    call_as(dat, exec, code, module.__dict__)
    _modules[dat] = _Module(text, module)
    return module


def debug(*values: object) -> None:
    """Print the values and where ``debug()`` was called, as TD's textport shows."""
    caller = sys._getframe(1)
    where = f"{caller.f_code.co_filename}:{caller.f_lineno}"
    me_now = current_operator()
    if isinstance(me_now, OP):
        where = f"{me_now.path} {where}"
    print(*values, f"({where})")


class AbsTime:
    """``absTime``: the host's frame and time (TD's absolute time)."""

    __slots__ = ()

    @property
    def frame(self) -> float:
        """Frames run so far (a float, as in TD)."""
        return float(_current().frame)

    @property
    def seconds(self) -> float:
        return _current().seconds

    @property
    def step(self) -> float:
        """Frames between this frame and the last (always 1: frames are never skipped)."""
        return 1.0

    @property
    def stepSeconds(self) -> float:
        return 1.0 / _current().fps

    def __repr__(self) -> str:
        return "<absTime: the current host's frame and seconds>"


class Project:
    """``project``: ``name`` and ``folder`` of the running scene, ``cookRate`` (the
    host's fps) and ``realTime``."""

    __slots__ = ()

    @property
    def name(self) -> str:
        return _project_of(_current())[0]

    @property
    def folder(self) -> str:
        return _project_of(_current())[1]

    @property
    def cookRate(self) -> float:
        return _current().fps

    @cookRate.setter
    def cookRate(self, value: float) -> None:
        raise AttributeError(f"project.cookRate is the host's fps, fixed when the host is "
                             f"made (Host(fps=...), framehost run --fps); got {value!r}")

    @property
    def realTime(self) -> bool:
        return _current().realtime

    @realTime.setter
    def realTime(self, value: bool) -> None:
        raise AttributeError(f"project.realTime is fixed when the host is made "
                             f"(Host(realtime=...), framehost run --no-realtime); "
                             f"got {value!r}")

    def __repr__(self) -> str:
        return "<project: the running scene's name, folder, cookRate and realTime>"


def set_project(host: object, name: str, folder: str) -> None:
    """Name the scene a host runs (`project.name`, `project.folder`); the scene
    loader calls it."""
    if isinstance(host, HostCore):
        _projects.set_project(host, name, folder)


def _project_of(host: HostCore) -> tuple[str, str]:
    return _projects.project_of(host)


def run(script: str | Callable[..., object], *args: Any, delayFrames: int = 0,
        delaySeconds: float = 0, delayMilliSeconds: float = 0, delayRef: OP | None = None,
        fromOP: OP | None = None, endFrame: bool = False,
        group: str | None = None) -> Run:
    """Run a script string or a callable later, TD's way; returns the `Run`.

    A string runs as Python with ``me`` = ``fromOP`` (by default the operator whose
    code called ``run()``) and ``args``; a callable is called with ``*args`` (as
    ``fromOP``'s code when given). It runs at the start of the frame ``delayFrames``
    frames from now (0 and 1 both mean the next frame: this one has started), plus
    ``delaySeconds`` and ``delayMilliSeconds`` rounded to whole frames as TD does;
    with ``endFrame``, at the end of that frame instead (0: the end of this one).
    An exception in it is reported by the host, like any callback's.
    """
    return _runs.schedule(_current(), script, args, delayFrames=delayFrames,
                          delaySeconds=delaySeconds, delayMilliSeconds=delayMilliSeconds,
                          delayRef=delayRef, fromOP=fromOP, endFrame=endFrame, group=group)


op = OpFinder()
parent = ParentFinder()
iop = InternalOpFinder()
ipar = InternalParFinder()
ext = ExtFinder()
mod = ModFinder()
absTime = AbsTime()
project = Project()

_families: dict[str, object] = {"tableDAT": tableDAT, "textDAT": textDAT,
                                "baseCOMP": baseCOMP}

#: TD's classes by their TD names, for annotations (``-> COMP``), ``isinstance``
#: checks and ``except tdError:`` in TD code; COMP is every COMP's class here.
_CLASSES: dict[str, object] = {
    "OP": OP, "COMP": BaseCOMP, "DAT": DAT, "Par": Par, "Page": Page, "Cell": Cell,
    "tdError": tdError, "TOP": TOP, "CHOP": CHOP, "SOP": SOP, "MAT": MAT, "POP": POP}


def register_family(name: str, op_class: type[OP]) -> None:
    """Make an operator family a TD global (``textDAT``, ``executeDAT``)."""
    _families[name] = op_class
    builtins.__dict__[name] = op_class


def td_globals() -> dict[str, Any]:
    """Every TD global by name (what ``from td import *`` and builtins give)."""
    return {"op": op, "me": me, "parent": parent, "iop": iop, "ipar": ipar, "ext": ext,
            "mod": mod, "debug": debug, "absTime": absTime, "project": project,
            "root": root, "run": run, "ParMode": ParMode, "td": sys.modules["td"],
            **_CLASSES, **_families}


def td_scope(me_op: OP | None) -> dict[str, Any]:
    """The globals of code that runs as ``me_op``'s (a DAT module, a ``run()`` script,
    a parameter expression): TD's globals with ``me`` the operator itself."""
    scope = td_globals()
    scope["__builtins__"] = builtins
    if me_op is not None:
        scope.update(me=me_op, op=OpFinder(me_op), parent=ParentFinder(me_op),
                     iop=InternalOpFinder(me_op), ipar=InternalParFinder(me_op),
                     ext=ExtFinder(me_op), mod=ModFinder(me_op))
    return scope


def scene_globals() -> dict[str, Any]:
    """The names a scene file sees without importing them."""
    return td_globals()


def install_builtins() -> None:
    """Add TD's globals to Python's builtins, as TD does for every module it runs."""
    builtins.__dict__.update(td_globals())


_runs.set_scope_factory(td_scope)
_expressions.set_scope_factory(td_scope)
_dat.set_module_loader(module_of)
