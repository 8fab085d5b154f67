"""Removable hooks: what `HostCore.on_cook` and `HostCore.on_close` hand back.

A hook registered for an operator must not outlive it: a destroyed COMP whose cook
still runs every frame touches a dead network, and its close hook would keep it in
memory until the host closes. So every registration returns a `Hook` whose
``remove()`` takes it out, and hooks registered with an owner are removed when that
owner is destroyed (like the frame callbacks' ``remove_callback``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from td.current import call_as, pop_operator, push_operator
from td.thread_guard import ThreadGuard

if TYPE_CHECKING:
    from td.blame import FrameBlame

__all__ = ["Hook", "HookRegistry"]


class Hook:
    """One registered cook or close hook; ``remove()`` unregisters it."""

    __slots__ = ("_as", "_fn", "_guard", "_kind", "_owner", "_registry")

    def __init__(self, fn: Callable[[], object], registry: HookRegistry, guard: ThreadGuard,
                 kind: str, owner: object | None = None, as_owner: bool = True) -> None:
        self._fn = fn
        self._owner = owner
        # The operator whose code ``fn`` runs as (TD's `me`), or None: ``owner``,
        # unless the hook was registered as_owner=False.
        self._as = owner if as_owner else None
        # Who holds the hook; None once it is removed.
        self._registry: HookRegistry | None = registry
        self._guard = guard
        self._kind = kind

    @property
    def fn(self) -> Callable[[], object]:
        """The callable this hook runs."""
        return self._fn

    @property
    def owner(self) -> object | None:
        """The operator the hook was registered for (its code, TD's ``me``), or None."""
        return self._owner

    @property
    def name(self) -> str:
        """Who the hook works for, as frame blame names it: its owner's path (an
        operator's), else the callable's qualified name."""
        path = getattr(self._owner, "path", None)
        if isinstance(path, str):
            return path
        name = getattr(self._fn, "__qualname__", None)
        return name if isinstance(name, str) else repr(self._fn)

    @property
    def active(self) -> bool:
        """True until `remove()` (or the host's close) took the hook out."""
        return self._registry is not None

    def remove(self) -> bool:
        """Stop running this hook; True if it was still registered. Idempotent."""
        self._guard.check(self)
        registry, self._registry = self._registry, None
        self._owner = self._as = None  # a removed hook must not keep its operator alive
        if registry is None:
            return False
        registry.discard(self)
        return True

    def detach(self) -> None:
        """Mark the hook removed without touching its list (the host cleared it)."""
        self._registry = self._owner = self._as = None

    def __repr__(self) -> str:
        state = "active" if self.active else "removed"
        return f"<Hook {self._kind} {self._fn!r} {state}>"


class HookRegistry:
    """A host's cook and close hooks, and which operator registered which.

    Kept apart from the frame loop so the loop reads as the frame's order; the
    registry owns the lists and the bookkeeping that lets a destroyed operator's
    hooks go with it (keyed by ``id()``: an operator class may define ``__eq__``).
    """

    __slots__ = ("_close", "_cooks", "_guard", "_owned")

    def __init__(self, guard: ThreadGuard) -> None:
        self._guard = guard
        # A tuple, remade when it changes: a frame iterates it without copying it,
        # and a cook that adds or removes hooks (destroying a COMP) makes a new one,
        # never changing the one being run (the change applies next frame).
        self._cooks: tuple[Hook, ...] = ()
        self._close: list[Hook] = []
        self._owned: dict[int, list[Hook]] = {}

    def add_cook(self, fn: Callable[[], object], owner: object | None,
                 as_owner: bool = True) -> Hook:
        """Register a per-frame cook (the caller has checked ``fn`` and ``owner``);
        ``as_owner``: ``fn`` runs as ``owner``'s code."""
        hook = self._add(fn, owner, "on_cook", as_owner)
        self._cooks += (hook,)
        return hook

    def add_close(self, fn: Callable[[], object], owner: object | None) -> Hook:
        """Register a close hook (the caller has checked ``fn`` and ``owner``)."""
        hook = self._add(fn, owner, "on_close")
        self._close.append(hook)
        return hook

    def remove_owned(self, owner: object) -> int:
        """Remove every hook registered with ``owner``; how many were still active."""
        return sum(hook.remove() for hook in self._owned.pop(id(owner), []))

    def run_cooks(self, clock: Callable[[], float], blame: FrameBlame, since: float) -> float:
        """Run each active cook hook once, in registration order; the clock's reading
        after the last one (``since`` when none ran).

        Each is timed from the reading that ended the one before (one clock read per
        hook), and blame's whole cost for a hook is one comparison of that time with
        `FrameBlame.threshold`. One that took longer is itemised as a ``hook`` named by
        `Hook.name`, for its share: its time less what was itemised since the last
        hook that was (its own task steps and completion callbacks, and a wait on
        purpose: a paced non-realtime frame's, `FrameBlame.wait`; a hook under the
        threshold itemises only a trace's short callbacks, which then come out of the
        next itemised hook's share).
        """
        threshold = blame.threshold
        charged = blame.charged
        waited = blame.waited
        for hook in self._cooks:
            if hook._registry is None:
                continue  # removed by a cook before it this frame
            me = hook._as
            if me is None:
                hook._fn()
            else:
                # The owner's code (TD's `me`): `call_as` spelled out, one call less
                # per hook per frame.
                token = push_operator(me)
                try:
                    hook._fn()
                finally:
                    pop_operator(token)
            now = clock()
            if now - since >= threshold:
                # A hook's share is its time less what its children itemised and
                # what it spent waiting on purpose (`FrameBlame.wait`).
                own = now - since - (blame.charged - charged) - (blame.waited - waited)
                if own >= threshold:
                    blame.charge("hook", hook.name, own, now)
                charged = blame.charged
                waited = blame.waited
            since = now
        return since

    def run_close(self, log_error: Callable[[Hook, Exception], None]
                  ) -> tuple[list[Exception], list[BaseException]]:
        """Run every close hook, last registered first, whatever the others raise.

        Returns the exceptions (each also given to ``log_error``) and the
        interrupts (KeyboardInterrupt, SystemExit) for the caller to raise again once
        the host is torn down. Every hook is detached afterwards.
        """
        errors: list[Exception] = []
        interrupts: list[BaseException] = []
        for hook in reversed(tuple(self._close)):
            if not hook.active:
                continue
            try:
                if hook._as is None:
                    hook._fn()
                else:
                    call_as(hook._as, hook._fn)
            except Exception as exc:
                errors.append(exc)
                log_error(hook, exc)
            except BaseException as exc:  # the other hooks still run
                interrupts.append(exc)
        self.clear()
        return errors, interrupts

    def clear(self) -> None:
        """Detach and forget every hook."""
        for hook in (*self._close, *self._cooks):
            hook.detach()
        self._close.clear()
        self._cooks = ()
        self._owned.clear()

    def discard(self, hook: Hook) -> None:
        """Take out a hook that is being removed (`Hook.remove` calls it)."""
        if hook._kind == "on_cook":
            self._cooks = tuple(other for other in self._cooks if other is not hook)
        else:
            self._close.remove(hook)

    def _add(self, fn: Callable[[], object], owner: object | None, kind: str,
             as_owner: bool = True) -> Hook:
        hook = Hook(fn, self, self._guard, kind, owner, as_owner)
        if owner is not None:
            self._owned.setdefault(id(owner), []).append(hook)
        return hook
