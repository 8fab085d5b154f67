"""Extensions, TouchDesigner's way: objects attached to a COMP, reached as
``comp.ext.Name``, whose capitalized members are promoted onto the COMP itself.

``comp.addExtension(ChatExt)`` calls ``ChatExt(comp)`` (TD's ``ownerComp``
convention); ``comp.Send(...)`` then finds ``ChatExt.Send`` because the COMP's
``__getattr__`` (called only when its own attributes have no such name, so they
always win) asks `Extensions.promoted` for it. A name found nowhere raises
`MissingAttribute`, which names the COMP and the close matches.

Re-init (TD's Re-Init Extensions, the ``reinitextensions`` pulse) makes the
extensions again with their modules' new code: `Extensions.reinit` reloads the
modules of the extensions attached as classes (`td.module_reload`: all or none),
takes each class again from its reloaded module by name, calls the old objects'
``onDestroyTD()``, tells the host they are retired (so the tasks they own stop and
their callbacks are dropped), and calls each new class with the COMP, in the order
they were attached. An extension attached as an object is kept as it is: there is
nothing to make it again from. The COMP itself, its parameters and its children
are not touched.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from typing import Any, Protocol

from td.current import call_as
from td.module_reload import ReloadError, reload_in_place, reloadable

__all__ = ["ExtensionOwner", "Extensions", "MissingAttribute", "ReloadError"]


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
            self._destroy_one(name, extension, report)

    def _destroy_one(self, name: str, extension: object,
                     report: Callable[[str, BaseException], object]) -> None:
        on_destroy = getattr(extension, "onDestroyTD", None)
        if callable(on_destroy):
            try:
                call_as(self._owner, on_destroy)
            except Exception as exc:
                report(f"{self._owner.path} ext.{name}.onDestroyTD()", exc)

    def reinit(self, retired: Callable[[list[object]], object],
               report: Callable[[str, BaseException], object]) -> list[object]:
        """Make the extensions attached as classes again with their modules' new code
        (see the module docstring); the extension objects, in order of attachment.

        ``retired(old)`` is told of the objects replaced, after their
        ``onDestroyTD()`` ran; faults of ``onDestroyTD()`` go to ``report``.

        Raises:
            ReloadError: a module failed to reload, or no longer defines its
                extension's class; nothing was changed.
            Exception: the first constructor that raised, once every other
                extension was made (that one is missing until the next re-init).
        """
        attached: list[tuple[str, object, bool]] = self.__dict__["_attached"]
        classes = _reloaded_classes([ext for _, ext, _ in attached if isinstance(ext, type)])
        items: dict[str, object] = self.__dict__["_items"]
        promoted: list[object] = self.__dict__["_promoted"]
        old = [(name, items[name]) for name, ext, _ in attached
               if isinstance(ext, type) and name in items]
        for name, extension in old:
            self._destroy_one(name, extension, report)
        retired([extension for _, extension in old])
        kept = dict(items)
        items.clear()
        promoted.clear()
        failure: Exception | None = None
        renewed: list[tuple[str, object, bool]] = []
        for name, ext, promote in attached:
            if isinstance(ext, type):
                ext = classes[ext]
                try:
                    instance = call_as(self._owner, ext, self._owner)
                except Exception as exc:
                    failure = failure or exc
                    renewed.append((name, ext, promote))
                    continue
            elif name in kept:
                instance = kept[name]
            else:
                continue
            renewed.append((name, ext, promote))
            items[name] = instance
            if promote:
                promoted.append(instance)
        attached[:] = renewed
        if failure is not None:
            raise failure
        return list(items.values())

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


def _reloaded_classes(classes: list[type]) -> dict[type, type]:
    """Each of ``classes`` mapped to the class of its name in its module once the
    modules that can be reloaded are (a class defined inside a function, or in
    framehost's own or installed code, maps to itself).

    Raises:
        ReloadError: a module failed to reload, or no longer defines the class;
            every module is then as it was.
    """
    modules: dict[str, Any] = {}
    for klass in classes:
        module = sys.modules.get(klass.__module__)
        if module is not None and "<locals>" not in klass.__qualname__ and reloadable(module):
            modules.setdefault(module.__name__, module)

    def look_up() -> dict[type, type]:
        found: dict[type, type] = {}
        for klass in classes:
            module = modules.get(klass.__module__)
            if module is None:
                found[klass] = klass
                continue
            target: Any = module
            for part in klass.__qualname__.split("."):
                target = getattr(target, part, None)
            if not isinstance(target, type):
                raise ReloadError(f"{module.__file__} no longer defines the extension class "
                                  f"{klass.__qualname__!r} (found {target!r}); nothing was "
                                  f"reloaded")
            found[klass] = target
        return found

    return reload_in_place(list(modules.values()), look_up)
