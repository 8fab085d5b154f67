"""What an idle non-realtime frame costs beside idle connections and sleeping tasks.

Run by hand: ``python bench/idle_frame.py [FRAMES]`` (2,000 by default). A
non-realtime host with one tracked ``asyncio.sleep`` far off (so every frame has
nothing due) steps ``FRAMES`` frames, seven times, beside:

* nothing registered but the loop's wake-up pipe (the baseline);
* 1, 500 and 2,000 idle loopback connections to a peer outside the loop (a thread),
  each a plain ``asyncio.Protocol`` nobody waits on;
* 10,000 tracked tasks sleeping as long, and one idle connection.

Prints, for each, the median real microseconds per frame, the ratio to the
one-connection row, and the selector polls per frame (``host.loop.selector_polls``:
the polls the loop's own selector made). Beside them, in the same run, a bare
``selectors.DefaultSelector().select(0)`` with 1, 500 and 2,000 idle descriptors
registered: what one poll costs the kernel, whatever framehost does. The goal:
the per-frame cost does not grow with the descriptors or the tasks.
"""

from __future__ import annotations

import asyncio
import selectors
import socket
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import positive, script_parser
from bench.virtual_sleep import Acceptor, connect_idle
from host import Host

REPEATS = 7


def frame_cost(frames: int, connections: int, sleepers: int) -> tuple[float, float]:
    """(median µs per idle frame, selector polls per frame) beside ``connections``
    idle connections and ``sleepers`` sleeping tasks."""
    acceptor = Acceptor()
    try:
        with Host(fps=60.0, realtime=False) as host:
            transports = connect_idle(host, acceptor.port, connections)
            if sleepers:
                host.tasks.Run([asyncio.sleep(3600) for _ in range(sleepers)])
            host.tasks.Run(asyncio.sleep(3600))
            host.step(10)  # every task started and asleep
            samples = []
            polls_before = host.loop.selector_polls
            for _ in range(REPEATS):
                started = time.perf_counter()
                host.step(frames)
                samples.append((time.perf_counter() - started) / frames * 1e6)
            polls = (host.loop.selector_polls - polls_before) / (frames * REPEATS)
            for transport in transports:
                transport.close()
            host.step(2)
    finally:
        acceptor.close()
    return statistics.median(samples), polls


def bare_poll_cost(descriptors: int, polls: int = 20_000) -> float:
    """Median µs of one ``select(0)`` on a fresh default selector with ``descriptors``
    idle sockets registered."""
    selector = selectors.DefaultSelector()
    pairs = [socket.socketpair() for _ in range(descriptors)]
    try:
        for ours, _theirs in pairs:
            selector.register(ours, selectors.EVENT_READ)
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            for _ in range(polls):
                selector.select(0)
            samples.append((time.perf_counter() - started) / polls * 1e6)
        return statistics.median(samples)
    finally:
        selector.close()
        for ours, theirs in pairs:
            ours.close()
            theirs.close()


def main(argv: list[str]) -> None:
    parser = script_parser(__doc__)
    parser.add_argument("frames", nargs="?", type=positive(int, "a frame count"),
                        default=2_000, help="idle frames per sample (default 2000)")
    frames = parser.parse_args(argv).frames
    rows = [("nothing registered (baseline)", 0, 0), ("1 idle connection", 1, 0),
            ("500 idle connections", 500, 0), ("2,000 idle connections", 2_000, 0),
            ("10,000 sleeping tasks and 1 idle connection", 1, 10_000)]
    print(f"| idle frame beside ({frames:,} frames x {REPEATS}) | µs per frame "
          "| ratio to 1 connection | polls per frame |")
    print("|---|---:|---:|---:|")
    one = None
    for label, connections, sleepers in rows:
        cost, polls = frame_cost(frames, connections, sleepers)
        if connections == 1 and not sleepers:
            one = cost
        ratio = f"{cost / one:.2f}" if one else "-"
        print(f"| {label} | {cost:.1f} | {ratio} | {polls:.2f} |", flush=True)
    print()
    print("| bare `DefaultSelector().select(0)` beside | µs per poll |")
    print("|---|---:|")
    for descriptors in (1, 500, 2_000):
        print(f"| {descriptors:,} idle descriptors | {bare_poll_cost(descriptors):.2f} |",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
