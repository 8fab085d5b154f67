"""DaskFarm: run functions on a Dask cluster from any operator, on the host's own loop.

Dask's client is native asyncio (``Client(asynchronous=True)``, awaitable futures),
so the farm creates it inside a task on the host's event loop: no second loop and
no thread of ours. The loop runs during frames (within TDAsyncIO's frame budget)
and, in realtime mode, while the host waits for the next frame, so the client's
messages are handled as they arrive and frames keep their rate while the cluster
works.

``Scheduler`` empty means a local cluster on loopback, started on first use and
closed with the host: a `LoopbackCluster`, whose scheduler and worker processes
(one thread each: the sieve and hashing workloads are pure Python and would hold
the GIL against the frame loop in threads) are child processes of the host, at a
lower priority. It behaves as the `distributed.LocalCluster` the contract names,
but its scheduler does not run on the host's loop, as a LocalCluster's would, so
its work does not compete with the frames. An address (``tcp://10.0.0.5:8786``)
connects to that scheduler instead, and closing only disconnects. Either way `map`
hands the client work in chunks, a chunk per frame.

Every await on the cluster's work is inside ``outside_work()``, so with
``realtime=False`` frames are paced to real time while cluster futures are in flight;
the ``cluster_table`` poll is not (`DaskFarm._poll`), so an idle farm paces nothing.

Closed, the farm has tornado (under Dask's client) forget the host's loop
(`operators._tornado_loop`): tornado's process-wide map of loops would otherwise keep
a closed host alive.

Functions and arguments go through `operators.dask_by_value`: what a worker cannot
import (a scene file's function, a test module's) is sent by value, so scenes run on
any cluster. A task that stops waiting (cancelled, timed out) cancels its futures on
the cluster and lets Dask's own gather end by itself: cancelling that gather midway
would leave its helper tasks to fail unobserved ("Task exception was never
retrieved"). A call still waiting when the farm closes (the host closing, or the
farm destroyed) raises `asyncio.CancelledError`: its task ends cancelled, as every
other task the host's close stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from asyncio_comp.outside_work import outside_work
from asyncio_comp.progress import current_task_id, report_progress
from operators._tornado_loop import forget_tornado_loop
from operators.dask_by_value import ship_all, ship_call
from operators.dask_cluster_table import ClusterTable, worker_rows
from operators.dask_loopback import LoopbackCluster
from operators.dot_lop_utils import DotLOPUtils
from td.current import operator_code
from td.network import BaseCOMP
from td.params import IntPar, Par, PulsePar, StrPar
from td.table import TableDAT

if TYPE_CHECKING:
    from distributed import Client, Future

    from td.hooks import Hook

__all__ = ["DaskFarm"]

log = logging.getLogger("framehost.dask")

T = TypeVar("T")

#: Host seconds between two polls of the scheduler for ``cluster_table``.
POLL_SECONDS = 0.25
#: Host seconds between two progress reports of a `map` inside a tracked task.
PROGRESS_SECONDS = 0.1
#: Items `map` hands to ``client.map`` per frame, and results it gathers and releases
#: per message: a big map is spread over frames instead of stalling one (gathering
#: a thousand results at once holds the loop for several frames' worth).
MAP_CHUNK = 100
#: Wall seconds host close waits for the client and the loopback cluster to shut down.
CLOSE_SECONDS = 20.0


def _check_callable(fn: object, where: str) -> None:
    if not callable(fn):
        raise TypeError(f"{where}() expected a function to run on the cluster, got {fn!r}")


class DaskFarm(DotLOPUtils, BaseCOMP):
    """Runs functions on a Dask cluster; its ``cluster_table`` lists the workers."""

    parameters: ClassVar = (
        StrPar("Scheduler", "", help="scheduler address (tcp://host:8786); empty = a "
               "local cluster on loopback (scheduler and workers in child processes), "
               "started on first use, closed with the host"),
        IntPar("Workers", 2, min=1, max=64, help="worker processes of the local cluster"),
        PulsePar("Restart", help="disconnect (and stop the local cluster); the next use "
                 "connects again with the current parameters"),
    )

    def onCreate(self) -> None:
        self.cluster_table = self.create(TableDAT, "cluster_table")
        self._table = ClusterTable(self.cluster_table)
        self._client: Client | None = None
        self._cluster: LoopbackCluster | None = None
        self._connecting: asyncio.Task[Client] | None = None
        self._poller: asyncio.Task[None] | None = None
        # Cancellations sent to the cluster after their awaiting task stopped.
        self._cleanup: set[asyncio.Task[Any]] = set()
        # Gathers whose awaiting task stopped, left to end by themselves.
        self._abandoned: set[asyncio.Future[Any]] = set()
        # A restart's disconnect, run as a task of its own (see `restart`).
        self._restarting: asyncio.Task[None] | None = None
        self._closed = False
        self.host.on_close(self.close, owner=self)

    # -- the contract's API -------------------------------------------------------
    @property
    def client(self) -> Client | None:
        """The connected Dask client, or None before first use and after `close()`."""
        return self._client

    async def connect(self) -> Client:
        """The connected client, connecting (or starting the local cluster) if needed.

        Callers that arrive while a connection is being made share it; cancelling
        one of them does not stop it.
        """
        if self._closed:
            raise RuntimeError(f"{self.path}: the DaskFarm is closed; create a new one")
        if self._client is not None:
            return self._client
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._connect())
            self._connecting.add_done_callback(self._connect_ended)
        try:
            async with outside_work():
                return await asyncio.shield(self._connecting)
        except Exception as exc:
            self._raise_cancelled_if_closed(exc)
            raise

    async def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on the cluster; its result, or its exception.

        Raises:
            TypeError: ``fn`` is not callable (nothing is sent).
            Exception: whatever ``fn`` raised on the worker, with its traceback.
        """
        _check_callable(fn, "submit")
        shipped, shipped_args, shipped_kwargs = ship_call("submit", fn, args, kwargs)
        client = await self.connect()
        future = client.submit(shipped, *shipped_args, pure=False, **shipped_kwargs)
        results = await self._results(client, [future])
        return results[0]  # type: ignore[no-any-return]

    async def map(self, fn: Callable[..., T], iterable: Iterable[Any], /) -> list[T]:
        """``[fn(x) for x in iterable]`` on the cluster, in order.

        Inside a task started by TDAsyncIO, the task's progress follows the
        results as they arrive.

        Raises:
            TypeError: ``fn`` is not callable or ``iterable`` is not iterable.
            Exception: the first exception any call raised; the others are cancelled.
        """
        _check_callable(fn, "map")
        try:
            items = list(iterable)
        except TypeError:
            raise TypeError(f"map() expected an iterable of arguments, got {iterable!r}") from None
        if not items:
            return []
        (shipped, _, _) = ship_call("map", fn, (), {})
        items = ship_all(items, "map", "item")
        client = await self.connect()
        futures: list[Future[T]] = []
        try:
            for start in range(0, len(items), MAP_CHUNK):
                if start:
                    # One chunk per frame: the client batches what is sent within a
                    # few ms, so chunks sent an iteration apart would reach the
                    # scheduler as one big message, a long stall of the host's loop
                    # when the scheduler runs there.
                    await self.host.next_frame()
                futures.extend(client.map(shipped, items[start:start + MAP_CHUNK],
                                          pure=False))
        except BaseException:
            self._cancel(client, futures)
            raise
        return await self._results(client, futures, progress=current_task_id() is not None)

    async def restart(self) -> None:
        """Disconnect (stopping the local cluster if it is ours); the next use reconnects.

        The disconnect runs as a task of its own, shielded: cancelling the caller (the
        host closing, the farm destroyed) never stops it half-way, and the farm's
        close waits for it before its own pass (`_final_disconnect`), so a restart is
        either done whole or, asked for once the host is closing, refused (`onPulse`).

        Raises:
            RuntimeError: the farm is closed.
        """
        if self._closed:
            raise RuntimeError(f"{self.path}: the DaskFarm is closed; create a new one")
        restarting = self._restarting
        if restarting is None or restarting.done():
            restarting = self._restarting = asyncio.ensure_future(self._disconnect())
        await asyncio.shield(restarting)

    def onPulse(self, par: Par) -> None:
        if par.name == "Restart":
            if self._closed or self.host.closed:
                # Its task would be dropped or cancelled by the close, which
                # disconnects anyway: say so rather than start what cannot finish.
                raise RuntimeError(f"{self.path}: Restart refused: the host is closing "
                                   f"(the farm disconnects as it closes)")
            self.run_async_task(self.restart(), description=f"{self.path} restart")

    # -- connecting ---------------------------------------------------------------
    async def _connect(self) -> Client:
        """Connect to ``Scheduler``, or start the local cluster and connect to it.

        ``distributed`` is imported here, by the first use of a farm, and not when
        this module is: importing it takes most of a second, and every scene that
        imports `operators` (for `DotLOPUtils`, say) would pay that at startup.
        """
        from distributed import Client

        address = self.par.Scheduler.eval().strip()
        cluster = None
        if address:
            client = await Client(address, asynchronous=True, set_as_default=False)
        else:
            cluster = LoopbackCluster(self.par.Workers.eval())
            try:
                client = await Client(await cluster.start(), asynchronous=True,
                                      set_as_default=False)
                try:
                    await cluster.wait_for_workers(client)
                except BaseException:
                    await _close_client(client)
                    raise
            except BaseException:
                await cluster.close()
                raise
        if self._closed:
            await _close_client(client)
            if cluster is not None:
                await cluster.close()
            raise RuntimeError(f"{self.path}: the DaskFarm closed while connecting")
        self._client, self._cluster = client, cluster
        self._poller = asyncio.ensure_future(self._poll(client))
        return client

    def _connect_ended(self, task: asyncio.Task[Client]) -> None:
        if task.cancelled() or task.exception() is not None:
            # The next caller tries again (a scheduler that was down may be up).
            self._connecting = None

    async def _poll(self, client: Client) -> None:
        """Refresh ``cluster_table`` from the scheduler a few times per host second.

        Not ``outside_work()``: the table only shows the cluster, and no task waits
        on it, so in virtual time an idle farm holds nothing and its table follows the
        scheduler's replies as they come (while a task of the program's work runs,
        this poll is its work, and its reads are held as any other)."""
        while client.status == "running":
            try:
                identity = await client.scheduler.identity()
                processing = await client.scheduler.processing()
            except OSError as exc:  # CommClosedError too: the scheduler went away
                log.warning("%s: polling the scheduler failed: %s", self.path, exc)
            else:
                self._table.update(worker_rows(identity.get("workers", {}), processing))
            await asyncio.sleep(POLL_SECONDS)

    # -- waiting for results ------------------------------------------------------
    async def _results(self, client: Client, futures: list[Future[Any]],
                       progress: bool = False) -> list[Any]:
        gathering = asyncio.ensure_future(_gather_in_chunks(client, futures))
        try:
            async with outside_work():
                if progress and len(futures) > 1:
                    await self._follow(gathering, futures)
                # Shielded: a cancellation stops this wait, never Dask's gather.
                results: list[Any] = await asyncio.shield(gathering)
            if progress:
                report_progress(1.0)
            return results
        except BaseException as exc:
            if not gathering.done():
                self._cancel(client, futures)  # the gather then ends by itself
                self._abandoned.add(gathering)
                gathering.add_done_callback(self._abandoned_ended)
            if isinstance(exc, Exception):
                self._raise_cancelled_if_closed(exc)
            raise

    def _abandoned_ended(self, gathering: asyncio.Future[Any]) -> None:
        self._abandoned.discard(gathering)
        if not gathering.cancelled():
            gathering.exception()  # retrieved: its futures were cancelled on purpose

    def _raise_cancelled_if_closed(self, exc: Exception) -> None:
        """A wait the farm's close ended raises CancelledError: the task was stopped,
        it did not fail."""
        if self._closed:
            raise asyncio.CancelledError(f"{self.path}: the DaskFarm closed") from exc

    @staticmethod
    async def _follow(gathering: asyncio.Future[Any], futures: list[Future[Any]]) -> None:
        """Report the share of ``futures`` done, `PROGRESS_SECONDS` apart, until gathered.

        Counting ``done()`` a few times a second costs next to nothing even for
        thousands of futures; Dask's ``as_completed`` would run a coroutine per future.
        """
        shown = -1
        while not gathering.done():
            await asyncio.wait((gathering,), timeout=PROGRESS_SECONDS)
            done = sum(1 for f in futures if f.done())
            if done != shown:
                shown = done
                report_progress(done / len(futures))

    def _cancel(self, client: Client, futures: list[Future[Any]]) -> None:
        """Cancel ``futures`` on the cluster without waiting (the caller is unwinding)."""
        pending = [f for f in futures if not f.done()]
        if not pending or client.status != "running":
            return
        task = asyncio.ensure_future(client.cancel(pending))
        self._cleanup.add(task)
        task.add_done_callback(self._cleanup_ended)

    def _cleanup_ended(self, task: asyncio.Task[Any]) -> None:
        self._cleanup.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("%s: cancelling futures failed: %r", self.path, task.exception())

    # -- shutting down ------------------------------------------------------------
    async def _final_disconnect(self) -> None:
        """The close's disconnect: after a restart's still in flight (which holds the
        client and cluster it took), so the close neither returns while that one is
        cut short nor misses what it has not reached."""
        restarting, self._restarting = self._restarting, None
        if restarting is not None and not restarting.done():
            await asyncio.wait((restarting,))
        await self._disconnect()

    async def _disconnect(self) -> None:
        try:
            async with outside_work():  # non-realtime: clients and processes end in real time
                await self._close_all()
        finally:
            if self._closed:
                # Done with tornado on this loop; its process-wide map of loops would
                # keep the host's loop, and the Host, alive after close.
                forget_tornado_loop(asyncio.get_running_loop())

    async def _close_all(self) -> None:
        connecting, self._connecting = self._connecting, None
        if connecting is not None and not connecting.done():
            # Not cancelled: a start stopped half-way would have to undo itself
            # while being cancelled. It finishes, then is closed below (or by
            # `_connect` itself when the farm closed meanwhile).
            await asyncio.wait((connecting,))
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        if self._cleanup:
            await asyncio.gather(*self._cleanup, return_exceptions=True)
        client, self._client = self._client, None
        cluster, self._cluster = self._cluster, None
        if client is not None:
            await _close_client(client)
        if self._abandoned:
            # Closed, the client has cancelled the futures they wait on.
            await asyncio.wait(list(self._abandoned), timeout=CLOSE_SECONDS)
            for gathering in list(self._abandoned):
                gathering.cancel()
        if cluster is not None:
            await cluster.close()
        if self.cluster_table.valid:
            self._table.clear()

    def close(self) -> None:
        """Disconnect and stop the local cluster (idempotent; the host calls it on close).

        On host close its processes, threads and sockets are gone when this returns.
        Destroyed while the host runs, the farm disconnects in a task instead, which
        a host closing meanwhile lets end before it stops the loop.
        """
        if self._closed:
            return
        self._closed = True
        loop = self.asyncio_comp.loop
        if loop.is_closed():
            forget_tornado_loop(loop)
            return
        realtime = self.host.realtime

        def run_closing(work: Coroutine[Any, Any, object]) -> None:
            # Reads nothing of the farm: it may be destroyed by the time this runs.
            if not realtime:
                # Dask's messages are flushed on loop timers, and virtual time stands
                # still once frames stop: during the host's close the loop's time
                # follows the wall clock (host.seconds stays where the run ended).
                loop.follow_wall_clock(time.monotonic)
            _run_to_end(loop, work, CLOSE_SECONDS)

        if self.host.closed and not loop.is_running():
            run_closing(self._final_disconnect())
            return
        began: asyncio.Future[None] = loop.create_future()
        ended: asyncio.Future[None] = loop.create_future()

        def finish() -> None:
            if loop.is_closed() or ended.done():
                return
            if began.done():
                run_closing(asyncio.wait((ended,)))
            else:  # not started yet (a task starts in a frame): TDAsyncIO drops it
                run_closing(self._final_disconnect())

        # Should the host close before the task below ends, its close would cancel it
        # half-way, leaving the client connected (and a loopback cluster running):
        # this hook, run before TDAsyncIO's (close hooks run last-registered first),
        # lets it end first.
        hook = None if self.host.closed else self.host.on_close(finish)
        # Submitted as no operator's code: run as the farm's, the task would be the
        # farm's own, and a destroyed operator's tasks are cancelled, leaving the
        # client connected (and a loopback cluster running).
        with operator_code(None):
            self.asyncio_comp.ext.AsyncIOManager.Run(
                self._disconnect_noting(began, ended, hook), description=f"{self.path} close")

    async def _disconnect_noting(self, began: asyncio.Future[None], ended: asyncio.Future[None],
                                 hook: Hook | None) -> None:
        began.set_result(None)
        try:
            await self._final_disconnect()
        finally:
            if hook is not None:
                hook.detach()
            ended.set_result(None)

    def onDestroy(self) -> None:
        self.close()


async def _gather_in_chunks(client: Client, futures: list[Future[Any]]) -> list[Any]:
    """The results of ``futures`` in order, `MAP_CHUNK` per message, each chunk as soon
    as it is done (later chunks compute meanwhile).

    Each chunk is released once gathered: released all at once when `map` returned,
    1,000 futures made the scheduler forget 1,000 tasks in one callback of 20-30 ms
    (on the host's loop, where a LocalCluster's scheduler ran; a scheduler in
    another process, or another machine, is spared the burst too).
    """
    results: list[Any] = []
    for start in range(0, len(futures), MAP_CHUNK):
        chunk = futures[start:start + MAP_CHUNK]
        results.extend(await client.gather(chunk))
        for future in chunk:
            future.release()
    return results


async def _close_client(client: Client) -> None:
    """Close ``client`` and end its batched sender, which its close can leave waiting.

    Dask's client sends to the scheduler through a ``BatchedSend``, whose coroutine
    waits on the host's loop for the next message. The client's close stops it only
    if the comm is still open, and the scheduler, told the client is leaving, usually
    closes its end first: the coroutine is left waiting for ever, and once the loop is
    closed nothing but the garbage collector ends it. Collected, it takes what it
    reaches (the client, its futures, the awaiting task's record) into a second
    collection. Aborting it (a closed comm is not touched) wakes it to return on the
    loop's next iteration, while the farm's close still runs the loop.
    """
    await client.close()
    sender = getattr(client, "scheduler_comm", None)
    if sender is not None and not sender.please_stop:
        sender.abort()


def _run_to_end(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, object],
                seconds: float) -> None:
    """Run ``coro`` on the idle ``loop`` until it ends, for at most ``seconds`` of wall time.

    Not ``run_until_complete``: with ``realtime=False`` the loop's clock is the
    frame's time, which stands still between frames, so a timeout inside the
    shutdown would never fire. Wall time bounds it instead (process exits and
    socket closes are real-time events).
    """
    task = loop.create_task(coro)
    deadline = time.monotonic() + seconds
    while not task.done():
        if time.monotonic() > deadline and not task.cancelling():
            log.warning("DaskFarm shutdown took over %.0f s; cancelling it", seconds)
            task.cancel()
            deadline = time.monotonic() + 1.0
        elif task.cancelling() and time.monotonic() > deadline:
            break
        loop.call_soon(loop.stop)
        loop.run_forever()
        time.sleep(0.001)  # the loop polls without waiting; give the processes the CPU
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]
