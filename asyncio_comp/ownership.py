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

__all__ = ["bound_to", "owned_by", "owner_context"]


def owner_context(owner: object) -> Context:
    """A context in which ``owner`` is the operator whose code runs: the one an
    owned task runs in (None: the context of a task no operator owns)."""
    return call_as(owner, copy_context)


def owned_by(records: Iterable[Any], doomed: Iterable[OP]) -> list[Any]:
    """The records among ``records`` whose owner is one of ``doomed``."""
    gone = {id(node) for node in doomed}
    return [rec for rec in records if rec.op_owner is not None and id(rec.op_owner) in gone]


def bound_to(callback: Callable[..., object], gone: set[int]) -> bool:
    """Whether ``callback`` is bound to one of the operators whose ``id()`` is in
    ``gone``: a method of one, or of an object whose ``ownerComp`` is one (a TD
    extension); calling it once they are destroyed would run dead code."""
    target = getattr(callback, "__self__", None)
    if target is None:
        return False
    if not isinstance(target, OP):
        # An extension's ownerComp is a plain attribute (or DotLOPUtils's property);
        # anything it raises means it is no extension of ours.
        try:
            target = getattr(target, "ownerComp", None)
        except Exception:
            return False
    return isinstance(target, OP) and id(target) in gone
