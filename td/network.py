"""The operator network: operators, COMPs with children, paths and `op()` lookup.

Paths follow TouchDesigner: the root COMP is ``/``, children are ``/ChatTD/TDAsyncIO``;
``op()`` takes an absolute path or one relative to a COMP (``child``, ``../sibling``,
``./x``) and returns None when nothing is there. Every public entry point checks the
host's thread guard first, so a violation changes nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from td import expressions, op_copy
from td import storage as storage_ops
from td.current import call_as
from td.destroyed import DestroyedGuard, OperatorDestroyed
from td.extensions import Extensions, MissingAttribute
from td.op_patterns import find_children, has_wildcard, match_path
from td.pages import CustomPages, Page, matching_pars
from td.params import BuiltinPulsePar, BuiltinStrPar, Par, ParCollection, ParSpec
from td.sequences import Sequences
from td.tags import TagSet

if TYPE_CHECKING:
    from td.hooks import Hook
    from td.stats import FrameStats
    from td.thread_guard import ThreadGuard

__all__ = ["OP", "BaseCOMP", "Extensions", "OpState", "OperatorDestroyed", "OperatorHost"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: ``listener(op, handler_name, args)``: see `OP.add_listener`.
HandlerListener = Callable[["OP", str, tuple[Any, ...]], object]

OpT = TypeVar("OpT", bound="OP")

_builtin_type = type  # findChildren() takes TD's argument named ``type``


class OperatorHost(Protocol):
    """The host as an operator sees it (``op.host``): `HostCore` and `host.Host` fit it.

    The network sits below the frame loop (`HostCore` builds its root COMP from this
    module), so operators name the host through this protocol rather than importing
    `HostCore`; the import graph stays one way. Driving the host (``step``, ``run``,
    ``close``) is left out on purpose: an operator runs inside a frame, where those
    raise.
    """

    @property
    def guard(self) -> ThreadGuard: ...

    @property
    def root(self) -> BaseCOMP: ...

    @property
    def frame(self) -> int: ...

    @property
    def seconds(self) -> float: ...

    @property
    def fps(self) -> float: ...

    @property
    def realtime(self) -> bool: ...

    @property
    def closed(self) -> bool: ...

    @property
    def stats(self) -> FrameStats: ...

    def time(self) -> float: ...

    def op(self, path: str) -> OP | None: ...

    def on_cook(self, fn: Callable[[], object], *, owner: OP | None = None) -> Hook: ...

    def on_close(self, fn: Callable[[], object], *, owner: OP | None = None) -> Hook: ...

    def on_frame_start(self, fn: Callable[[Any], object]) -> Callable[[Any], object]: ...

    def on_frame_end(self, fn: Callable[[Any], object]) -> Callable[[Any], object]: ...

    def remove_callback(self, fn: Callable[[Any], object]) -> bool: ...

    def remove_hooks(self, owner: OP) -> int: ...

    def operators_destroyed(self, doomed: list[OP]) -> None: ...

    def extensions_retired(self, retired: list[object]) -> None: ...

    async def until_frame_start(self, condition: Callable[[], object]) -> None: ...

    def on_destroy(self, fn: Callable[[list[Any]], object]) -> Callable[[list[Any]], object]: ...

    def remove_destroy_listener(self, fn: Callable[[list[Any]], object]) -> bool: ...

    def report_exception(self, context: str, exc: BaseException) -> None: ...

    def report_warning(self, message: str) -> None: ...

    async def next_frame(self) -> int: ...

    def stop(self) -> None: ...


class OpState(Enum):
    """Where an operator is in its life; `OP.valid` is True only while `ALIVE`."""

    ALIVE = "alive"
    """In the network: everything works."""
    CLOSED = "closed"
    """Its host closed (or it is being destroyed): its ``onDestroy`` ran, ``valid`` is
    False, and what it held stays readable (a test reads the last table after
    ``close()``)."""
    DESTROYED = "destroyed"
    """Removed by ``destroy()``: touching it raises `OperatorDestroyed`, as in TD."""


class OpIndex:
    """The operators of one network by ``id`` (TD's ``op(id)``), shared by all of them."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._ops: dict[int, OP] = {}

    def add(self, node: OP) -> int:
        op_id = next(self._ids)
        self._ops[op_id] = node
        return op_id

    def remove(self, op_id: int) -> None:
        self._ops.pop(op_id, None)

    def get(self, op_id: int) -> OP | None:
        return self._ops.get(op_id)


class OP:
    """Base of every operator: a name, a place in the tree, parameters.

    Subclasses declare ``parameters`` (a tuple of `ParSpec`) and may define
    ``onCreate()``, ``onPulse(par)``, ``onValueChange(par, prev)`` and ``onDestroy()``.
    Create operators with ``comp.create(OpClass, name)``, never directly.
    """

    parameters: ClassVar[tuple[ParSpec, ...]] = ()
    #: TD's ``family`` ('COMP', 'DAT') and ``OPType`` ('baseCOMP', 'tableDAT').
    family: ClassVar[str] = "OP"
    OPType: ClassVar[str] = "OP"
    isCOMP: ClassVar[bool] = False
    isDAT: ClassVar[bool] = False

    def __init__(self, host: OperatorHost, parent: BaseCOMP | None, name: str) -> None:
        self._host = host
        self._guard: ThreadGuard = host.guard
        self._parent = parent
        self._name = name
        if parent is None:
            self._path = "/"
        elif parent._parent is None:
            self._path = "/" + name
        else:
            self._path = f"{parent._path}/{name}"
        self._state = OpState.ALIVE
        self._index: OpIndex = parent._index if parent is not None else OpIndex()
        self._id = self._index.add(self)
        self._storage: dict[str, Any] = {}
        self._tags = TagSet(self._path)
        self._comment = ""
        specs: dict[str, ParSpec] = {}
        for klass in reversed(type(self).__mro__):
            for spec in klass.__dict__.get("parameters", ()):
                specs[spec.name] = spec
        self._listeners: list[HandlerListener] | None = None
        self.par = ParCollection(self, list(specs.values()))
        self.ext = Extensions(self)
        self._pages = CustomPages(self)
        self._sequences: Sequences | None = None

    # -- identity ---------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        return self._path

    @property
    def host(self) -> OperatorHost:
        self._guard.check(self)
        return self._host

    @property
    def guard(self) -> ThreadGuard:
        """The host's thread guard: ``op.guard.check(obj)`` before touching host state."""
        return self._guard

    @property
    def valid(self) -> bool:
        """True while the operator is in the network (False once destroyed or closed)."""
        return self._state is OpState.ALIVE

    @property
    def id(self) -> int:
        """A number unique among the operators of this host (``op(id)`` finds it)."""
        return self._id

    @property
    def type(self) -> str:
        """TD's ``type``: the OPType without its family ('table' for a tableDAT)."""
        return self.OPType.removesuffix(self.family)

    @property
    def children(self) -> list[OP]:
        """The operators inside this one: none, but for a COMP (as in TD)."""
        self._guard.check(self)
        return []

    # -- user data: tags, comment, storage ---------------------------------------
    @property
    def tags(self) -> TagSet:
        """A set of strings to find operators by (``findChildren(tags=[...])``)."""
        self._guard.check(self)
        return self._tags

    @tags.setter
    def tags(self, tags: Iterable[str]) -> None:
        self._guard.check(self)
        self._tags = TagSet(self._path, tags)  # checked whole before it replaces

    @property
    def comment(self) -> str:
        self._guard.check(self)
        return self._comment

    @comment.setter
    def comment(self, text: str) -> None:
        self._guard.check(self)
        if not isinstance(text, str):
            raise TypeError(f"{self._path}.comment expected a string, got {text!r}")
        self._comment = text

    @property
    def storage(self) -> dict[str, Any]:
        """The operator's storage dictionary (its contents may be changed directly)."""
        self._guard.check(self)
        return self._storage

    def store(self, key: str, value: Any) -> Any:
        """Add or replace a storage entry; returns ``value``."""
        self._guard.check(self)
        return storage_ops.store(self, key, value)

    def fetch(self, key: str, default: Any = None, search: bool = True,
              storeDefault: bool = False) -> Any:
        """A storage entry of this operator or (``search``) its nearest parent that has
        it; ``default`` (None unless given) when none has, stored here too with
        ``storeDefault``."""
        self._guard.check(self)
        return storage_ops.fetch(self, self._ancestry(), key, default, search, storeDefault)

    def fetchOwner(self, key: str) -> OP | None:
        """The operator (this one or a parent) whose storage holds ``key``, or None."""
        self._guard.check(self)
        storage_ops.check_key(f"{self._path}.fetchOwner()", key)
        found = storage_ops.fetch_owner(self._ancestry(), key)
        return found if isinstance(found, OP) else None

    def unstore(self, *keys: str) -> None:
        """Remove the storage entries whose keys match (``unstore('sales*')``)."""
        self._guard.check(self)
        storage_ops.unstore(self, keys)

    def unstoreAll(self) -> None:
        self._guard.check(self)
        self._storage.clear()

    def _ancestry(self) -> Iterator[OP]:
        node: OP | None = self
        while node is not None:
            yield node
            node = node._parent

    def parent(self, levels: int = 1) -> BaseCOMP | None:
        """The COMP ``levels`` above this operator (TD's ``parent(n)``), None above root."""
        self._guard.check(self)
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
            raise ValueError(f"parent() expected a whole number of levels >= 1, got {levels!r}")
        node: OP | None = self
        for _ in range(levels):
            node = node._parent if node is not None else None
        return node  # type: ignore[return-value]

    # -- lookup -----------------------------------------------------------------
    def op(self, path: str | int) -> OP | None:
        """Find an operator by absolute path or relative to this one, by pattern (the
        first match: ``op('worker*')``) or by ``id``; None if nothing is there."""
        self._guard.check(self)
        if isinstance(path, int) and not isinstance(path, bool):
            return self._index.get(path)
        if isinstance(path, str) and has_wildcard(path):
            found = match_path(self._start(), self._host.root, path)
            return found[0] if found else None
        return _resolve(self._start(), path, self._host.root)

    def ops(self, *patterns: str | int) -> list[OP]:
        """Every operator matching any of the path patterns (relative to this one, or
        absolute) or ids, once each: ``ops('worker*', 'queue/*')``."""
        self._guard.check(self)
        found: dict[int, OP] = {}
        for pattern in patterns:
            if isinstance(pattern, int) and not isinstance(pattern, bool):
                hit = self._index.get(pattern)
                matched = [hit] if hit is not None else []
            elif isinstance(pattern, str) and pattern:
                matched = match_path(self._start(), self._host.root, pattern)
            else:
                raise TypeError(f"{self._path}.ops() expected path patterns such as "
                                f"'worker*' or operator ids, got {pattern!r}")
            for node in matched:
                found.setdefault(node._id, node)
        return list(found.values())

    def relativePath(self, target: OP) -> str:
        """The path from this operator to ``target`` that ``self.op(path)`` (and this
        operator's OP parameters) resolve back to ``target``: ``'../../effect'``."""
        self._guard.check(self)
        if not isinstance(target, OP) or target._host is not self._host:
            raise TypeError(f"{self._path}.relativePath() expected an operator of the same "
                            f"host, got {target!r}")
        start = self._start()._path.rstrip("/").split("/")
        goal = target._path.rstrip("/").split("/")
        shared = 0
        while shared < min(len(start), len(goal)) and start[shared] == goal[shared]:
            shared += 1
        steps = [".."] * (len(start) - shared) + goal[shared:]
        return "/".join(steps) or "."

    def evalExpression(self, expression: str) -> Any:
        """Evaluate a Python expression as code of this operator (TD's scope: ``me``
        is this operator, ``op()`` relative to it, ``parent()``, ``absTime``...)."""
        self._guard.check(self)
        if not isinstance(expression, str):
            raise TypeError(f"{self._path}.evalExpression() expected a Python expression "
                            f"as a string, got {expression!r}")
        try:
            code = compile(expression, f"<{self._path} evalExpression>", "eval",
                           dont_inherit=True)
        except SyntaxError as exc:
            raise ValueError(f"{self._path}.evalExpression() got {expression!r}, which is "
                             f"not a Python expression ({exc.msg})") from None
        return call_as(self, eval, code, expressions.scope_for(self))

    def _start(self) -> OP:
        """Where a relative path starts: a COMP itself, any other operator's parent."""
        return self if isinstance(self, BaseCOMP) else (self._parent or self)

    # -- parameters the TD way ----------------------------------------------------
    def pars(self, *patterns: str) -> list[Par]:
        """The parameters whose names match any pattern (``'Color*'``, ``'A* B?'``;
        several patterns may share one string, space-separated); all with none."""
        self._guard.check(self)
        return matching_pars(self.par, patterns)

    def appendCustomPage(self, name: str) -> Page:
        """The custom page ``name`` (made on first use) to append parameters to at run
        time: ``op.appendCustomPage('Config').appendFloat('Gain')``."""
        self._guard.check(self)
        return self._pages.page(name)

    @property
    def customPages(self) -> list[Page]:
        """The custom pages, in the order they were made."""
        self._guard.check(self)
        return list(self._pages.pages)

    @property
    def seq(self) -> Sequences:
        """TD's parameter sequences by name (``op.seq.Name``), made with
        ``page.appendSequence`` (see `td.sequences`)."""
        found = self._sequences
        if found is None:
            found = self._sequences = Sequences(self)
        return found

    @property
    def customPars(self) -> list[Par]:
        """The parameters appended at run time on custom pages."""
        self._guard.check(self)
        return [p for p in self.par if p.isCustom]

    if not TYPE_CHECKING:  # at run time only: mypy keeps flagging misspelled attributes
        def __getattr__(self, name: str) -> Any:
            # Called only when ordinary lookup failed, so the operator's own
            # attributes always win over promoted extension members.
            if self.__dict__.get("_state") is OpState.DESTROYED:
                self._guard.check(self)  # raises OperatorDestroyed
            extensions = self.__dict__.get("ext")
            if extensions is not None and name[:1].isupper():
                try:
                    return extensions.promoted(name)
                except AttributeError:
                    pass
            if name.startswith("_") or extensions is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute "
                                     f"{name!r}")
            raise MissingAttribute(self, name, extensions)

    # -- lifecycle hooks, overridden by subclasses --------------------------------
    def onCreate(self) -> None:
        """Called once the operator is in the tree; ``self.op()`` and ``self.host`` work."""

    def onDestroy(self) -> None:
        """Called when the operator is destroyed or its host closes."""

    def call_handler(self, handler_name: str, *args: Any) -> None:
        """Call ``self.<handler_name>(*args)``; an exception is reported, never raised.

        A faulty pulse or value-change handler must not take down the caller
        (a button click, a frame); the host logs it once and counts it.
        """
        handler = getattr(self, handler_name, None)
        if handler is not None:
            try:
                call_as(self, handler, *args)  # TD's `me` is this operator meanwhile
            except Exception as exc:
                self._host.report_exception(f"{self._path} {handler_name}{args[:1]!r}", exc)
        if self._listeners:
            for listener in tuple(self._listeners):
                try:
                    listener(self, handler_name, args)
                except Exception as exc:
                    self._host.report_exception(f"{self._path} {handler_name} listener "
                                                f"{listener!r}", exc)

    def builtin_pulsed(self, par: Par) -> None:
        """The engine's action for the built-in pulse ``par``, before ``onPulse``
        hears it (an operator with built-in pulses overrides this)."""

    def add_listener(self, listener: HandlerListener) -> None:
        """Also call ``listener(op, handler_name, args)`` after each of this operator's
        handlers (``onValueChange``, ``onPulse``...): how a Parameter Execute DAT
        watches an operator it is not part of. A fault is reported, never raised."""
        self._guard.check(self)
        if self._listeners is None:
            self._listeners = []
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, listener: HandlerListener) -> bool:
        """Stop calling ``listener``; True if it was added."""
        self._guard.check(self)
        if self._listeners and listener in self._listeners:
            self._listeners.remove(listener)
            return True
        return False

    def destroy(self) -> None:
        """Remove this operator (and its children) from the network, as TD does: their
        ``onDestroy`` handlers run, then ``valid`` is False and touching any of them
        raises `OperatorDestroyed` (destroying one again too)."""
        self._guard.check(self)
        if self._parent is None:
            raise ValueError("the root COMP '/' cannot be destroyed; close the host instead")
        doomed = list(self._subtree())
        self._parent._children.pop(self._name, None)
        if self._state is OpState.ALIVE:
            self._teardown()
        # Once per destroy, the whole subtree at once: their tasks are cancelled and
        # callbacks bound to them dropped while they can still be named (not buried).
        self._host.operators_destroyed(doomed)
        for node in doomed:
            node._bury()

    def _subtree(self) -> Iterator[OP]:
        yield self

    def _teardown(self) -> None:
        self._state = OpState.CLOSED
        self._host.remove_hooks(self)
        self.call_handler("onDestroy")

    def _bury(self) -> None:
        """The last step of ``destroy()``: every later touch raises."""
        self._state = OpState.DESTROYED
        self._index.remove(self._id)
        self._guard = DestroyedGuard(self._guard, self)
        self.par.owner_destroyed()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._path}>"

    def __rich_repr__(self) -> Iterator[Any]:
        yield self._path


class ShortcutPar(BuiltinStrPar):
    """``opshortcut``: empty, or a name by which ``op.<name>`` finds this COMP."""

    def validate(self, value: Any, where: str) -> str:
        text = super().validate(value, where)
        if text and not text.isidentifier():
            raise ValueError(f"{where} expected an empty string or a Python name such as "
                             f"'ChatTD' (it is used as op.<name>), got {value!r}")
        return text


class BaseCOMP(OP):
    """A component: an operator that holds other operators.

    A COMP can carry extensions (``comp.addExtension``) whose capitalized members
    are promoted onto it, and a global OP shortcut (parameter ``opshortcut``).
    """

    family = "COMP"
    OPType = "baseCOMP"
    isCOMP = True
    parameters: ClassVar[tuple[ParSpec, ...]] = (
        ShortcutPar("opshortcut", "", label="Global OP Shortcut",
                    help="a name by which op.<name> finds this COMP from anywhere"),
        ShortcutPar("parentshortcut", "", label="Parent Shortcut",
                    help="a name by which parent.<name> finds this COMP from inside it"),
        ShortcutPar("iopshortcut1", "", label="Internal OP Shortcut 1",
                    help="a name by which iop.<name> finds Internal OP 1 from inside"),
        BuiltinStrPar("iop1", "", label="Internal OP 1",
                      help="the path, inside this COMP, of the operator iop.<name> means"),
        ShortcutPar("iparshortcut1", "", label="Internal Par Shortcut 1",
                    help="a name by which ipar.<name> finds Internal Par OP 1's parameters"),
        BuiltinStrPar("ipar1", "", label="Internal Par OP 1",
                      help="the path of the operator whose parameters ipar.<name> means "
                           "(empty: this COMP)"),
        BuiltinPulsePar("reinitextensions", label="Re-Init Extensions",
                        help="reload the extensions' modules from their files and make "
                             "the extensions again (parameters and children stay)"),
    )

    def __init__(self, host: OperatorHost, parent: BaseCOMP | None, name: str) -> None:
        super().__init__(host, parent, name)
        self._children: dict[str, OP] = {}
        self._shortcuts: dict[str, BaseCOMP] = {}

    # -- extensions ---------------------------------------------------------------
    def addExtension(self, ext: object, name: str | None = None,
                     promote: bool = True) -> Any:
        """Attach an extension, TouchDesigner's way; returns the extension object.

        ``ext`` is a class (called as ``ext(self)``: TD's ``ownerComp`` convention) or
        an instance. It becomes ``self.ext.<name>`` (the class name by default); with
        ``promote``, its members whose names start with a capital are reachable on the
        COMP itself (``comp.Run(...)``), the COMP's own attributes winning. Its
        ``onDestroyTD()``, if any, is called when the COMP is destroyed or the host
        closes, as in TD.
        """
        self._guard.check(self)
        return self.ext.attach(ext, name, promote)

    def initializeExtensions(self) -> list[Any]:
        """Make the extensions again with their modules' new code, as TD's Re-Init
        Extensions (the ``reinitextensions`` pulse) does; the new extension objects.

        The modules of the extensions attached as classes are reloaded from their
        files (framehost's own and installed ones are not), the old objects'
        ``onDestroyTD()`` runs, the tasks they own are cancelled (a task running a
        method of one, or a coroutine function given one as its first argument, and
        the tasks those started) and the completion callbacks bound to them are
        dropped; then each class is called with the COMP again, in order. An
        extension attached as an object is kept as it is. Parameter values, storage
        and children stay.

        Raises:
            ReloadError: a module failed to reload (its file and line named) or no
                longer defines its class; nothing was changed.
            Exception: the first new constructor that raised, once the others were
                made (that extension is missing until the next re-init).
        """
        self._guard.check(self)
        return self.ext.reinit(self._host.extensions_retired, self._host.report_exception)

    def builtin_pulsed(self, par: Par) -> None:
        if par.name == "reinitextensions":
            try:
                self.initializeExtensions()
            except Exception as exc:
                self._host.report_exception(f"{self._path} par.reinitextensions", exc)

    # -- global OP shortcuts ----------------------------------------------------------
    def shortcut(self, name: str) -> BaseCOMP | None:
        """The COMP at or below this one whose ``opshortcut`` is ``name``, or None.

        Found by walking the network once, then remembered until that COMP is
        destroyed or its shortcut changes.
        """
        self._guard.check(self)
        if not isinstance(name, str):
            raise TypeError(f"shortcut() expected a shortcut name, got {name!r}")
        found = self._shortcuts.get(name)
        if found is not None and found.valid and found.par.opshortcut.eval() == name:
            return found
        self._shortcuts.pop(name, None)
        for node in self.walk():
            if isinstance(node, BaseCOMP) and node.par.opshortcut.eval() == name:
                self._shortcuts[name] = node
                return node
        return None

    def shortcuts(self) -> dict[str, BaseCOMP]:
        """Every global OP shortcut at or below this COMP (the first COMP for each)."""
        self._guard.check(self)
        found: dict[str, BaseCOMP] = {}
        for node in self.walk():
            if isinstance(node, BaseCOMP):
                found.setdefault(node.par.opshortcut.eval(), node)
        found.pop("", None)
        return found

    @property
    def children(self) -> list[OP]:
        self._guard.check(self)
        return list(self._children.values())

    def findChildren(self, type: type[OP] | None = None, path: str | None = None,
                     depth: int | None = None, maxDepth: int | None = None,
                     name: str | None = None, text: str | None = None,
                     comment: str | None = None, tags: Sequence[str] | None = None,
                     allTags: bool = False, key: Callable[[OP], object] | None = None,
                     includeUtility: bool = False) -> list[OP]:
        """Every operator below this COMP that passes all the filters given, TD's way:
        ``type`` a class (``tableDAT``, ``DAT``, ``baseCOMP``), ``name``/``path``/
        ``text``/``comment`` patterns, ``depth`` exactly (1: the children),
        ``maxDepth`` at most, ``tags`` any of them (all with ``allTags``), ``key`` a
        function returning True to keep an operator. Depth first, in creation order."""
        self._guard.check(self)
        if type is not None and not (isinstance(type, _builtin_type) and issubclass(type, OP)):
            raise TypeError(f"{self._path}.findChildren() expected type as an operator class "
                            f"such as tableDAT, DAT or baseCOMP, got {type!r}")
        return find_children(self, type=type, path=path, depth=depth, maxDepth=maxDepth,
                             name=name, text=text, comment=comment, tags=tags,
                             allTags=allTags, key=key)

    def copy(self, source: OP, name: str | None = None, includeDocked: bool = True) -> OP:
        """A copy of ``source`` made inside this COMP, TD's way: the same class, its
        parameter values and custom parameters, its table or text, storage, tags,
        comment, extensions attached as classes, and a copy of every child. ``name``
        defaults to the source's, with a number added or raised when it is taken
        (``worker1`` → ``worker2``). If any part fails, nothing is left behind."""
        self._guard.check(self)
        if not isinstance(source, OP):
            raise TypeError(f"{self._path}.copy() expected an operator to copy, "
                            f"got {source!r}")
        source._guard.check(source)
        made: OP = op_copy.copy_into(self, source, name)
        return made

    def create(self, op_class: type[OpT], name: str) -> OpT:
        """Create a child operator of ``op_class`` called ``name`` and return it."""
        self._guard.check(self)
        if isinstance(op_class, str):  # TD also takes a family's name: create('textDAT', ...)
            op_class = _family_named(op_class)  # type: ignore[assignment]
        if not (isinstance(op_class, type) and issubclass(op_class, OP)):
            raise TypeError(
                f"create() expected an operator class such as BaseCOMP or TableDAT, "
                f"got {op_class!r}"
            )
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(
                f"create() expected a name of letters, digits and underscores that does not "
                f"start with a digit, got {name!r}"
            )
        if name in self._children:
            raise ValueError(f"{self._path} already has a child named {name!r}")
        child = op_class(self._host, self, name)
        self._children[name] = child
        try:
            call_as(child, child.onCreate)
        except BaseException:
            self._children.pop(name, None)
            for node in list(child._subtree()):
                self._host.remove_hooks(node)  # hooks its onCreate registered go with it
                node._bury()
            raise
        return child

    def close_network(self) -> None:
        """Destroy the whole network below this root COMP (its ``onDestroy`` handlers
        run, its hooks go): what the host does last when it closes.

        Raises:
            ValueError: on a COMP that is not the root (use ``destroy()`` there).
        """
        if self._parent is not None:
            raise ValueError(f"close_network() is for the root COMP '/', got {self.path!r}; "
                             "destroy() removes any other operator")
        self._teardown()

    def _subtree(self) -> Iterator[OP]:
        yield self
        for child in list(self._children.values()):
            yield from child._subtree()

    def _teardown(self) -> None:
        self._state = OpState.CLOSED
        self.ext.destroyed(self._host.report_exception)  # TD's onDestroyTD()
        for child in reversed(list(self._children.values())):
            child._teardown()
        super()._teardown()  # its onDestroy can still read its children
        self._children.clear()

    def walk(self) -> Iterator[OP]:
        """This COMP and every operator below it, depth first, in creation order."""
        self._guard.check(self)
        yield self
        for child in list(self._children.values()):
            if isinstance(child, BaseCOMP):
                yield from child.walk()
            else:
                yield child


def _family_named(name: str) -> type[OP]:
    """The operator class whose ``OPType`` is ``name`` (``'textDAT'``), for
    ``create('textDAT', ...)``."""
    if name == "baseCOMP":
        return BaseCOMP
    pending: list[type[OP]] = [OP]
    known: list[str] = []
    while pending:
        klass = pending.pop()
        own = klass.__dict__.get("OPType")
        if isinstance(own, str):
            if own == name:
                return klass
            known.append(own)
        pending.extend(klass.__subclasses__())
    raise TypeError(f"create() expected an operator class or a family name such as "
                    f"'textDAT', got {name!r}; families: "
                    f"{', '.join(sorted({'baseCOMP', *known}))}")


def _resolve(start: OP, path: object, root: BaseCOMP) -> OP | None:
    if not isinstance(path, str):
        raise TypeError(f"op() expected a path string like 'child', '../sibling' or "
                        f"'/ChatTD', or an operator id, got {path!r}")
    if not path:
        raise ValueError("op() expected a path like 'child', '../sibling' or '/ChatTD', "
                         "got an empty string")
    node: OP | None = root if path.startswith("/") else start
    for part in path.split("/"):
        if node is None:
            return None
        if part in ("", "."):
            continue
        if part == "..":
            node = node._parent
        elif isinstance(node, BaseCOMP):
            node = node._children.get(part)
        else:
            return None
    return node
