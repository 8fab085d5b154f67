"""TDAsyncIO: the COMP at ``/ChatTD/TDAsyncIO`` that owns the host's event loop.

It reaches the host only through the operator API any user has: its parameters,
a child ``task_table`` DAT, ``host.on_cook``/``host.on_close`` and ``host.time()``.
The work itself lives in its extension, `AsyncIOManager` (``comp.ext.AsyncIOManager``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from asyncio_comp.current_loop import CurrentLoop
from asyncio_comp.lops_manager import LopsAsyncIOManager
from asyncio_comp.lops_profile import LopsProfile
from asyncio_comp.manager import AsyncIOManager
from asyncio_comp.profile import PROFILES, Profile
from asyncio_comp.table_sync import TaskTableSync
from asyncio_comp.worker.serial_worker import listen_for_destroys
from td.core import HostCore
from td.network import BaseCOMP
from td.params import FloatPar, Par, PulsePar, TogglePar
from td.table import TableDAT

__all__ = ["TDAsyncIO", "component_for"]


class TDAsyncIO(BaseCOMP):
    """The TDAsyncIO component; see the module docstring.

    Its profile (`asyncio_comp.profile`) is its class's: `component_for` names the
    class for each; ``TDAsyncIO`` itself is framehost's.
    """

    #: The name of the profile this class of component behaves by.
    profile_name: ClassVar[str] = "framehost"

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
        make_profile, manager_class = _PROFILES[self.profile_name]
        self.profile = make_profile(host)
        self.manager = manager_class(
            host, TaskTableSync(self.task_table, host.time, self.profile.cells),
            profile=self.profile, active=bool(par.Active.eval()),
            frame_budget_ms=par.Framebudget.eval(), clear_after=par.Clearafter.eval())
        self.loop = self.manager.loop
        # Promoted, as in LOPs: op('/ChatTD/TDAsyncIO').Run(...), op.TDAsyncIO.CancelTask(id).
        self.addExtension(self.manager, "AsyncIOManager")
        self.par.opshortcut = "TDAsyncIO"
        # The host's loop is the thread's current one, as in TD (see current_loop.py);
        # onDestroy gives the previous one back (the host's close destroys us too).
        self._current_loop = CurrentLoop(self.loop)
        host.on_frame_start(self._current_loop.claim)
        # The cook marks no owner: tasks and completion callbacks run as their own.
        host.on_cook(self.manager.cook, owner=self, as_owner=False)
        host.on_close(self.manager.close, owner=self)
        host.on_destroy(self.manager.operators_destroyed)
        listen_for_destroys(host)  # and the jobs they submitted to any SerialWorker

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
        host = self.host
        manager, current_loop = self.manager, self._current_loop
        host.remove_destroy_listener(manager.operators_destroyed)
        host.remove_callback(current_loop.claim)

        def close() -> None:
            manager.close()
            current_loop.release()

        if not self.loop.is_running():
            close()
            return
        # Destroyed by a task or a callback on its own loop, which cannot be closed
        # from inside: it closes at the end of this frame, once the loop's step has
        # returned (or with the host, if that closes first).
        def close_at_frame_end(_host: object) -> None:
            host.remove_callback(close_at_frame_end)
            close()

        host.on_frame_end(close_at_frame_end)
        host.on_close(close)


class LopsTDAsyncIO(TDAsyncIO):
    """TDAsyncIO in the LOPs profile (``Host(profile="lops")``)."""

    profile_name: ClassVar[str] = "lops"


def _lops_profile(host: HostCore) -> Profile:
    # Epoch seconds at host time 0, read once: LOPs shows time.time(); host time
    # stays what decides (exact in virtual time).
    return LopsProfile(epoch=time.time() - host.time())


#: Each profile's strategy (made per component) and manager class: the one place
#: that maps a profile's name to its behaviour.
_PROFILES: dict[str, tuple[Callable[[HostCore], Profile], type[AsyncIOManager]]] = {
    "framehost": (lambda host: Profile(), AsyncIOManager),
    "lops": (_lops_profile, LopsAsyncIOManager),
}
_COMPONENTS: dict[str, type[TDAsyncIO]] = {"framehost": TDAsyncIO, "lops": LopsTDAsyncIO}
assert tuple(_PROFILES) == tuple(_COMPONENTS) == PROFILES


def component_for(profile: str, where: str = "Host()") -> type[TDAsyncIO]:
    """The TDAsyncIO class that behaves by ``profile`` (``"framehost"`` or ``"lops"``);
    ``where`` names the caller in the error.

    Raises:
        ValueError: ``profile`` is not a profile's name.
    """
    component = _COMPONENTS.get(profile) if isinstance(profile, str) else None
    if component is None:
        names = " or ".join(repr(name) for name in PROFILES)
        raise ValueError(f"{where} expected profile {names}, got {profile!r}")
    return component
