"""Outside work is seen without being declared: every way a thread, a descriptor, a
signal or a foreign future can wake a waiting task holds virtual time while a task
waits on it, and an idle connection or thread that no task waits on holds nothing.

Each case runs real work that takes 0.3 s of real time under a 10 s host-time
timeout, in virtual time. Before the rule below (docs/api.md, "Time"), each of them
timed out at its virtual deadline after a few milliseconds of real time. What is
asserted is the outcome, and whether frames were paced (`paced_frames`), never how
long anything took.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest

from asyncio_comp import TaskStatus
from host import Host
from host.testing import wait_for_tasks

#: Frames a test may run while it waits on real work: 60 s of paced frames.
BOUND = 3600
#: Real seconds the outside work takes; far less than the host-time timeout, which
#: leaves room for a loaded machine (a child interpreter may take a second to start).
WORK = 0.3
TIMEOUT = 10.0


def completes(host: Host, coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` as a tracked task with the timeout; its result once completed."""
    task_id = host.tasks.Run(coro, timeout=TIMEOUT)
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}, (
        host.tasks.GetTaskInfo(task_id))
    assert host.tasks.paced_frames > 0
    return host.tasks.GetTaskResult(task_id)


def later(fn: Callable[[], object], seconds: float = WORK) -> threading.Thread:
    """Call ``fn`` on a new thread after ``seconds`` of real time."""
    def run() -> None:
        time.sleep(seconds)
        fn()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


async def event_set_by_another_task() -> str:
    """Wait on an in-loop Event that a helper task sets after 1 s of host time:
    nothing outside the loop is involved, so only an outside source may pace it."""
    event = asyncio.Event()

    async def setter() -> None:
        await asyncio.sleep(1.0)
        event.set()

    helper = asyncio.ensure_future(setter())
    await event.wait()
    await helper
    return "set"


def test_a_thread_reporting_back_with_call_soon_threadsafe(host: Host) -> None:
    async def main() -> str:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        later(lambda: loop.call_soon_threadsafe(future.set_result, "reported"))
        return await future

    assert completes(host, main()) == "reported"


def test_wrap_future_on_an_executor_of_ones_own(host: Host) -> None:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        async def main() -> float:
            return await asyncio.wrap_future(pool.submit(lambda: time.sleep(WORK) or WORK))

        assert completes(host, main()) == WORK


def test_anyio_to_thread(host: Host) -> None:
    anyio = pytest.importorskip("anyio")

    async def main() -> str:
        await anyio.to_thread.run_sync(time.sleep, WORK)
        return "slept"

    assert completes(host, main()) == "slept"


def test_connect_read_pipe_with_a_writer_thread(host: Host) -> None:
    read_fd, write_fd = os.pipe()

    async def main() -> bytes:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_fd, "rb", 0))
        try:
            later(lambda: os.write(write_fd, b"line\n"))
            return await reader.readline()
        finally:
            transport.close()

    try:
        assert completes(host, main()) == b"line\n"
    finally:
        os.close(write_fd)


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    try:
        yield ours, theirs
    finally:
        ours.close()
        theirs.close()


def test_a_stream_on_a_socketpair_whose_peer_is_a_thread(
        host: Host, pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair

    async def main() -> bytes:
        reader, writer = await asyncio.open_connection(sock=ours)
        try:
            later(lambda: theirs.sendall(b"hello\n"))
            return await reader.readline()
        finally:
            writer.close()
            await writer.wait_closed()

    assert completes(host, main()) == b"hello\n"


def test_sock_recv_on_a_socketpair_whose_peer_is_a_thread(
        host: Host, pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    ours.setblocking(False)

    async def main() -> bytes:
        later(lambda: theirs.sendall(b"raw"))
        return await asyncio.get_running_loop().sock_recv(ours, 10)

    assert completes(host, main()) == b"raw"


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs SIGUSR1")
def test_a_signal_handler_waiting_for_a_signal_from_another_process(host: Host) -> None:
    """The signal comes from a child started with ``subprocess`` (not asyncio's, so
    no subprocess transport counts it): only the handler tells the loop."""
    async def main() -> str:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        loop.add_signal_handler(signal.SIGUSR1, future.set_result, "signalled")
        child = subprocess.Popen([sys.executable, "-c",
                                  f"import os, signal, time; time.sleep({WORK}); "
                                  f"os.kill({os.getpid()}, signal.SIGUSR1)"])
        try:
            return await future
        finally:
            loop.remove_signal_handler(signal.SIGUSR1)
            await asyncio.to_thread(child.wait, 10)

    assert completes(host, main()) == "signalled"


def test_shutdown_default_executor_waits_for_a_running_call(host: Host) -> None:
    """The call is handed to the executor directly, so nothing counts it: the
    thread asyncio starts to join the executor reports back by itself."""
    async def main() -> bool:
        loop = asyncio.get_running_loop()
        running = loop.executor.submit(time.sleep, WORK)  # type: ignore[attr-defined]
        await loop.shutdown_default_executor()
        return bool(running.done())

    assert completes(host, main()) is True


def test_an_idle_thread_and_sleeping_tasks_do_not_pace(host: Host) -> None:
    """A thread that waits on nothing of the loop's, beside 100 tasks that sleep:
    no task waits on the thread, so 2 s of sleep run flat out."""
    stop = threading.Event()
    idle = threading.Thread(target=stop.wait, args=(30,), daemon=True)
    idle.start()
    try:
        ids = host.tasks.Run([asyncio.sleep(2.0 + i / 100) for i in range(100)])
        assert set(wait_for_tasks(host, ids, BOUND).values()) == {TaskStatus.COMPLETED}
        assert host.tasks.paced_frames == 0
    finally:
        stop.set()
        idle.join(5)


def test_an_idle_thread_beside_tasks_waiting_on_each_other_does_not_pace(host: Host) -> None:
    """A thread started while the loop was not running (a view's render thread, an
    idle thread of the setup) that never calls into the loop can complete nothing a
    task waits on: the event set by another task after 1 s ends in frame 61, and no
    frame waits for real time."""
    stop = threading.Event()
    idle = threading.Thread(target=stop.wait, daemon=True)
    idle.start()
    try:
        task_id = host.tasks.Run(event_set_by_another_task(), timeout=TIMEOUT)
        assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
        assert host.frame == 61
        assert host.seconds == pytest.approx(60 / 60)  # virtual time ran all 61 frames
        assert host.tasks.paced_frames == 0
        assert idle.is_alive()
    finally:
        stop.set()
        idle.join(5)


def test_a_thread_started_before_the_run_holds_time_once_it_calls_into_the_loop(
        host: Host) -> None:
    """The same kind of thread, started before any frame, holds virtual time once it
    has called ``call_soon_threadsafe``: its later report meets the timeout."""
    loop = host.loop
    called = threading.Event()
    holder: list[asyncio.Future[str]] = []
    go = threading.Event()

    def run() -> None:
        loop.call_soon_threadsafe(lambda: None)
        called.set()
        go.wait(TIMEOUT)
        time.sleep(WORK)
        loop.call_soon_threadsafe(lambda: holder[0].set_result("reported"))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert called.wait(TIMEOUT)

    async def main() -> str:
        holder.append(asyncio.get_running_loop().create_future())
        go.set()
        return await holder[0]

    try:
        assert completes(host, main()) == "reported"
    finally:
        go.set()
        thread.join(5)


def test_a_thread_seen_quiet_holds_time_once_it_calls_into_the_loop() -> None:
    """A thread alive when the host is made is quiet; once it has called
    ``call_soon_threadsafe`` it holds virtual time, although the thread count has not
    changed since the host last looked (the call itself makes the host look again)."""
    go = threading.Event()
    called = threading.Event()
    report = threading.Event()
    holder: list[asyncio.Future[str]] = []

    def run() -> None:
        go.wait(TIMEOUT)
        loop.call_soon_threadsafe(lambda: None)
        called.set()
        report.wait(TIMEOUT)
        time.sleep(WORK)
        loop.call_soon_threadsafe(lambda: holder[0].set_result("reported"))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    host = Host(fps=60.0, realtime=False)
    loop = host.loop
    try:
        idle = host.tasks.Run(event_set_by_another_task(), timeout=TIMEOUT)
        assert wait_for_tasks(host, idle, BOUND) == {idle: TaskStatus.COMPLETED}
        assert host.tasks.paced_frames == 0  # quiet: it held nothing
        go.set()
        assert called.wait(TIMEOUT)

        async def main() -> str:
            holder.append(asyncio.get_running_loop().create_future())
            report.set()
            return await holder[0]

        assert completes(host, main()) == "reported"
    finally:
        go.set()
        report.set()
        thread.join(5)
        host.close()


#: Frames stepped while the outside work is held back: each must wait for real time.
HELD = 5


@pytest.fixture
def quiet_thread(host: Host) -> Iterator[tuple[threading.Thread, threading.Event]]:
    """A thread started while the loop is not running, seen by the host's frames
    (so quiet: it holds nothing), and the event that ends it."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, args=(TIMEOUT,), daemon=True)
    thread.start()
    host.step(2)
    try:
        yield thread, stop
    finally:
        stop.set()
        thread.join(5)


def _reported_by_a_new_thread(go: threading.Event) -> asyncio.Future[str]:
    """A future a thread started now resolves with ``call_soon_threadsafe`` once
    ``go`` is set (called from a task: the running loop's)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def report() -> None:
        go.wait(TIMEOUT)
        loop.call_soon_threadsafe(future.set_result, "reported")

    threading.Thread(target=report, daemon=True).start()
    return future


def held_then_completed(host: Host, task_id: int, go: threading.Event) -> None:
    """``task_id`` waits on a thread held back by ``go``: `HELD` frames each wait for
    real time (none runs ahead of it), then, let go, it completes."""
    try:
        host.step(HELD)
        info = host.tasks.GetTaskInfo(task_id)
        assert info is not None and info["status"] is TaskStatus.RUNNING, info
        assert host.tasks.paced_frames == HELD
    finally:
        go.set()
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}, (
        host.tasks.GetTaskInfo(task_id))


def test_a_new_executors_first_thread_is_seen_although_a_thread_ended_in_that_step(
        host: Host, quiet_thread: tuple[threading.Thread, threading.Event]) -> None:
    """A task ends a quiet thread and, in the same step, submits to a new
    ``ThreadPoolExecutor`` (whose first thread starts then) and awaits it with
    ``wrap_future``: between two looks one thread ended and one started, so there
    are as many threads as before, and the new one is still seen."""
    quiet, stop = quiet_thread
    go = threading.Event()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        async def main() -> bool:
            stop.set()
            quiet.join(TIMEOUT)  # one thread ends ...
            job = pool.submit(go.wait, TIMEOUT)  # ... and the pool's first one starts
            return await asyncio.wrap_future(job)

        held_then_completed(host, host.tasks.Run(main(), timeout=TIMEOUT), go)


def test_a_new_thread_reporting_back_is_seen_although_a_thread_ended_in_that_step(
        host: Host, quiet_thread: tuple[threading.Thread, threading.Event]) -> None:
    """The same with a plain ``threading.Thread`` that reports back with
    ``call_soon_threadsafe``."""
    quiet, stop = quiet_thread
    go = threading.Event()

    async def main() -> str:
        stop.set()
        quiet.join(TIMEOUT)  # one thread ends ...
        return await _reported_by_a_new_thread(go)  # ... and one starts

    task_id = host.tasks.Run(main(), timeout=TIMEOUT)
    held_then_completed(host, task_id, go)
    assert host.tasks.GetTaskResult(task_id) == "reported"


def test_the_loops_executor_thread_started_outside_the_loop_hides_no_other_thread(
        host: Host) -> None:
    """The loop's executor's threads are the loop's own, quiet or not: one started
    while the loop was not running (a call made from a test's body, frame code) does
    not hide a thread a task then starts and waits on."""
    assert host.loop.executor.submit(threading.get_ident).result(TIMEOUT)
    host.step(2)  # that executor thread is seen, quiet
    go = threading.Event()

    async def main() -> str:
        return await _reported_by_a_new_thread(go)

    held_then_completed(host, host.tasks.Run(main(), timeout=TIMEOUT), go)


def test_tasks_waiting_on_each_other_beside_an_idle_socket_do_not_pace(
        host: Host, pair: tuple[socket.socket, socket.socket]) -> None:
    """An event set by another task after its sleep is inside work; with nothing
    outside able to wake the loop but an idle reader no task waits on, no pacing."""
    ours, _ = pair

    async def main() -> str:
        loop = asyncio.get_running_loop()
        loop.add_reader(ours.fileno(), lambda: None)
        try:
            queue: asyncio.Queue[str] = asyncio.Queue()

            async def produce() -> None:
                await asyncio.sleep(1.0)
                await queue.put("made")

            producer = asyncio.ensure_future(produce())
            got = await queue.get()
            await producer
            return got
        finally:
            loop.remove_reader(ours.fileno())

    task_id = host.tasks.Run(main(), timeout=TIMEOUT)
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    assert host.tasks.GetTaskResult(task_id) == "made"
    # The consumer's queue.get() waits on a plain future beside a registered
    # reader: that holds virtual time (nothing tells who will set it), so this
    # is paced; without the reader it is not.
    assert host.tasks.paced_frames > 0


def test_tasks_waiting_on_each_other_with_nothing_outside_run_flat_out(host: Host) -> None:
    task_id = host.tasks.Run(event_set_by_another_task(), timeout=TIMEOUT)
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    assert host.frame == 61  # the setter's sleep of 1 s ends in frame 61 at 60 fps
    assert host.tasks.paced_frames == 0


def test_a_background_task_left_by_an_ended_task_holds_nothing(
        host: Host, pair: tuple[socket.socket, socket.socket]) -> None:
    """A listener started by a tracked task that has ended (a cluster client's
    report reader) waits on a socket forever; it holds no virtual time."""
    ours, _ = pair
    listeners: list[asyncio.Task[bytes]] = []
    writers: list[asyncio.StreamWriter] = []

    async def start() -> None:
        reader, writer = await asyncio.open_connection(sock=ours)
        writers.append(writer)
        listeners.append(asyncio.ensure_future(reader.read(10)))
        await asyncio.sleep(0)

    task_id = host.tasks.Run(start())
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    sleeper = host.tasks.Run(asyncio.sleep(2.0))
    assert wait_for_tasks(host, sleeper, BOUND) == {sleeper: TaskStatus.COMPLETED}
    assert host.tasks.paced_frames == 0
    assert not listeners[0].done()
    listeners[0].cancel()
    writers[0].close()
    host.step(2)


def test_ten_thousand_sleepers_beside_an_idle_connection_do_not_pace(
        host: Host, pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _ = pair
    writers: list[asyncio.StreamWriter] = []

    async def connect() -> None:
        _, writer = await asyncio.open_connection(sock=ours)
        writers.append(writer)

    task_id = host.tasks.Run(connect())
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    ids = host.tasks.Run([asyncio.sleep(1.0) for _ in range(10_000)])
    assert set(wait_for_tasks(host, ids, BOUND).values()) == {TaskStatus.COMPLETED}
    assert host.tasks.paced_frames == 0
    writers[0].close()
    host.step(2)


def test_a_task_polling_frames_beside_a_registered_reader_does_not_pace(
        host: Host, pair: tuple[socket.socket, socket.socket]) -> None:
    """``next_frame()`` is resolved by the host itself: waiting on it is inside work
    even while something outside could reach the loop."""
    ours, _ = pair

    async def poll() -> int:
        loop = asyncio.get_running_loop()
        loop.add_reader(ours.fileno(), lambda: None)
        try:
            for _ in range(120):
                await host.next_frame()
            return host.frame
        finally:
            loop.remove_reader(ours.fileno())

    task_id = host.tasks.Run(poll())
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}
    assert host.tasks.paced_frames == 0


_AIOHTTP_SERVER = f"""
import asyncio, sys
from aiohttp import web

async def slow(request):
    await asyncio.sleep({WORK})
    return web.Response(text="slow")

async def fast(request):
    return web.Response(text="fast")

async def main():
    app = web.Application()
    app.add_routes([web.get("/slow", slow), web.get("/", fast)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def aiohttp_server() -> Iterator[int]:
    """An aiohttp server in a child process on 127.0.0.1 (another process: outside
    work by every definition); its port. It ends when its stdin closes."""
    pytest.importorskip("aiohttp")
    child = subprocess.Popen([sys.executable, "-c", _AIOHTTP_SERVER], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        yield int(child.stdout.readline())
    finally:
        assert child.stdin is not None
        child.stdin.close()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


def test_an_aiohttp_request_to_another_process_meets_its_timeout(
        host: Host, aiohttp_server: int) -> None:
    import aiohttp

    async def main() -> str:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{aiohttp_server}/slow") as response:
                return await response.text()

    assert completes(host, main()) == "slow"


def test_an_idle_keep_alive_connection_to_another_process_does_not_pace(
        host: Host, aiohttp_server: int) -> None:
    """After a request the session keeps its connection open (keep-alive); a task
    that then sleeps 30 s, the connection idle, runs flat out (17.6 s real once)."""
    import aiohttp

    marks: list[int] = []

    async def main() -> str:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{aiohttp_server}/") as response:
                text = await response.text()
            marks.append(host.tasks.paced_frames)
            await asyncio.sleep(30)
            marks.append(host.tasks.paced_frames)
            assert session.connector is not None
            assert len(getattr(session.connector, "_conns", {})) == 1  # still kept alive
            return text

    task_id = host.tasks.Run(main(), timeout=60.0)
    assert wait_for_tasks(host, task_id, BOUND) == {task_id: TaskStatus.COMPLETED}, (
        host.tasks.GetTaskInfo(task_id))
    assert host.tasks.GetTaskResult(task_id) == "fast"
    assert marks[1] == marks[0]
