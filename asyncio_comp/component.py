"""TDAsyncIO: the COMP at ``/ChatTD/TDAsyncIO`` that owns the host's event loop.

It reaches the host only through the operator API any user has: its parameters,
a child ``task_table`` DAT, ``host.on_cook``/``host.on_close`` and ``host.time()``.
The work itself lives in its extension, `AsyncIOManager` (``comp.ext.AsyncIOManager``).
"""

from __future__ import annotations

from typing import Any

from asyncio_comp.current_loop import CurrentLoop
from asyncio_comp.manager import AsyncIOManager
from asyncio_comp.table_sync import TaskTableSync
from td.core import HostCore
from td.network import BaseCOMP
from td.params import FloatPar, Par, PulsePar, TogglePar
from td.table import TableDAT

__all__ = ["TDAsyncIO"]


class TDAsyncIO(BaseCOMP):
    """The TDAsyncIO component; see the module docstring."""

    parameters = (
        FloatPar("Clearafter", 60.0, min=0.0, label="Clear After",
                 help="seconds a finished task stays in the table"),
        TogglePar("Updatetable", True, label="Update Table"),
        TogglePar("Active", True, help="off pauses stepping the event loop"),
        FloatPar("Framebudget", 4.0, min=0.05, max=1000.0, label="Frame Budget (ms)",
                 help="realtime: wall time per frame the loop may drain ready work and admit "
                      "tasks (virtual time drains until idle)"),
        PulsePar("Cancelactive", label="Cancel Active Tasks"),
        PulsePar("Clearfinished", label="Clear Finished Tasks"),
        PulsePar("Clearall", label="Cancel & Clear All"),
    )

    def onCreate(self) -> None:
        host = self.host
        if not isinstance(host, HostCore):
            raise TypeError(f"TDAsyncIO needs a HostCore to step its loop, got {host!r}")
        self.task_table = self.create(TableDAT, "task_table")
        par = self.par
        self.manager = AsyncIOManager(
            host, TaskTableSync(self.task_table, host.time), active=bool(par.Active.eval()),
            frame_budget_ms=par.Framebudget.eval(), clear_after=par.Clearafter.eval())
        self.loop = self.manager.loop
        # Promoted, as in LOPs: op('/ChatTD/TDAsyncIO').Run(...), op.TDAsyncIO.CancelTask(id).
        self.addExtension(self.manager, "AsyncIOManager")
        self.par.opshortcut = "TDAsyncIO"
        # The host's loop is the thread's current one, as in TD (see current_loop.py);
        # onDestroy gives the previous one back (the host's close destroys us too).
        self._current_loop = CurrentLoop(self.loop)
        host.on_frame_start(self._current_loop.claim)
        host.on_cook(self.manager.cook, owner=self)
        host.on_close(self.manager.close, owner=self)
        host.on_destroy(self.manager.operators_destroyed)

    def onPulse(self, par: Par) -> None:
        action = {
            "Cancelactive": self.manager.Cancelactive,
            "Clearfinished": self.manager.Clearfinished,
            "Clearall": self.manager.Clearall,
        }.get(par.name)
        if action is not None:
            action()

    def onValueChange(self, par: Par, prev: Any) -> None:
        self.manager.apply_parameter(par.name, par.eval())

    def onDestroy(self) -> None:
        self.host.remove_destroy_listener(self.manager.operators_destroyed)
        self.manager.close()
        self.host.remove_callback(self._current_loop.claim)
        self._current_loop.release()
