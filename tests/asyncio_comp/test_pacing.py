"""Non-realtime frames never run ahead of work outside the loop.

Every test runs in virtual time. Outside work here is real (a server thread, a
thread, a child process, a worker job), so it takes real time; what is asserted is
the outcome (the request completes within its host-time timeout), the exact frame
inside timers fire in, and whether frames were paced (`paced_frames`).

Where a test checks that virtual time did not outrun real time, it compares them
one way only: real time elapsed >= host time covered (less one frame). Load can
only make real time longer, so such a check cannot fail on a slow machine.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from asyncio_comp import TaskStatus, outside_work
from host import Host
from host.testing import wait_for_tasks

#: Frames a test may run while waiting on real work: 60 s of paced frames.
BOUND = 3600


class SlowServer:
    """A TCP server on its own thread: each connection gets ``b"pong\\n"`` after
    ``delay`` real seconds (never, for None) to its first line."""

    def __init__(self, delay: float | None) -> None:
        self.delay = delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(100)
            if self.delay is None:
                self.stop.wait(30)
                return
            if not self.stop.wait(self.delay):
                conn.sendall(b"pong\n")
            self.stop.wait(30)

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        self.thread.join(5)


@pytest.fixture
def slow_server(request: pytest.FixtureRequest) -> Iterator[SlowServer]:
    server = SlowServer(request.param)
    try:
        yield server
    finally:
        server.close()


async def ask(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"ping\n")
        await writer.drain()
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()


def status(host: Host, task_id: int) -> TaskStatus:
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    result: TaskStatus = info["status"]
    return result


@pytest.mark.parametrize("slow_server", [0.3], indirect=True)
def test_a_request_answered_after_real_time_meets_its_host_time_timeout(
        host: Host, slow_server: SlowServer) -> None:
    """Before pacing, 121 virtual frames ran in the millisecond the reply took to
    come, and the 2 s timeout fired first."""
    started = time.monotonic()
    task_id = host.tasks.Run(ask(slow_server.port), timeout=2.0)
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    assert host.tasks.GetTaskResult(task_id) == b"pong\n"
    assert host.tasks.paced_frames > 0
    assert time.monotonic() - started >= host.seconds - 1 / host.fps


@pytest.mark.parametrize("slow_server", [None], indirect=True)
def test_a_hung_request_times_out_on_its_exact_frame_after_paced_frames(
        host: Host, slow_server: SlowServer) -> None:
    started = time.monotonic()
    task_id = host.tasks.Run(ask(slow_server.port), timeout=0.5)
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.TIMEOUT}
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["completed_at"] == 0.5  # frame 31 at 60 fps
    # Every frame of the wait was paced: the timeout took real time, not a blink.
    assert host.tasks.paced_frames >= 28
    assert time.monotonic() - started >= 0.5 - 1 / host.fps


@pytest.mark.parametrize("slow_server", [None], indirect=True)
def test_a_timer_beside_a_pending_socket_stays_frame_exact(
        host: Host, slow_server: SlowServer) -> None:
    request = host.tasks.Run(ask(slow_server.port), timeout=5.0)
    timer = host.tasks.Run(asyncio.sleep(0.1))
    assert wait_for_tasks(host, timer, BOUND) == {timer: TaskStatus.COMPLETED}
    info = host.tasks.GetTaskInfo(timer)
    assert info is not None and info["completed_at"] == 0.1
    assert host.frame == 7  # (7 - 1) / 60 s = 0.1 s
    assert status(host, request) is TaskStatus.RUNNING
    assert host.tasks.paced_frames >= 5


def test_to_thread_meets_its_timeout(host: Host) -> None:
    task_id = host.tasks.Run(asyncio.to_thread(time.sleep, 0.2), timeout=2.0)
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    assert host.tasks.paced_frames > 0


def test_a_subprocess_counts_as_outside_work_until_it_exits(host: Host) -> None:
    async def child() -> int:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "import time; time.sleep(0.3)")
        return await proc.wait()

    task_id = host.tasks.Run(child(), timeout=5.0)
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    assert host.tasks.GetTaskResult(task_id) == 0
    assert host.tasks.paced_frames > 0
    assert host.loop.outside.pending == 0  # type: ignore[attr-defined]


def test_a_serial_worker_job_is_outside_work_while_queued_or_running(host: Host) -> None:
    """Frames are paced to real time while the job is queued or running, so virtual
    time does not race past the task's timeout while the thread works."""
    worker = host.create_worker().worker
    release = threading.Event()

    def job() -> str:
        release.wait(10)
        return "done"

    async def await_job() -> str:
        return await worker.submit(job)

    task_id = host.tasks.Run(await_job(), timeout=5.0)
    host.step(3)
    assert host.loop.outside_in_flight() and host.tasks.paced_frames >= 2  # type: ignore[attr-defined]
    release.set()
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    host.step()
    assert not host.loop.outside_in_flight()  # type: ignore[attr-defined]


def test_a_worker_polled_frame_by_frame_still_paces(host: Host) -> None:
    """HEGo's way: poll the task once per frame. No await, no future: the worker
    operator itself tells the loop how many jobs it has in flight."""
    comp = host.create_worker()
    release = threading.Event()
    task = comp.submit(release.wait, 10)
    host.step(2)
    assert comp.jobs_in_flight() == 1 and host.tasks.paced_frames == 2
    release.set()
    assert task.wait(10)
    host.step()
    assert comp.jobs_in_flight() == 0
    before = host.tasks.paced_frames
    host.step(5)
    assert host.tasks.paced_frames == before


def test_an_outside_work_block_paces_frames(host: Host) -> None:
    done = threading.Event()

    async def cluster_like() -> str:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        loop = asyncio.get_running_loop()

        def remote() -> None:
            done.wait(10)
            loop.call_soon_threadsafe(future.set_result, "remote")

        threading.Thread(target=remote, daemon=True).start()
        async with outside_work():
            return await future

    task_id = host.tasks.Run(cluster_like(), timeout=5.0)
    host.step(2)
    assert host.tasks.paced_frames == 2
    done.set()
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}


def test_a_paced_frames_wait_is_not_blamed_on_the_loop_hook(host: Host) -> None:
    """A paced frame lasts about a period of real time by design: its wait is not the
    TDAsyncIO hook's work, so the hook is not itemised for it (before, each paced
    frame charged the hook about a period and a third of them were over budget)."""
    hook_seconds: list[float] = []

    def observe(kind: str, name: str, seconds: float, ended: float) -> None:
        if kind == "hook":
            hook_seconds.append(seconds)

    done = threading.Event()
    host.blame.observe(observe)
    task_id = host.tasks.Run(asyncio.to_thread(done.wait, 10), timeout=30.0)
    host.step(30)
    paced = host.tasks.paced_frames
    done.set()
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    assert paced == 30
    # Load can add real work to a frame (a stall while the hook runs), never a wait:
    # one way only, well under the half a period per frame the waits would give.
    assert sum(hook_seconds) < 0.25 * paced / host.fps


def test_with_nothing_outside_frames_run_flat_out(host: Host) -> None:
    """30 s of asyncio.sleep: 1801 frames, none of them waiting on real time."""
    task_id = host.tasks.Run(asyncio.sleep(30))
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    assert host.frame == 1801
    assert host.tasks.paced_frames == 0


def test_an_idle_server_and_idle_connections_do_not_pace(host: Host) -> None:
    """A listening server, a loopback client of it (both ends in this loop), and a
    connection to an outside server that no task reads: none is waiting on the
    outside world, so frames run flat out."""
    outside_server = SlowServer(None)
    held: list[asyncio.StreamWriter] = []
    servers: list[asyncio.Server] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.readline()  # waits on a client of this same loop: inside work

    async def setup() -> int:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        port: int = server.sockets[0].getsockname()[1]
        _, inside = await asyncio.open_connection("127.0.0.1", port)
        _, idle = await asyncio.open_connection("127.0.0.1", outside_server.port)
        held.extend([inside, idle])
        return port

    try:
        task_id = host.tasks.Run(setup(), timeout=5.0)
        assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
        host.step(2)  # the connections settle (the handler starts)
        before = host.tasks.paced_frames
        host.step(120)
        assert host.tasks.paced_frames == before
        assert not host.loop.outside_in_flight()  # type: ignore[attr-defined]
    finally:
        for writer in held:
            writer.close()
        for server in servers:
            server.close()
        host.step(2)
        outside_server.close()


def test_a_task_reading_an_outside_connection_paces(host: Host) -> None:
    """The converse of the idle case: once a task awaits a read on the outside
    connection, frames are paced until it ends."""
    outside_server = SlowServer(None)
    try:
        task_id = host.tasks.Run(ask(outside_server.port), timeout=0.2)
        host.step(3)
        assert host.loop.outside_in_flight()  # type: ignore[attr-defined]
        assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.TIMEOUT}
        host.step(2)
        assert not host.loop.outside_in_flight()  # type: ignore[attr-defined]
    finally:
        outside_server.close()
