"""DotLOPUtils: the LOPs mixin that gives an operator ``run_async_task``.

``class MyOp(DotLOPUtils, BaseCOMP)`` finds ``/ChatTD/TDAsyncIO`` through the
operator's own host, so there is nothing to wire and no global to set.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from asyncio_comp.component import TDAsyncIO
from asyncio_comp.records import TaskOutcome
from asyncio_comp.validation import close_given
from host.engine.network import OP

__all__ = ["ASYNCIO_COMP_PATH", "DotLOPUtils"]

ASYNCIO_COMP_PATH = "/ChatTD/TDAsyncIO"


class DotLOPUtils:
    """Mixin for operator classes: ``self.asyncio_comp`` and ``self.run_async_task()``."""

    @property
    def asyncio_comp(self) -> TDAsyncIO:
        """The host's TDAsyncIO component, found by path from this operator."""
        if not isinstance(self, OP):
            raise TypeError(f"DotLOPUtils must be mixed into an operator class "
                            f"(class MyOp(DotLOPUtils, BaseCOMP)), got {type(self).__name__}")
        comp = self.op(ASYNCIO_COMP_PATH)
        if not isinstance(comp, TDAsyncIO):
            raise LookupError(f"{self.path} found no TDAsyncIO at {ASYNCIO_COMP_PATH!r} "
                              f"(found {comp!r}); create the host with host.Host()")
        return comp

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
