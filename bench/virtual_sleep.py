"""Real seconds 30 s of virtual sleep takes beside idle connections and sleeping tasks.

Run by hand: ``python bench/virtual_sleep.py [SECONDS]``. A non-realtime host runs a
tracked ``asyncio.sleep(SECONDS)`` (30 by default: 1,801 frames at 60 fps) to its
end, four ways, each in this run:

* alone (the baseline: what a frame costs with nothing beside it);
* beside one idle loopback connection to a peer outside the loop (a thread);
* beside 500 such connections;
* beside 10,000 tracked tasks sleeping as long, and one idle connection.

Each connection is a plain ``asyncio.Protocol`` (what an aiohttp keep-alive
connection looks like to the loop: not an asyncio stream). No task waits on the
connections, so no frame may be paced to real time, and what a
frame costs must not grow with how many sockets or tasks exist. Prints the real
seconds and the paced frames of each. The goal: under 3 s for the last
two at 30 s. Run it on an older tree with ``PYTHONPATH=/path/to/tree`` for a before
figure (it uses only the public API).
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import positive, script_parser
from host import Host


class Acceptor:
    """A peer outside the loop: a thread that accepts connections and holds them."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self.port: int = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)
        for conn in self.held:
            conn.close()


def connect_idle(host: Host, port: int, connections: int) -> list[asyncio.BaseTransport]:
    """Open ``connections`` idle loopback connections to ``port`` from a tracked task
    on ``host``, running frames until they are open; their transports."""
    transports: list[asyncio.BaseTransport] = []

    async def connect() -> None:
        loop = asyncio.get_running_loop()
        for _ in range(connections):
            transport, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
            transports.append(transport)

    setup = host.tasks.Run(connect())
    host.run(until=lambda: not host.tasks.GetTaskInfo(setup)["status"].is_active,
             frames=100_000)
    return transports


def sleep_beside(seconds: float, connections: int, sleepers: int) -> tuple[float, int, int]:
    """(real seconds, frames, paced frames) for a tracked ``sleep(seconds)`` to end
    beside ``connections`` idle connections and ``sleepers`` other sleeping tasks."""
    acceptor = Acceptor()
    try:
        with Host(fps=60.0, realtime=False) as host:
            transports = connect_idle(host, acceptor.port, connections)
            if sleepers:
                host.tasks.Run([asyncio.sleep(seconds) for _ in range(sleepers)])
            main = host.tasks.Run(asyncio.sleep(seconds))
            host.step()  # every task started: what follows is the sleep itself
            start_frame, start_paced = host.frame, host.tasks.paced_frames
            started = time.perf_counter()
            host.run(until=lambda: not host.tasks.GetTaskInfo(main)["status"].is_active,
                     frames=10_000_000)
            real = time.perf_counter() - started
            frames, paced = host.frame - start_frame, host.tasks.paced_frames - start_paced
            for transport in transports:
                transport.close()
            host.step(2)
    finally:
        acceptor.close()
    return real, frames, paced


def main(argv: list[str]) -> None:
    parser = script_parser(__doc__)
    parser.add_argument("seconds", nargs="?", type=positive(float, "seconds of virtual sleep"),
                        default=30.0, help="virtual seconds each run sleeps (default 30)")
    seconds = parser.parse_args(argv).seconds
    print(f"| {seconds:g} s of virtual sleep beside | real s | frames | paced frames |")
    print("|---|---:|---:|---:|")
    for label, connections, sleepers in (
            ("nothing (baseline)", 0, 0),
            ("1 idle connection", 1, 0),
            ("500 idle connections", 500, 0),
            ("10,000 sleeping tasks and 1 idle connection", 1, 10_000)):
        real, frames, paced = sleep_beside(seconds, connections, sleepers)
        print(f"| {label} | {real:.2f} | {frames:,} | {paced:,} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
