"""What a parameter needs of the operator that holds it.

`params` sits below `network` (an operator is built from its parameters), so a
parameter cannot name `OP`; it names this protocol instead, and every `OP` fits it.
That keeps the import graph a tree: network -> params -> _owner, never back.
"""

from __future__ import annotations

from typing import Any, Protocol

from td.thread_guard import ThreadGuard

__all__ = ["ParOwner"]


class ParOwner(Protocol):
    """The operator a `Par` belongs to, as the parameter sees it."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def valid(self) -> bool: ...

    @property
    def host(self) -> Any:
        """The operator's host: its expression watch and `report_exception`."""
        ...

    @property
    def guard(self) -> ThreadGuard:
        """The host's thread guard, checked before a parameter is read or written."""
        ...

    def op(self, path: Any) -> Any:
        """The operator at ``path`` (relative to this one), or None: how an OP
        parameter finds the operator its value names."""
        ...

    @property
    def seq(self) -> Any:
        """The operator's parameter sequences (`td.sequences.Sequences`)."""
        ...

    def call_handler(self, handler_name: str, *args: Any) -> None:
        """Call the operator's ``onPulse``/``onValueChange``; a fault is reported, not raised."""
        ...

    def builtin_pulsed(self, par: Any) -> None:
        """Run the engine's action for a built-in pulse (``reinitextensions``); a
        fault is reported, not raised."""
        ...
