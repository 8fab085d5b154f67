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
``self.ChatTD`` and ``self.logger`` are there, found through the owner's own host,
so there is nothing to wire and no global to set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from asyncio_comp.component import TDAsyncIO
from asyncio_comp.records import TaskOutcome
from asyncio_comp.validation import close_given
from td.network import OP, BaseCOMP

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
    def logger(self) -> logging.Logger:
        """A logger named after the owner's path (``/project/chat``)."""
        return logging.getLogger(self._owner_operator().path)

    def run_async_task(
        self,
        coroutines: Coroutine[Any, Any, Any] | list[Coroutine[Any, Any, Any]],
        description: str | None = None,
        completion_callback: Callable[[TaskOutcome], object] | None = None,
        info: Any = None,
        timeout: float | None = None,
    ) -> int | list[int]:
        """Submit work to TDAsyncIO; forwards to ``Run`` and returns what it returns."""
        try:
            manager = self.asyncio_comp.ext.AsyncIOManager
        except BaseException:
            close_given(coroutines)
            raise
        return manager.Run(coroutines, description=description, info=info,  # type: ignore[no-any-return]
                           timeout=timeout, completion_callback=completion_callback)

    def _owner_operator(self) -> OP:
        if not isinstance(self, OP) and "_dot_lop_owner" not in self.__dict__:
            raise TypeError(_usage(f"{type(self).__name__} has no ownerComp;"))
        return self.ownerComp


def _usage(what: str) -> str:
    return (f"{what} DotLOPUtils must be mixed into an operator class "
            f"(class MyOp(DotLOPUtils, BaseCOMP)) or be the base of an extension made "
            f"with its owner: MyExt(ownerComp), or comp.addExtension(MyExt)")
