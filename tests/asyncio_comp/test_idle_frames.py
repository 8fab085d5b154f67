"""A frame with nothing due skips the event loop; nothing due is ever missed.

The skip is `FrameEventLoop.has_work`; these tests watch the loop's iterations
through ``run_forever`` and check that work arriving by every route (a submitted
task, a timer, another thread, a socket) still runs in the frame it is due.
"""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest

from asyncio_comp import TaskStatus
from host import Host


@pytest.fixture
def loop_runs(host: Host, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The frame numbers (the first frame is 1) in which the host's loop ran."""
    frames: list[int] = []
    run_forever = host.loop.run_forever

    def counting_run_forever() -> None:
        frames.append(host.frame)
        run_forever()

    monkeypatch.setattr(host.loop, "run_forever", counting_run_forever)
    return frames


def test_idle_frames_do_not_run_the_loop(host: Host, loop_runs: list[int]) -> None:
    gate = host.loop.create_future()

    async def idle() -> None:
        await gate

    task_ids = [host.tasks.Run(idle()) for _ in range(3)]
    host.step()
    assert loop_runs == [1]  # the frame that started them
    host.step(10)
    assert loop_runs == [1]
    gate.set_result(None)  # outside a frame, like a pulse handler would
    host.step()
    assert loop_runs == [1, 12]
    assert all(host.tasks.GetTaskInfo(i)["status"] is TaskStatus.COMPLETED  # type: ignore[index]
               for i in task_ids)


def test_a_sleep_ends_in_its_exact_frame_across_skipped_frames(
        host: Host, loop_runs: list[int]) -> None:
    async def nap() -> int:
        await asyncio.sleep(0.5)
        return host.frame

    task_id = host.tasks.Run(nap())
    host.step(40)
    assert host.tasks.GetTaskResult(task_id) == 31  # frame 1 is at 0 s, 31 at 0.5 s
    assert loop_runs == [1, 31]


def test_work_from_another_thread_runs_in_the_next_frame(
        host: Host, loop_runs: list[int]) -> None:
    future = host.loop.create_future()

    async def wait() -> str:
        return await future

    task_id = host.tasks.Run(wait())
    host.step(5)
    thread = threading.Thread(
        target=host.loop.call_soon_threadsafe, args=(future.set_result, "from a thread"))
    thread.start()
    thread.join()
    host.step()
    assert host.tasks.GetTaskResult(task_id) == "from a thread"
    assert loop_runs == [1, 6]


def test_a_socket_read_ends_in_the_frame_its_data_arrives(
        host: Host, loop_runs: list[int]) -> None:
    ours, theirs = socket.socketpair()
    ours.setblocking(False)

    async def receive() -> bytes:
        return await host.loop.sock_recv(ours, 16)

    try:
        task_id = host.tasks.Run(receive())
        host.step(5)
        assert host.tasks.GetTaskInfo(task_id)["status"] is TaskStatus.RUNNING  # type: ignore[index]
        assert loop_runs == [1]  # the socket was polled each frame, never ready
        theirs.send(b"hello")
        host.step()
        assert host.tasks.GetTaskResult(task_id) == b"hello"
        assert loop_runs == [1, 6]
    finally:
        ours.close()
        theirs.close()


def test_paused_component_does_not_run_the_loop_even_with_work(
        host: Host, loop_runs: list[int]) -> None:
    async def quick() -> int:
        return 1

    host.asyncio_comp.par.Active = False
    task_id = host.tasks.Run(quick())
    host.step(3)
    assert loop_runs == []
    assert host.tasks.GetTaskInfo(task_id)["status"] is TaskStatus.PENDING  # type: ignore[index]
    host.asyncio_comp.par.Active = True
    host.step()
    assert host.tasks.GetTaskResult(task_id) == 1
    assert loop_runs == [4]


def _idle_descriptors(host: Host, count: int) -> list[tuple[socket.socket, socket.socket]]:
    """``count`` socket pairs, one end of each watched by the loop, nobody sending."""
    pairs = [socket.socketpair() for _ in range(count)]
    for ours, _theirs in pairs:
        host.loop.add_reader(ours.fileno(), ours.recv, 16)
    return pairs


def _close_all(host: Host, pairs: list[tuple[socket.socket, socket.socket]]) -> None:
    for ours, theirs in pairs:
        host.loop.remove_reader(ours.fileno())
        ours.close()
        theirs.close()


def test_an_idle_frame_polls_once_however_many_descriptors_are_registered(
        host: Host, loop_runs: list[int]) -> None:
    """The structural half of "per-frame cost independent of the sockets": an idle
    frame's only look at the descriptors is one poll of the kernel's selector
    (counted by the loop's own selector, `FrameSelector`), beside 1 or 200 of them."""
    host.tasks.Run(asyncio.sleep(3600))  # a timer far off: frames have nothing due
    host.step()
    polls_per_idle_frame = []
    pairs = _idle_descriptors(host, 1)
    try:
        for more in (0, 199):
            pairs += _idle_descriptors(host, more)
            before = host.loop.selector_polls
            host.step(20)
            polls_per_idle_frame.append((host.loop.selector_polls - before) / 20)
        assert polls_per_idle_frame == [1.0, 1.0]
        assert loop_runs == [1]  # and the loop itself never ran
    finally:
        _close_all(host, pairs)


def test_the_frame_a_descriptor_is_ready_handles_it_without_polling_for_it_twice(
        host: Host, loop_runs: list[int]) -> None:
    pairs = _idle_descriptors(host, 100)
    ours, theirs = socket.socketpair()
    received: list[bytes] = []
    host.loop.add_reader(ours.fileno(), lambda: received.append(ours.recv(16)))
    try:
        host.step(3)
        assert loop_runs == []
        theirs.send(b"ping")
        before = host.loop.selector_polls
        host.step()
        assert received == [b"ping"]
        assert loop_runs == [4]
        # The frame's look found the socket and the loop's first iteration used what
        # it found; only the iteration that follows (nothing left) polled again. A
        # second poll for the same event would make 3.
        assert host.loop.selector_polls - before == 2
    finally:
        host.loop.remove_reader(ours.fileno())
        ours.close()
        theirs.close()
        _close_all(host, pairs)
