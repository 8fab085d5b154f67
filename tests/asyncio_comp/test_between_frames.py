"""Realtime: the host's loop runs while the host waits for its next frame, so a
socket's reply is handled when it comes, not at the next frame (`FrameWait`).

These run in real time, so they leave a wide wait between frames (2 fps: 0.5 s): a
frame that ends late on a loaded machine has no wait before the next one, and what
was due in the wait is then handled by the next frame's cook instead.
"""

from __future__ import annotations

import asyncio
import socket

from host import Host


def _phases(host: Host) -> list[str]:
    """``phase[0]``: "frame" during a frame's callbacks and cook, "between" after."""
    phase = ["between"]
    host.on_frame_start(lambda h: phase.__setitem__(0, "frame"))
    host.on_frame_end(lambda h: phase.__setitem__(0, "between"))
    return phase


def test_a_reply_between_realtime_frames_is_handled_before_the_next_frame() -> None:
    mine, theirs = socket.socketpair()
    mine.setblocking(False)
    host = Host(fps=2.0, realtime=True)
    phase = _phases(host)
    seen: list[tuple[bytes, int, str]] = []

    async def receive() -> None:
        data = await asyncio.get_running_loop().sock_recv(mine, 16)
        seen.append((data, host.frame, phase[0]))

    # The reply is sent as frame 2 ends: 0.5 s before frame 3 is due.
    host.on_frame_end(lambda h: theirs.send(b"pong") if h.frame == 2 else None)
    try:
        host.tasks.Run(receive())
        host.step(3)
    finally:
        host.close()
        mine.close()
        theirs.close()
    assert seen == [(b"pong", 2, "between")]


def test_a_paused_loop_is_not_run_between_frames() -> None:
    host = Host(fps=2.0, realtime=True)
    phase = _phases(host)
    seen: list[tuple[int, str]] = []
    active = host.asyncio_comp.par.Active

    async def nap() -> None:
        await asyncio.sleep(0.01)  # due between frames 1 and 2, which are paused
        seen.append((host.frame, phase[0]))

    host.on_frame_end(lambda h: setattr(active, "val", h.frame != 1))
    try:
        host.tasks.Run(nap())
        host.step(3)
    finally:
        host.close()
    assert seen == [(2, "between")]  # not (1, ...): frame 1 paused the loop


def test_loop_stop_between_realtime_frames_ends_the_serving_until_the_next_frame() -> None:
    """asyncio's ``loop.stop()`` stops the loop until someone runs it again: on a
    realtime host, the next frame. A timer due later in the same wait runs in that
    frame, not in the wait (at 2 fps the wait is ~500 ms; the stop comes after 1 ms,
    the timer after 250 ms)."""
    from host import Host

    seen: list[int] = []

    def at_the_end_of_frame_one(host: Host) -> None:
        if host.frame == 1:
            loop = host.loop
            loop.call_later(0.001, loop.stop)
            loop.call_later(0.25, lambda: seen.append(host.frame))

    with Host(fps=2.0, realtime=True) as host:
        host.on_frame_end(at_the_end_of_frame_one)
        host.step(2)
    assert seen == [2]
