"""Host: a `HostCore` with ``/ChatTD/TDAsyncIO`` already in place.

The one place the engine and TDAsyncIO are put together: the rest of ``host/`` (the
CLI, the views, the pytest plugin) reads TDAsyncIO's records, rows and statuses but
never builds the component.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

# TD's own modules: importing them makes ``tdu`` a global and each reachable as
# ``op.TDModules.mod.<name>``, as they are in every TouchDesigner project.
import TDFunctions as TDFunctions
import TDJSON as TDJSON
import TDStoreTools as TDStoreTools
import tdu as tdu
from asyncio_comp.component import TDAsyncIO, component_for
from asyncio_comp.worker.comp import SerialWorkerCOMP, create_worker
from td.core import HostCore
from td.gc_policy import GcMode
from td.network import BaseCOMP

if TYPE_CHECKING:
    from asyncio_comp.manager import AsyncIOManager

__all__ = ["Host"]


class Host(HostCore):
    """A ready host: frame clock, network, and the TDAsyncIO component.

    ``profile="lops"`` makes TDAsyncIO behave as the LOPs manager does (ids from 0,
    plain-string statuses, callbacks on completed and failed only, ...), so a test
    fails here when its code would fail in TouchDesigner.

    >>> with Host(fps=60, realtime=False) as host:
    ...     host.step(3)
    """

    def __init__(
        self,
        fps: float = 60.0,
        realtime: bool = True,
        *,
        time_function: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
        gc: GcMode = "frame",
        profile: str = "framehost",
    ) -> None:
        # Checked before anything is built: a bad name leaves no host half made.
        component = component_for(profile)
        super().__init__(fps, realtime, time_function=time_function, sleep=sleep, gc=gc)
        chat = self.root.create(BaseCOMP, "ChatTD")
        chat.par.opshortcut = "ChatTD"  # op.ChatTD, as in LOPs
        self._asyncio_comp = chat.create(component, "TDAsyncIO")

    @property
    def asyncio_comp(self) -> TDAsyncIO:
        """``/ChatTD/TDAsyncIO``."""
        return self._asyncio_comp

    @property
    def profile(self) -> str:
        """How TDAsyncIO behaves: ``"framehost"`` (the default) or ``"lops"``, as the
        LOPs manager does (docs/api.md, "Profiles")."""
        return self._asyncio_comp.profile.name

    @property
    def tasks(self) -> AsyncIOManager:
        """Shortcut for ``host.op('/ChatTD/TDAsyncIO').ext.AsyncIOManager``."""
        return self._asyncio_comp.manager

    def create_worker(self, name: str = "Worker", *, history_size: int = 64) -> SerialWorkerCOMP:
        """A `SerialWorkerCOMP` at ``/ChatTD/<name>``; the host stops its thread on close."""
        return create_worker(self, name, history_size=history_size)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The host's one event loop (owned and stepped by TDAsyncIO)."""
        return self._asyncio_comp.loop
