"""Shutdown: ``close()`` (also after Ctrl-C) leaves nothing behind.

A busy host — a socket server with a live connection, a client streaming from it,
a task holding a file, an executor job, a serial worker with a queue, a coroutine
that refuses to stop, a suspended async generator — is closed, and then the
process must look as it did before the host existed: the same threads, the same
open file descriptors, no exception escaping into ``__del__`` (un-awaited
coroutines, unclosed sockets: errors in this suite), and no asyncio "Task was
destroyed but it is pending" on the asyncio logger or on stderr.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_probes import LOOPBACK, listening_sockets, open_fds, run_until

from asyncio_comp import TaskStatus
from host import Host

BAD_WORDS = ("Task was destroyed but it is pending", "never awaited", "unclosed",
             "Exception ignored", "Future exception was never retrieved")


@pytest.fixture
def baseline(capfd: pytest.CaptureFixture[str], unraisable: list[str],
             ) -> Iterator[tuple[set[threading.Thread], set[int]]]:
    """Threads and descriptors before the host, taken after capture opened its files."""
    gc.collect()
    yield set(threading.enumerate()), open_fds()


def busy(host: Host, tmp_path: Path) -> dict[str, Any]:
    """Start one of every kind of work that holds a resource; returns what to check."""
    state: dict[str, Any] = {"cleaned": [], "port": None}
    cleaned: list[str] = state["cleaned"]
    release = threading.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Deliberately untracked: asyncio starts this handler task itself.
        try:
            while True:
                writer.write(b"tick\n")
                await writer.drain()
                await asyncio.sleep(0.05)
        finally:
            writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        state["port"] = server.sockets[0].getsockname()[1]
        try:
            async with server:
                await server.serve_forever()
        finally:
            cleaned.append("server")

    async def client() -> None:
        while state["port"] is None:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection("127.0.0.1", state["port"])
        try:
            while True:
                state["lines"] = state.get("lines", 0) + bool(await reader.readline())
        finally:
            writer.close()
            await writer.wait_closed()
            cleaned.append("client")

    async def holds_a_file() -> None:
        with open(tmp_path / "log.txt", "w") as f:
            while True:
                f.write("x")
                await asyncio.sleep(0.1)

    async def offloaded() -> None:
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 5.0)

    async def refuses_to_stop() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                pass

    async def numbers() -> AsyncIterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            cleaned.append("generator")

    async def reads_a_generator() -> None:
        async for n in numbers():
            await asyncio.sleep(0.02)
            if n > 10**6:
                break

    run = host.tasks.Run
    state["ids"] = [
        run(serve(), description="server"), run(client(), description="client"),
        run(holds_a_file(), description="file"), run(offloaded(), description="executor"),
        run(refuses_to_stop(), description="stubborn"),
        run(reads_a_generator(), description="generator"),
    ]
    state["release"] = release
    worker_comp = pytest.importorskip("asyncio_comp.worker.comp")
    worker = worker_comp.create_worker(host, "Worker").worker
    state["worker_jobs"] = [worker.submit(release.wait, 5.0), worker.submit(print, "never")]
    return state


def assert_nothing_left(baseline: tuple[set[threading.Thread], set[int]],
                        caplog: pytest.LogCaptureFixture,
                        capfd: pytest.CaptureFixture[str], unraisable: list[str]) -> None:
    gc.collect()
    threads, fds = baseline
    leftover = [t for t in threading.enumerate() if t not in threads and t.is_alive()]
    assert leftover == [], f"threads still running after close(): {leftover}"
    assert open_fds() == fds, "file descriptors left open after close()"
    assert listening_sockets() == []
    assert unraisable == []
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("asyncio")]
    err = capfd.readouterr().err
    for word in BAD_WORDS:
        assert not any(word in message for message in logged), logged
        assert word not in err, err


def busy_host(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> tuple[Host, dict[str, Any]]:
    """A host with asyncio logging captured, `busy` started and three lines through."""
    caplog.set_level(logging.DEBUG, logger="asyncio")
    host = Host(fps=60, realtime=False)
    state = busy(host, tmp_path)
    run_until(host, lambda: state.get("lines", 0) >= 3)
    return host, state


def test_close_after_busy_frames_leaves_no_thread_socket_file_or_warning(
        baseline: tuple[set[threading.Thread], set[int]], tmp_path: Path,
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
        unraisable: list[str]) -> None:
    host, state = busy_host(tmp_path, caplog)
    assert [listener.address for listener in listening_sockets()] == ["127.0.0.1"]
    assert set(LOOPBACK) >= {listener.address for listener in listening_sockets()}
    state["release"].set()  # lets the executor job and the worker's job end
    host.close()
    assert set(state["cleaned"]) == {"server", "client", "generator"}
    infos = [host.tasks.GetTaskInfo(i) for i in state["ids"]]
    assert {info["status"] for info in infos if info} == {TaskStatus.CANCELLED}
    state.clear()
    del host, infos
    assert_nothing_left(baseline, caplog, capfd, unraisable)


def test_ctrl_c_mid_frame_then_close_leaves_nothing(
        baseline: tuple[set[threading.Thread], set[int]], tmp_path: Path,
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
        unraisable: list[str]) -> None:
    host, state = busy_host(tmp_path, caplog)

    def ctrl_c(h: Any) -> None:
        raise KeyboardInterrupt

    host.on_frame_end(ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        host.run(seconds=10)
    state["release"].set()
    host.close()  # what `framehost run` does after catching Ctrl-C
    assert set(state["cleaned"]) == {"server", "client", "generator"}
    state.clear()
    del host
    assert_nothing_left(baseline, caplog, capfd, unraisable)


def test_close_with_nothing_running_and_twice_is_quiet(
        baseline: tuple[set[threading.Thread], set[int]],
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
        unraisable: list[str]) -> None:
    with Host(fps=60, realtime=False) as host:
        host.step(3)
    host.close()
    assert host.closed
    del host
    assert_nothing_left(baseline, caplog, capfd, unraisable)


def _bundled() -> list[str]:
    try:
        from host.scene_loader import list_scenes
    except ImportError:  # pragma: no cover - the loader is another engineer's part
        return []
    return [info.name for info in list_scenes()]


@pytest.mark.parametrize("name", _bundled())
def test_every_bundled_scene_closes_clean(
        name: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
        unraisable: list[str]) -> None:
    import multiprocessing
    from multiprocessing import resource_tracker

    from host.scene_loader import build_scene, load_scene

    # multiprocessing's resource tracker is one helper process per interpreter, kept
    # (with its pipe) until exit; start it first so it belongs to the baseline.
    resource_tracker.ensure_running()
    gc.collect()
    baseline = set(threading.enumerate()), open_fds()
    caplog.set_level(logging.DEBUG, logger="asyncio")
    children = set(multiprocessing.active_children())
    host = Host(fps=60, realtime=False)
    try:
        build_scene(load_scene(name), host)
        host.step(30)
    finally:
        host.close()
    del host
    assert set(multiprocessing.active_children()) <= children
    assert_nothing_left(baseline, caplog, capfd, unraisable)
