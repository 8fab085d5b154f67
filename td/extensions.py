"""Extensions, TouchDesigner's way: objects attached to a COMP, reached as
``comp.ext.Name``, whose capitalized members are promoted onto the COMP itself.

``comp.addExtension(ChatExt)`` calls ``ChatExt(comp)`` (TD's ``ownerComp``
convention); ``comp.Send(...)`` then finds ``ChatExt.Send`` because the COMP's
``__getattr__`` (called only when its own attributes have no such name, so they
always win) asks `Extensions.promoted` for it. A name found nowhere raises
`MissingAttribute`, which names the COMP and the close matches.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, Protocol

from td.current import call_as

__all__ = ["ExtensionOwner", "Extensions", "MissingAttribute"]


class ExtensionOwner(Protocol):
    """The operator extensions belong to (every `OP` fits it); a protocol, so this
    module stands below ``network`` without importing it."""

    @property
    def path(self) -> str: ...


class Extensions:
    """``comp.ext``: the extension objects of a COMP, by name (TD's ``op.ext.Name``)."""

    def __init__(self, owner: ExtensionOwner) -> None:
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_items", {})
        object.__setattr__(self, "_promoted", [])
        object.__setattr__(self, "_attached", [])

    def attach(self, ext: object, name: str | None, promote: bool) -> Any:
        """What ``comp.addExtension`` does once the thread is checked; see there."""
        if ext is None or isinstance(ext, str | bytes | int | float):
            raise TypeError(f"addExtension() expected an extension class or object, got "
                            f"{ext!r}; e.g. comp.addExtension(MyExt)")
        if name is None:
            name = ext.__name__ if isinstance(ext, type) else type(ext).__name__
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"addExtension() expected name to be a Python name such as "
                             f"'ChatExt', got {name!r}")
        items: dict[str, object] = self.__dict__["_items"]
        if name in items:
            raise ValueError(f"{self._owner.path} already has an extension named {name!r}")
        # The constructor is the COMP's code (TD's `me` is the COMP meanwhile).
        instance = call_as(self._owner, ext, self._owner) if isinstance(ext, type) else ext
        items[name] = instance
        self.__dict__["_attached"].append((name, ext, promote))
        if promote:
            self.__dict__["_promoted"].append(instance)
        return instance

    def attached(self) -> list[tuple[str, object, bool]]:
        """``(name, ext, promote)`` for each extension, ``ext`` as it was given to
        ``addExtension`` (a class or an instance): what a copy of the COMP attaches."""
        return list(self.__dict__["_attached"])

    def promoted(self, name: str) -> Any:
        """The member ``name`` of the first promoted extension that has it.

        Raises:
            AttributeError: none has it (or ``name`` is not capitalized).
        """
        if name[:1].isupper():
            for extension in self.__dict__["_promoted"]:
                try:
                    return getattr(extension, name)
                except AttributeError:
                    continue
        raise AttributeError(name)

    def promoted_names(self) -> set[str]:
        """Every capitalized member of the promoted extensions (for suggestions)."""
        return {n for extension in self.__dict__["_promoted"] for n in dir(extension)
                if n[:1].isupper()}

    def destroyed(self, report: Callable[[str, BaseException], object]) -> None:
        """Call each extension's ``onDestroyTD()``, as TD does when the COMP goes; a
        fault goes to ``report(context, exc)``, never raised."""
        for name, extension in list(self.__dict__["_items"].items()):
            on_destroy = getattr(extension, "onDestroyTD", None)
            if callable(on_destroy):
                try:
                    call_as(self._owner, on_destroy)
                except Exception as exc:
                    report(f"{self._owner.path} ext.{name}.onDestroyTD()", exc)

    def __getattr__(self, name: str) -> Any:
        items: dict[str, object] = self.__dict__["_items"]
        if name in items:
            return items[name]
        known = ", ".join(items) or "none"
        raise AttributeError(f"{self._owner.path} has no extension {name!r}; it has: {known}")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("extensions are attached by the operator with "
                             "comp.addExtension(ext), not assigned")

    def __contains__(self, name: object) -> bool:
        return name in self.__dict__["_items"]

    def __dir__(self) -> list[str]:
        return list(self.__dict__["_items"])


class MissingAttribute(AttributeError):
    """An operator has no attribute of that name (its own, or promoted from an
    extension); the message names the operator and the close matches.

    The message is built only when read: code probing with ``getattr(op, name,
    None)`` pays nothing for the suggestions.
    """

    def __init__(self, owner: ExtensionOwner, name: str, extensions: Extensions) -> None:
        super().__init__(name)
        self.owner = owner
        self.attribute = name
        self._extensions = extensions

    def __str__(self) -> str:
        owner, name = self.owner, self.attribute
        known = {n for n in dir(type(owner)) if not n.startswith("_")}
        known.update(n for n in vars(owner) if not n.startswith("_"))
        known.update(self._extensions.promoted_names())
        matches = difflib.get_close_matches(name, sorted(known), n=3)
        hint = f"; did you mean: {', '.join(matches)}?" if matches else ""
        return f"{type(owner).__name__} {owner.path} has no attribute {name!r}{hint}"
