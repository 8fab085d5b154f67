"""Which operator a task belongs to, and what destroying that operator does to it.

TouchDesigner's work stops when its operator is deleted; here a task submitted by an
operator's code (a cook, a pulse or value-change handler, an extension method it
runs, ``DotLOPUtils.run_async_task`` which submits as its ``ownerComp``) is *owned*
by that operator: `td.current.current_operator()` when ``Run`` is called. A task runs
as the code of its owner (its context's current operator is the owner), so a task it
starts, with ``Run``, ``create_task`` or ``gather``, has the same owner with no lookup.

When the host says operators were destroyed (`HostCore.on_destroy`, once per
``destroy()``), TDAsyncIO cancels the active tasks they own, and forgets unfired the
completion callbacks bound to them (a method of one, or of an extension whose
``ownerComp`` is one), whoever submitted the task.

A re-init of a COMP's extensions tells the same listeners of the extension objects
it replaced. Their tasks are found by their code, not by who submitted them (an
extension's method runs as its COMP, so ownership cannot tell the COMP's work from
its extension's): a task whose coroutine is a method of an old object (or a
coroutine function given one as its first argument), and every task such a task
started. Their callbacks bound to an old object are forgotten too.

Ownership costs an unowned task nothing but the one context-variable read in
``Run``: the destroy side scans the active tasks once per ``destroy()`` (rare next to
``Run``), rather than every owned task being indexed as it is submitted, and nothing
is checked as callbacks fire.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import Context, copy_context
from typing import Any

from td.current import call_as
from td.network import OP

__all__ = ["bound_to", "owned_by", "owner_context", "running_code_of"]


def owner_context(owner: object) -> Context:
    """A context in which ``owner`` is the operator whose code runs: the one an
    owned task runs in (None: the context of a task no operator owns)."""
    return call_as(owner, copy_context)


def owned_by(records: Iterable[Any], doomed: Iterable[OP]) -> list[Any]:
    """The records among ``records`` whose owner is one of ``doomed``."""
    gone = {id(node) for node in doomed}
    return [rec for rec in records if rec.op_owner is not None and id(rec.op_owner) in gone]


def running_code_of(records: Iterable[Any], gone: set[int]) -> list[Any]:
    """The records among ``records`` (oldest first) running the code of one of the
    objects whose ``id()`` is in ``gone``: a coroutine whose first argument is one (a
    method of it, or a coroutine function given it), or a task one of those started."""
    chosen: set[int] = set()
    found = []
    for rec in records:  # a task is younger than the task that started it
        if rec.parent_id in chosen or _first_argument_in(rec.coro, gone):
            chosen.add(rec.task_id)
            found.append(rec)
    return found


def _first_argument_in(coro: object, gone: set[int]) -> bool:
    code = getattr(coro, "cr_code", None)
    frame = getattr(coro, "cr_frame", None)  # None once it has ended
    if code is None or frame is None or not code.co_argcount:
        return False
    first = frame.f_locals.get(code.co_varnames[0])
    return first is not None and id(first) in gone


def bound_to(callback: Callable[..., object], gone: set[int]) -> bool:
    """Whether ``callback`` is bound to one of the objects whose ``id()`` is in
    ``gone``: a method of one (an operator destroyed, an extension replaced), or of an
    object whose ``ownerComp`` is one (a TD extension); calling it once they are
    gone would run dead code."""
    target = getattr(callback, "__self__", None)
    if target is None:
        return False
    if id(target) in gone:
        return True
    if not isinstance(target, OP):
        # An extension's ownerComp is a plain attribute (or DotLOPUtils's property);
        # anything it raises means it is no extension of ours.
        try:
            target = getattr(target, "ownerComp", None)
        except Exception:
            return False
    return isinstance(target, OP) and id(target) in gone
