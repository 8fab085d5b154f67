"""LoopbackCluster: a Dask scheduler and its workers as child processes on loopback.

What `DaskFarm` starts for an empty ``Scheduler``. A `distributed.LocalCluster`
made with ``asynchronous=True`` runs its scheduler on the caller's loop, here the
host's: every task the scheduler assigns, every message from a worker, is handled
between the host's frames, in the host's process. This cluster runs the scheduler
in a process of its own instead (``python -m distributed.cli.dask_scheduler``), and
the workers in another (``distributed.cli.dask_worker --nworkers N``: one nanny per
worker process, as a LocalCluster has), so only the client stays on the host's loop.

The children are started with `subprocess.Popen`, not asyncio's subprocesses: the
host's loop counts a subprocess transport as outside work until the child exits,
which would pace every non-realtime frame to real time for as long as the cluster
lives. Waiting for the cluster to start is outside work all the same: the farm
awaits it inside ``outside_work()``.

Each child starts through a few lines of bootstrap (`CHILD_BOOTSTRAP`) before Dask's
command line runs (not ``preexec_fn``, which is unsafe once the host has threads;
Dask's own offload thread is one). On Linux it asks the kernel for SIGTERM when the
host dies (``prctl(PR_SET_PDEATHSIG)``), so a killed host leaves no cluster behind;
the nannies' worker processes follow their nanny out (Dask watches the parent).
Elsewhere a killed host can leave the children running.

Once all the workers have joined, the farm lowers the priority of every process of
the cluster (`wait_for_workers`): when the machine is short of CPU, frames win and
the cluster's throughput gives. Not before: niced from birth, two fresh Pythons
importing Dask on a loaded 2-core machine took ~20 s to start instead of ~2-5 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["CHILD_BOOTSTRAP", "LoopbackCluster", "LoopbackClusterError"]

#: Wall seconds `LoopbackCluster.start` waits for the scheduler to write its address.
START_SECONDS = 60.0
#: Wall seconds `LoopbackCluster.close` waits for a child after SIGTERM, then SIGKILL.
CLOSE_SECONDS = 10.0
#: Seconds between two looks at a child or the scheduler file.
POLL_SECONDS = 0.05
#: Seconds of one wait for the workers, between two checks that the processes live.
WORKERS_POLL_SECONDS = 0.5
#: Niceness added to the workers' and to the scheduler's processes once they are up
#: (see docs/scale-out.md for what each costs the frames under load).
WORKER_NICENESS = 10
SCHEDULER_NICENESS = 10

#: ``python -c CHILD_BOOTSTRAP PARENT_PID MODULE ARGS...``: die with the parent
#: (Linux), then run ``MODULE`` as ``python -m`` would.
CHILD_BOOTSTRAP = """\
import os, sys
parent, module = int(sys.argv[1]), sys.argv[2]
if sys.platform.startswith("linux"):
    import ctypes, signal
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
if os.getppid() != parent:
    sys.exit("framehost: the host exited before this Dask process started")
sys.argv = [module, *sys.argv[3:]]
import runpy
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


class LoopbackClusterError(RuntimeError):
    """A child of the cluster failed to start (its output is in the message)."""


class LoopbackCluster:
    """A ``dask scheduler`` and a ``dask worker --nworkers N`` on 127.0.0.1.

    Args:
        workers: worker processes (one thread each: pure-Python work holds the GIL).
        worker_niceness, scheduler_niceness: added to each child's niceness
            (default: `WORKER_NICENESS`, `SCHEDULER_NICENESS`).
    """

    def __init__(self, workers: int, *, worker_niceness: int | None = None,
                 scheduler_niceness: int | None = None) -> None:
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"LoopbackCluster() expected a positive number of workers, "
                             f"got {workers!r}")
        self.workers = workers
        self._niceness = (
            SCHEDULER_NICENESS if scheduler_niceness is None else scheduler_niceness,
            WORKER_NICENESS if worker_niceness is None else worker_niceness)
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._log: IO[bytes] | None = None
        #: (the module each runs, its process), scheduler first.
        self._procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._address: str | None = None

    @property
    def scheduler_address(self) -> str | None:
        """``tcp://127.0.0.1:PORT`` once `start` returned; None before."""
        return self._address

    async def start(self, seconds: float = START_SECONDS) -> str:
        """Start both children; the scheduler's address once it listens.

        The workers start beside the scheduler (both read its address from one
        file), so the two imports of Dask overlap; they may still be connecting
        when this returns (`DaskFarm` waits for them through its client).

        Raises:
            LoopbackClusterError: a child exited, or no address within ``seconds``.
        """
        if self._procs:
            raise RuntimeError("LoopbackCluster.start() called twice")
        self._folder = tempfile.TemporaryDirectory(prefix="framehost-dask-")
        folder = Path(self._folder.name)
        info = folder / "scheduler.json"
        self._log = (folder / "cluster.log").open("wb")
        self._spawn("distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                    "--port", "0", "--no-dashboard", "--scheduler-file", str(info))
        self._spawn("distributed.cli.dask_worker", "--scheduler-file", str(info),
                    "--host", "127.0.0.1", "--nworkers", str(self.workers),
                    "--nthreads", "1", "--no-dashboard")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (address := _address_in(info)) is None:
            self.check()
            if loop.time() > deadline:
                raise LoopbackClusterError(
                    f"the Dask scheduler wrote no address within {seconds:.0f} s"
                    f"{self._output()}")
            await asyncio.sleep(POLL_SECONDS)
        self._address = address
        return address

    async def wait_for_workers(self, client: Client, seconds: float = START_SECONDS) -> None:
        """Until all the workers have joined the scheduler (as awaiting a
        LocalCluster does); then every process of the cluster gets its niceness.

        Raises:
            LoopbackClusterError: a child exited, or the workers took longer than
                ``seconds``.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            self.check()
            with contextlib.suppress(TimeoutError):
                await client.wait_for_workers(self.workers, timeout=WORKERS_POLL_SECONDS)
                break
            if loop.time() > deadline:
                raise LoopbackClusterError(f"{self.workers} Dask workers did not join "
                                           f"within {seconds:.0f} s{self._output()}")
        worker_pids: dict[str, int] = await client.run(os.getpid)
        scheduler_nice, worker_nice = self._niceness
        # The worker command first: a worker process its nanny restarts inherits it.
        _lower_priority(self._procs[1][1].pid, worker_nice)
        for pid in worker_pids.values():
            _lower_priority(pid, worker_nice)
        _lower_priority(self._procs[0][1].pid, scheduler_nice)

    def check(self) -> None:
        """Raise `LoopbackClusterError` if a child has exited."""
        for module, proc in self._procs:
            if proc.poll() is not None:
                raise LoopbackClusterError(
                    f"{module} exited with code {proc.returncode}{self._output()}")

    async def close(self, seconds: float = CLOSE_SECONDS) -> None:
        """Stop the children (workers first: SIGTERM, then SIGKILL after ``seconds``)
        and remove their files. Idempotent; cancelled, it kills what is left."""
        try:
            for _, proc in reversed(self._procs):
                await _stop(proc, seconds)
        finally:
            for _, proc in self._procs:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
            self._procs = []
            if self._log is not None:
                self._log.close()
                self._log = None
            if self._folder is not None:
                self._folder.cleanup()
                self._folder = None

    def _spawn(self, module: str, *args: str) -> None:
        # Imported by the first start, not with the module: `operators` imports
        # this module, and importing dask costs a scene that never starts a
        # cluster a fifth of a second.
        import dask.config

        env = {**os.environ,
               # Workers import the functions sent by reference, as the host does.
               "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
               # The host's Dask settings (dask.config.set) hold in the children too.
               "DASK_INTERNAL_INHERIT_CONFIG": dask.config.serialize(dask.config.global_config)}
        self._procs.append((module, subprocess.Popen(
            [sys.executable, "-c", CHILD_BOOTSTRAP, str(os.getpid()), module, *args],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, env=env)))

    def _output(self) -> str:
        if self._folder is None:
            return ""
        with contextlib.suppress(OSError):
            text = (Path(self._folder.name) / "cluster.log").read_text(errors="replace")
            return "; its output ends:\n" + "\n".join(text.splitlines()[-20:])
        return ""


def _lower_priority(pid: int, niceness: int) -> None:
    """Add ``niceness`` to the process ``pid`` (ours: raising it needs no privilege)."""
    if not (pid and niceness):
        return
    with contextlib.suppress(AttributeError, OSError):  # no setpriority, or exited
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + niceness)


def _address_in(info: Path) -> str | None:
    """The address in the scheduler file, or None while it is missing or half written."""
    try:
        return str(json.loads(info.read_text())["address"])
    except (OSError, ValueError, KeyError):
        return None


async def _stop(proc: subprocess.Popen[bytes], seconds: float) -> None:
    """SIGTERM ``proc``, wait up to ``seconds`` (without blocking the loop), SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while proc.poll() is None and loop.time() < deadline:
            await asyncio.sleep(POLL_SECONDS)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
    proc.wait()  # reaped (after SIGKILL at once): no zombie, no ResourceWarning
