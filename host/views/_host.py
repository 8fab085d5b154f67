"""What a view reads of its host: `ViewedHost`, which `host.Host` fits.

Views sit above the assembled `Host` in meaning but below it in the tree: the CLI
and the run command (package ``host``) build views, so if views imported
``host.assemble`` the packages ``host`` and ``host.views`` would import each other.
Views name the host through this protocol instead, and the packages go one way:
``host`` -> ``host.views``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from td.network import OperatorHost

if TYPE_CHECKING:
    from asyncio_comp.component import TDAsyncIO
    from asyncio_comp.manager import AsyncIOManager
    from td.blame import FrameBlame, FrameSpan
    from td.core import HostCore

__all__ = ["ViewedHost"]


class ViewedHost(OperatorHost, Protocol):
    """The host a view draws: an operator's host plus TDAsyncIO and the frame callbacks."""

    @property
    def asyncio_comp(self) -> TDAsyncIO: ...

    @property
    def tasks(self) -> AsyncIOManager: ...

    def on_frame_start(self, fn: Callable[[HostCore], object]) -> Callable[[HostCore], object]: ...

    def on_frame_end(self, fn: Callable[[HostCore], object], *, view: bool = False
                     ) -> Callable[[HostCore], object]: ...

    @property
    def blame(self) -> FrameBlame: ...

    def add_frame_listener(self, fn: Callable[[FrameSpan], object]
                           ) -> Callable[[FrameSpan], object]: ...

    def remove_frame_listener(self, fn: Callable[[FrameSpan], object]) -> bool: ...

    def remove_callback(self, fn: Callable[[HostCore], object]) -> bool: ...
