"""SerialWorkerCOMP: a `SerialWorker` that lives in the operator network.

The operator owns one worker, stops it when the host closes (or the operator is
destroyed), mirrors its tasks into a child ``worker_table`` DAT at the end of every
frame, and hands views an immutable `WorkerSnapshot`. Like TDAsyncIO it reaches the
host only through the operator API: ``host.on_cook``, ``host.on_close``, ``host.time``.

The worker itself is thread-agnostic: get it on the host's thread
(``comp.worker`` or ``comp.ext.SerialWorker``) and submit from any thread.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from asyncio_comp.worker.serial_worker import SerialWorker, WorkerSnapshot, listen_for_destroys
from asyncio_comp.worker.table import WorkerTableSync
from td.network import BaseCOMP
from td.params import IntPar, Par, PulsePar, TogglePar
from td.table import TableDAT

if TYPE_CHECKING:
    from asyncio_comp.worker.task import WorkerTask
    from td.network import OperatorHost

__all__ = ["WORKERS_PARENT", "SerialWorkerCOMP", "create_worker", "find_workers"]

log = logging.getLogger("framehost.worker")

T = TypeVar("T")

#: Where `create_worker` puts the workers a host makes.
WORKERS_PARENT = "/ChatTD"

# Each host's worker COMPs, in creation order, kept as they are made and destroyed:
# views ask for them on every redraw (`find_workers`), and a walk of the network
# cost them in proportion to every operator it holds. Touched on the host's thread
# only (operators are made and destroyed there).
_workers: weakref.WeakKeyDictionary[OperatorHost, list[SerialWorkerCOMP]] = (
    weakref.WeakKeyDictionary())


@runtime_checkable
class WorkSources(Protocol):
    """What the worker needs of the host loop's ``OutsideWork`` (``loop.outside``),
    named here so that the worker imports nothing of its parent package."""

    def add_source(self, count: Callable[[], int]) -> None: ...

    def remove_source(self, count: Callable[[], int]) -> bool: ...


class SerialWorkerCOMP(BaseCOMP):
    """A serial worker queue as an operator; see the module docstring."""

    parameters = (
        IntPar("Historysize", 64, min=0, label="History Size",
               help="finished tasks kept in the history and the table"),
        TogglePar("Updatetable", True, label="Update Table"),
        PulsePar("Clearhistory", label="Clear History"),
        PulsePar("Cancelpending", label="Cancel Pending Tasks"),
    )

    #: How long closing the host waits for a running callable before giving up on it
    #: (the thread is a daemon, so it cannot keep the process alive).
    STOP_TIMEOUT_SECONDS = 30.0

    def onCreate(self) -> None:
        host = self.host
        self._worker = SerialWorker(self.par.Historysize.eval(), name=self.path,
                                    time_function=host.time)
        # Queued and running jobs are work outside the host's loop (a `host.Host`
        # has one): while there are any, non-realtime frames are paced to real time.
        outside = getattr(getattr(host, "loop", None), "outside", None)
        self._outside = outside if isinstance(outside, WorkSources) else None
        if self._outside is not None:
            self._outside.add_source(self.jobs_in_flight)
        self.worker_table = self.create(TableDAT, "worker_table")
        self._table: WorkerTableSync | None = WorkerTableSync(self.worker_table,
                                                              self._worker.watch())
        self._snapshot_key: tuple[int, float | None, int | None] | None = None
        self._snapshot: WorkerSnapshot | None = None
        self._shut_down = False
        self.addExtension(self._worker, "SerialWorker", promote=False)
        host.on_cook(self._cook, owner=self)
        host.on_close(self._shutdown, owner=self)
        listen_for_destroys(host)  # jobs a destroyed operator submitted are cancelled
        _workers.setdefault(host, []).append(self)

    # -- the public face -----------------------------------------------------------
    @property
    def worker(self) -> SerialWorker:
        """The worker; fetch it here, then use it from any thread."""
        self._guard.check(self)
        return self._worker

    def submit(self, fn: Callable[..., T], *args: Any, description: str | None = None,
               **kwargs: Any) -> WorkerTask[T]:
        """``self.worker.submit(...)``: queue a blocking call, get its task at once."""
        self._guard.check(self)
        return self._worker.submit(fn, *args, description=description, **kwargs)

    def snapshot(self, max_pending: int | None = None) -> WorkerSnapshot:
        """The queue for views: current task, pending in order, history newest first.

        Cached until the worker's state or the running task's progress moves, so a
        view may call it every frame.
        """
        self._guard.check(self)
        worker = self._worker
        current = worker.get_current_task()
        key = (worker.version, current.get_progress() if current is not None else None,
               max_pending)
        if key != self._snapshot_key or self._snapshot is None:
            self._snapshot = worker.snapshot(max_pending)
            self._snapshot_key = key
        return self._snapshot

    def Cancelpending(self) -> int:
        """Cancel every task still pending; how many were cancelled."""
        self._guard.check(self)
        return sum(task.cancel() for task in self._worker.get_pending_tasks())

    def Clearhistory(self) -> int:
        """Forget the finished tasks (and their rows); how many were forgotten."""
        self._guard.check(self)
        return self._worker.clear_completed_task_history()

    # -- operator hooks ---------------------------------------------------------------
    def onPulse(self, par: Par) -> None:
        if par.name == "Clearhistory":
            self.Clearhistory()
        elif par.name == "Cancelpending":
            self.Cancelpending()

    def onValueChange(self, par: Par, prev: Any) -> None:
        if par.name == "Historysize":
            self._worker.history_size = par.eval()
        elif par.name == "Updatetable":
            self._set_table_enabled(bool(par.eval()))

    def onDestroy(self) -> None:
        self._shutdown()
        workers = _workers.get(self.host)
        if workers is not None:  # by identity: an operator class may define __eq__
            workers[:] = [comp for comp in workers if comp is not self]

    # -- internals ----------------------------------------------------------------------
    def _set_table_enabled(self, enabled: bool) -> None:
        if self._table is not None:
            self._worker.unwatch(self._table.changes)
            self._table = None
        if enabled:
            # A fresh watch starts with every task the worker knows: a full rebuild.
            self._table = WorkerTableSync(self.worker_table, self._worker.watch())

    def _cook(self) -> None:
        if self._table is not None and self.valid:
            self._table.sync(self._worker.get_current_task())

    def jobs_in_flight(self) -> int:
        """Jobs queued or running on the worker now (any thread may ask)."""
        worker = self._worker
        return worker.get_task_pending_count() + (worker.get_current_task() is not None)

    def _shutdown(self) -> None:
        # Runs at host close and again when the network is torn down: wait for a
        # stuck thread once, not twice.
        if self._shut_down:
            return
        self._shut_down = True
        if self._outside is not None:
            self._outside.remove_source(self.jobs_in_flight)
            self._outside = None
        if not self._worker.stop(self.STOP_TIMEOUT_SECONDS):
            log.error("%s: the worker thread did not end within %g s", self.path,
                      self.STOP_TIMEOUT_SECONDS)


def create_worker(host: OperatorHost, name: str = "Worker", *,
                  history_size: int = 64) -> SerialWorkerCOMP:
    """Create a `SerialWorkerCOMP` under ``/ChatTD``; the host stops it when it closes.

    Raises:
        LookupError: the host has no ``/ChatTD`` COMP.
        ValueError: the name is taken or not a valid operator name.
    """
    parent = host.op(WORKERS_PARENT)
    if not isinstance(parent, BaseCOMP):
        raise LookupError(f"create_worker() expected a COMP at {WORKERS_PARENT!r}, "
                          f"found {parent!r}; create the host with host.Host()")
    history_par = SerialWorkerCOMP.parameters[0]
    history_size = history_par.validate(history_size, "create_worker() history_size")
    comp = parent.create(SerialWorkerCOMP, name)
    if history_size != comp.par.Historysize.eval():
        comp.par.Historysize = history_size
    return comp


def find_workers(host: OperatorHost) -> list[SerialWorkerCOMP]:
    """Every `SerialWorkerCOMP` in the host's network, in creation order (for views):
    kept as they are made and destroyed, so asking costs the workers, not the network."""
    workers = _workers.get(host)
    if not workers:
        return []
    alive = [comp for comp in workers if comp.valid]
    if len(alive) != len(workers):  # one whose onDestroy (overridden) did not run
        workers[:] = alive
    return alive
