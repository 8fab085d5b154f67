"""The framehost-only idioms in operator code: what would behave differently, or fail,
once the code is moved into TouchDesigner and runs on LOPs's TDAsyncIO.

`check_source` reads a file with `ast` (nothing is imported or run) and returns one
`Finding` per idiom, each naming what differs there and the form that behaves the
same in both. The rules follow the differences `Host(profile="lops")` reproduces
(docs/api.md, "Profiles"); `RULES` is their catalogue, one entry per code. It is a
reader of code, so it errs on the side of a line worth a look: a comparison of some
other ``.status`` with ``'completed'`` is flagged too. A line that means it says
so: ``# framehost: allow FH503`` (the codes it allows) keeps its findings quiet.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["RULES", "Finding", "Rule", "check_source"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One framehost-only idiom: what differs in TouchDesigner, and the portable form."""

    code: str
    differs: str
    portable: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One place in one file where a rule applies."""

    path: str
    line: int
    col: int
    rule: Rule

    def __str__(self) -> str:
        return (f"{self.path}:{self.line}:{self.col}: {self.rule.code} {self.rule.differs}; "
                f"portable: {self.rule.portable}")


def _rule(code: str, differs: str, portable: str) -> Rule:
    return Rule(code, differs, portable)


RULES: dict[str, Rule] = {rule.code: rule for rule in (
    _rule("FH101", "GetTaskInfo()['status'] is a plain str in LOPs: .value, .name and the "
                   "is_finished/is_active properties raise AttributeError",
          "compare it to a string: info['status'] == 'completed'"),
    _rule("FH102", "GetTaskInfo()['status'] is a plain str in LOPs, never equal to a "
                   "TaskStatus member",
          "compare it to a string: info['status'] == 'completed'"),
    _rule("FH103", "a task's .status is LOPs's plain Enum: comparing it with a string is "
                   "always False there",
          "task.status.value == 'completed', or task.status == GetTaskStatus().COMPLETED"),
    _rule("FH104", "is_finished/is_active are framehost's; LOPs's TaskStatus has no such "
                   "property",
          "task.status.value in ('completed', 'failed', 'cancelled', 'timeout')"),
    _rule("FH201", "Run() with several coroutines returns only the last id in LOPs, not a "
                   "list",
          "call Run() once per coroutine and keep each id"),
    _rule("FH202", "Run([]) returns None in LOPs (framehost raises ValueError)",
          "skip the call when there is nothing to run"),
    _rule("FH203", "task ids start at 0 in LOPs: the first task's id is falsy",
          "if task_id is not None:"),
    _rule("FH204", "Cancelactive(), Clearfinished() and Clearall() return None in LOPs",
          "count first: GetActiveTasksCount() or len(GetAllTasksInfo())"),
    _rule("FH301", "LOPs calls a completion callback only when the task completed or "
                   "failed; cancelled and timed-out tasks never reach it",
          "handle cancel where you call CancelTask(), and timeouts by polling "
          "GetTaskInfo(task_id)['status']"),
    _rule("FH302", "a completion callback gets LOPs's AsyncIOTask there: no duration, "
                   "exception, [key] or .get()",
          "task.task_id, status, description, info, result, error, created_at, "
          "completed_at, timeout, coroutine, task, completion_callback"),
    _rule("FH401", "TouchDesigner operators are not Python classes: a subclass's "
                   "parameters, onCreate and onPulse never run there",
          "an extension class (def __init__(self, ownerComp)) added with addExtension, "
          "custom parameters from appendCustomPage, pulses in a Parameter Execute DAT's "
          "onPulse"),
    _rule("FH501", "host is framehost's own package; TouchDesigner has no such module",
          "TD's globals (op, run, tableDAT, baseCOMP, me, parent) need no import; "
          "or: from td import *"),
    _rule("FH502", "operators is framehost's own package; LOPs ships DotLOPUtils as a module",
          "from dot_lop_utils import DotLOPUtils"),
    _rule("FH503", "asyncio_comp is framehost's own package; TouchDesigner has no such module",
          "the component's methods: op.TDAsyncIO.GetTaskStatus(), op.TDAsyncIO.Run(...)"),
    _rule("FH601", "op.fetch(key) with no default tested for None: it gives None here for "
                   "a missing key, TouchDesigner raises an error",
          "pass the default: op.fetch(key, None)"),
)}

_STATUS_VALUES = frozenset({"pending", "running", "completed", "failed", "cancelled", "timeout"})
_STATUS_MEMBERS = frozenset(value.upper() for value in _STATUS_VALUES)
_ENDINGS_NOT_CALLED = frozenset({"cancelled", "timeout"})
_RUN_NAMES = frozenset({"Run", "run_async_task"})
_RETURNS_NONE_IN_LOPS = frozenset({"Cancelactive", "Clearfinished", "Clearall"})
_TASK_FIELDS = frozenset({"task_id", "coroutine", "task", "description", "info", "timeout",
                          "completion_callback", "status", "created_at", "completed_at",
                          "result", "error"})
_FRAMEHOST_ONLY_STATUS = frozenset({"is_finished", "is_active"})
_OPERATOR_BASES = frozenset({"BaseCOMP", "baseCOMP", "TableDAT", "tableDAT", "OP"})
_PACKAGES = {"host": "FH501", "operators": "FH502", "asyncio_comp": "FH503"}
_ID_NAME = re.compile(r"(^|_)(task_id|tid)$")
#: ``# framehost: allow FH503`` on a line keeps that line's FH503 finding quiet.
_ALLOW = re.compile(r"#\s*framehost:\s*allow\s+((?:FH\d{3}[\s,]*)+)")


def _called_name(node: ast.AST) -> str | None:
    """``Run`` for ``x.Run(...)`` or ``Run(...)``; None for anything else."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _fetch_without_default(node: ast.AST) -> bool:
    """``comp.fetch('key')`` (a method call with a string key and no default): the
    storage call, not an ``await fetch(url)`` of the code's own."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "fetch" and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            and not any(kw.arg == "default" for kw in node.keywords))


def _is_info_status(node: ast.AST) -> bool:
    """``x['status']`` or ``x.get('status')``: a status from GetTaskInfo's dict."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        return isinstance(key, ast.Constant) and key.value == "status"
    if _called_name(node) == "get" and isinstance(node, ast.Call) and node.args:
        first = node.args[0]
        return isinstance(first, ast.Constant) and first.value == "status"
    return False


def _is_status_member(node: ast.AST) -> bool:
    """``TaskStatus.COMPLETED``, ``GetTaskStatus().FAILED``, ``values['RUNNING']``."""
    if isinstance(node, ast.Attribute):
        return node.attr in _STATUS_MEMBERS
    if isinstance(node, ast.Subscript):
        key = node.slice
        return isinstance(key, ast.Constant) and key.value in _STATUS_MEMBERS
    return False


def _status_strings(node: ast.AST) -> set[str]:
    """The status names a literal (or a tuple/list/set of literals) spells."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return {item.value for item in items
            if isinstance(item, ast.Constant) and item.value in _STATUS_VALUES}


def _several_coroutines(node: ast.Call) -> bool:
    given = node.args[0] if node.args else next(
        (kw.value for kw in node.keywords if kw.arg == "coroutines"), None)
    if isinstance(given, ast.List | ast.Tuple):
        return len(given.elts) > 1 or any(isinstance(e, ast.Starred) for e in given.elts)
    return isinstance(given, ast.ListComp | ast.GeneratorExp)


def _empty_list(node: ast.Call) -> bool:
    return bool(node.args) and isinstance(node.args[0], ast.List | ast.Tuple) and not (
        node.args[0].elts)


class _Checker(ast.NodeVisitor):
    """Walks one module once; the callbacks it finds are checked after the walk."""

    def __init__(self, path: str, tree: ast.Module) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self._parents: dict[ast.AST, ast.AST] = {
            child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        self._functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self._callbacks: set[str] = set()
        self._lambdas: list[ast.Lambda] = []
        self._id_names = {name for node in ast.walk(tree) for name in self._ids_assigned(node)}

    def report(self, node: ast.AST, code: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 1),
                                     getattr(node, "col_offset", 0) + 1, RULES[code]))

    @staticmethod
    def _ids_assigned(node: ast.AST) -> Iterator[str]:
        """Names (and ``self.x`` attributes) bound to what a one-coroutine Run returns."""
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            call = node.value
            if (_called_name(call) in _RUN_NAMES and isinstance(call, ast.Call)
                    and not _several_coroutines(call)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        yield target.id
                    elif isinstance(target, ast.Attribute):
                        yield target.attr

    # -- imports and classes --------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self._check_module(node, node.module)

    def _check_module(self, node: ast.AST, module: str) -> None:
        code = _PACKAGES.get(module.partition(".")[0])
        if code is not None:
            self.report(node, code)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)
            if name in _OPERATOR_BASES:
                self.report(node, "FH401")
                break
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._functions.setdefault(node.name, []).append(node)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._functions.setdefault(node.name, []).append(node)
        self.generic_visit(node)

    # -- statuses -------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _is_info_status(node.value) and (
                node.attr in {"value", "name"} | _FRAMEHOST_ONLY_STATUS):
            self.report(node, "FH101")
        elif (node.attr in _FRAMEHOST_ONLY_STATUS and isinstance(node.value, ast.Attribute)
              and node.value.attr == "status"):
            self.report(node, "FH104")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        sides = [node.left, *node.comparators]
        for left, right in itertools.pairwise(sides):
            for a, b in ((left, right), (right, left)):
                if _is_info_status(a) and _is_status_member(b):
                    self.report(node, "FH102")
                elif (isinstance(a, ast.Attribute) and a.attr == "status"
                      and _status_strings(b)):
                    self.report(node, "FH103")
                elif (_fetch_without_default(a) and isinstance(b, ast.Constant)
                      and b.value is None):
                    self.report(node, "FH601")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        # ``comp.fetch('k') or fallback``: a missing key's None taken for the fallback.
        if isinstance(node.op, ast.Or) and _fetch_without_default(node.values[0]):
            self.report(node, "FH601")
        self.generic_visit(node)

    # -- Run and the pulses' methods ----------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        name = _called_name(node)
        used = not isinstance(self._parents.get(node), ast.Expr)
        if name in _RUN_NAMES:
            if _empty_list(node):
                self.report(node, "FH202")
            elif used and _several_coroutines(node):
                self.report(node, "FH201")
            self._note_callback(node)
        elif name in _RETURNS_NONE_IN_LOPS and used and not node.args:
            self.report(node, "FH204")
        self.generic_visit(node)

    def _note_callback(self, node: ast.Call) -> None:
        given = node.args[4] if len(node.args) > 4 else next(
            (kw.value for kw in node.keywords if kw.arg == "completion_callback"), None)
        if isinstance(given, ast.Name):
            self._callbacks.add(given.id)
        elif isinstance(given, ast.Attribute):
            self._callbacks.add(given.attr)
        elif isinstance(given, ast.Lambda):
            self._lambdas.append(given)

    # -- task ids as truth values -----------------------------------------------------
    def _is_task_id(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self._id_names or bool(_ID_NAME.search(node.id))
        if isinstance(node, ast.Attribute):
            return node.attr in self._id_names or bool(_ID_NAME.search(node.attr))
        return False

    def _truth(self, node: ast.AST) -> None:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            node = node.operand
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self._truth(value)
        elif self._is_task_id(node):
            self.report(node, "FH203")
        elif _fetch_without_default(node):
            self.report(node, "FH601")

    def visit_If(self, node: ast.If) -> None:
        self._truth(node.test)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self._truth(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._truth(node.test)
        self.generic_visit(node)

    def visit_Assert(self, node: ast.Assert) -> None:
        self._truth(node.test)
        self.generic_visit(node)

    # -- completion callbacks, once every function is known ---------------------------
    def check_callbacks(self) -> None:
        bodies: list[tuple[ast.AST, ast.arguments]] = [
            (fn, fn.args) for name in sorted(self._callbacks)
            for fn in self._functions.get(name, [])]
        bodies += [(fn, fn.args) for fn in self._lambdas]
        for fn, args in bodies:
            params = [a.arg for a in args.posonlyargs + args.args if a.arg not in {"self", "cls"}]
            task = params[0] if params else None
            for node in ast.walk(fn):
                if isinstance(node, ast.Compare) and self._expects_unreported_ending(node):
                    self.report(node, "FH301")
                elif task is not None and self._outside_task_fields(node, task):
                    self.report(node, "FH302")

    @staticmethod
    def _expects_unreported_ending(node: ast.Compare) -> bool:
        for side in [node.left, *node.comparators]:
            if _status_strings(side) & _ENDINGS_NOT_CALLED:
                return True
            if isinstance(side, ast.Attribute) and side.attr in {"CANCELLED", "TIMEOUT"}:
                return True
        return False

    @staticmethod
    def _outside_task_fields(node: ast.AST, task: str) -> bool:
        """``task.duration``, ``task['status']``, ``task.get(...)`` on the callback's
        argument: what LOPs's AsyncIOTask does not have."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.value.id == task and node.attr not in _TASK_FIELDS
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            return node.value.id == task
        return False


def check_source(source: str, path: str = "<source>") -> list[Finding]:
    """The findings in one module's source, in line order.

    Raises:
        SyntaxError: ``source`` is not Python.
    """
    tree = ast.parse(source, filename=path)
    checker = _Checker(path, tree)
    checker.visit(tree)
    checker.check_callbacks()
    allowed = _allowed(source)
    return sorted((f for f in checker.findings if f.rule.code not in allowed.get(f.line, ())),
                  key=lambda f: (f.line, f.col, f.rule.code))


def _allowed(source: str) -> dict[int, set[str]]:
    """The codes each line allows (``# framehost: allow FH401``), by line number."""
    allowed: dict[int, set[str]] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        match = _ALLOW.search(line)
        if match:
            allowed[number] = set(re.findall(r"FH\d{3}", match.group(1)))
    return allowed
