"""DotLOPUtils: the LOPs base that gives an operator ``run_async_task`` and friends.

It works both ways LOPs code uses it:

- as an operator's mixin, ``class MyOp(DotLOPUtils, BaseCOMP)``: the operator is
  its own ``ownerComp``;
- as an extension's base, TouchDesigner's way::

      class ChatExt(DotLOPUtils):
          def __init__(self, ownerComp):
              super().__init__(ownerComp)

      comp.addExtension(ChatExt)

Either way ``self.ownerComp``, ``self.asyncio_comp``, ``self.run_async_task(...)``,
``self.ChatTD``, ``self.logger`` (a `LopsLogger`: LOPs's ``log(message, source,
level)`` forms and `logging`'s) and ``self.create_parameter(...)`` are there, found
through the owner's own host, so there is nothing to wire and no global to set. LOPs
code imports it as LOPs ships it: ``from dot_lop_utils import DotLOPUtils``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from functools import partial
from typing import Any, TypeVar

from asyncio_comp.component import TDAsyncIO
from asyncio_comp.records import TaskOutcome
from asyncio_comp.validation import close_given
from operators.lops_logger import LopsLogger
from td.current import call_as
from td.network import OP, BaseCOMP
from td.params import Par

__all__ = ["ASYNCIO_COMP_PATH", "CHATTD_PATH", "DotLOPUtils"]

ASYNCIO_COMP_PATH = "/ChatTD/TDAsyncIO"
CHATTD_PATH = "/ChatTD"
_C = TypeVar("_C", bound=BaseCOMP)


class DotLOPUtils:
    """LOPs utilities for an operator (as a mixin) or an extension (as its base)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if isinstance(self, OP):
            # A mixin: the operator's own constructor follows in the MRO.
            super().__init__(*args, **kwargs)
            return
        if len(args) != 1 or kwargs or not isinstance(args[0], OP):
            given = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
            raise TypeError(_usage(f"{type(self).__name__}({given}) got no ownerComp;"))
        super().__init__()
        self.ownerComp = args[0]

    @property
    def ownerComp(self) -> OP:
        """The operator this extension belongs to (the operator itself for a mixin)."""
        if isinstance(self, OP):
            return self
        try:
            owner: OP = self.__dict__["_dot_lop_owner"]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no ownerComp yet: its __init__ must call "
                f"super().__init__(ownerComp) or set self.ownerComp = ownerComp") from None
        return owner

    @ownerComp.setter
    def ownerComp(self, owner: OP) -> None:
        # TD extensions often set self.ownerComp themselves; that works too.
        if not isinstance(owner, OP):
            raise TypeError(f"{type(self).__name__}.ownerComp expected an operator, "
                            f"got {owner!r}")
        if isinstance(self, OP):
            if owner is not self:
                raise ValueError(f"{self.path} is its own ownerComp (DotLOPUtils is its "
                                 f"mixin); got {owner!r}")
            return
        self.__dict__["_dot_lop_owner"] = owner

    @property
    def asyncio_comp(self) -> TDAsyncIO:
        """The host's TDAsyncIO component, found by path from the owner."""
        return self._shared_comp(ASYNCIO_COMP_PATH, TDAsyncIO, "TDAsyncIO")

    @property
    def ChatTD(self) -> BaseCOMP:
        """The ``/ChatTD`` COMP, LOPs's home of shared services."""
        return self._shared_comp(CHATTD_PATH, BaseCOMP, "COMP")

    def _shared_comp(self, path: str, kind: type[_C], what: str) -> _C:
        """The COMP of type ``kind`` at ``path``, looked up from the owner."""
        owner = self._owner_operator()
        comp = owner.op(path)
        if not isinstance(comp, kind):
            raise LookupError(f"{owner.path} found no {what} at {path!r} "
                              f"(found {comp!r}); create the host with host.Host()")
        return comp

    @property
    def logger(self) -> LopsLogger:
        """The owner's logger: its ``Logger`` COMP's extension when it has one (LOPs's
        network), else one named after the owner's path (``/project/chat``). Either
        takes LOPs's ``log(message, source, level)`` and `logging`'s calls."""
        owner = self._owner_operator()
        child = owner.op("Logger")
        if child is not None and "Logger" in child.ext:
            found = child.ext.Logger
            if isinstance(found, LopsLogger):
                return found
        return LopsLogger(owner.path)

    def create_parameter(self, name: str, style: str, page: str = "Custom",
                         label: str | None = None, default: Any = None,
                         readOnly: bool = False, help: str = "",
                         menuNames: Sequence[str] | None = None,
                         menuLabels: Sequence[str] | None = None,
                         min: float | None = None, max: float | None = None,
                         section: bool = False, enableExpr: str | None = None,
                         replace: bool = True) -> Par | None:
        """Append the custom parameter ``name`` of ``style`` (``'float'``, ``'int'``,
        ``'toggle'``, ``'str'``, ``'menu'``, ``'strmenu'``, ``'file'``, ``'folder'``,
        ``'pulse'``, ``'header'``) on ``page`` of the owner, LOPs's way; the `Par`
        (None for a header: it only labels the page in TD's UI). ``section`` and
        ``enableExpr`` shape TD's parameter dialog and change no value here."""
        owner = self._owner_operator()
        if style not in _STYLES:
            raise ValueError(f"create_parameter() expected style as one of "
                             f"{', '.join(sorted(_STYLES))}, got {style!r}")
        if style == "header":
            return None
        if name in owner.par and not owner.par[name].isCustom:
            return owner.par[name]  # declared by the operator's class: kept
        target = owner.appendCustomPage(page)
        kwargs: dict[str, Any] = {"help": help, "replace": replace}
        if default is not None and style != "pulse":
            kwargs["default"] = default
        if style in ("float", "int"):
            kwargs.update(min=min, max=max)
        if style in ("menu", "strmenu"):
            names = list(menuNames if menuNames is not None else
                         ([default] if isinstance(default, str) else [""]))
            kwargs["menuNames"] = names
            kwargs["menuLabels"] = list(menuLabels) if menuLabels is not None else None
            if style == "menu" and default is not None and default not in names:
                kwargs.pop("default")
        method = getattr(target, _STYLES[style], None)
        if method is None:  # a kind this build has no page method for: a string
            method = target.appendStr
            kwargs = {k: v for k, v in kwargs.items() if k in ("help", "replace", "default")}
        par: Par = method(name, label, **kwargs)[0]
        if readOnly and hasattr(type(par), "readOnly"):
            setattr(par, "readOnly", True)  # noqa: B010  (settable once parameters have it)
        return par

    def run_async_task(
        self,
        coroutines: Coroutine[Any, Any, Any] | list[Coroutine[Any, Any, Any]],
        description: str | None = None,
        completion_callback: Callable[[TaskOutcome], object] | None = None,
        info: Any = None,
        timeout: float | None = None,
    ) -> int | list[int]:
        """Submit work to TDAsyncIO; forwards to ``Run`` and returns what it returns.

        The tasks are owned by ``ownerComp`` (Run is called as its code): destroying
        it cancels them.
        """
        try:
            manager = self.asyncio_comp.ext.AsyncIOManager
            owner = self._owner_operator()
        except BaseException:
            close_given(coroutines)
            raise
        submit = partial(manager.Run, coroutines, description=description, info=info,
                         timeout=timeout, completion_callback=completion_callback)
        return call_as(owner, submit)  # type: ignore[no-any-return]

    def _owner_operator(self) -> OP:
        if not isinstance(self, OP) and "_dot_lop_owner" not in self.__dict__:
            raise TypeError(_usage(f"{type(self).__name__} has no ownerComp;"))
        return self.ownerComp


#: create_parameter's styles and the page methods that make them.
_STYLES = {"float": "appendFloat", "int": "appendInt", "toggle": "appendToggle",
           "str": "appendStr", "menu": "appendMenu", "strmenu": "appendStrMenu",
           "file": "appendFile", "folder": "appendFolder", "pulse": "appendPulse",
           "header": "appendHeader"}


def _usage(what: str) -> str:
    return (f"{what} DotLOPUtils must be mixed into an operator class "
            f"(class MyOp(DotLOPUtils, BaseCOMP)) or be the base of an extension made "
            f"with its owner: MyExt(ownerComp), or comp.addExtension(MyExt)")
