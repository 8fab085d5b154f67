"""Probes for the reliability tests: host state, open files, listening sockets.

The probes read what a user (or the operating system) can see: every operator's
parameters and tables, the task registry, ``/proc/self/fd`` and ``/proc/net/tcp*``.
"""

from __future__ import annotations

import os
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from host import Host, TableDAT


def host_state(host: Host) -> tuple[Any, ...]:
    """Everything a rejected call must leave alone, as a comparable value."""
    operators = []
    for node in host.root.walk():
        pars = tuple((p.name, p.eval()) for p in node.par if not p.isPulse)
        table = tuple(map(tuple, node.values())) if isinstance(node, TableDAT) else None
        operators.append((node.path, pars, table))
    tasks = tuple(tuple(sorted(info.items(), key=lambda kv: kv[0]))
                  for info in host.tasks.GetAllTasksInfo())
    return (host.frame, tuple(operators), tasks, host.tasks.GetActiveTasksCount(),
            host.stats.callback_errors)


def open_fds() -> set[int]:
    """File descriptors open in this process right now."""
    return {int(name) for name in os.listdir("/proc/self/fd")}


@dataclass(frozen=True, slots=True)
class Listener:
    family: str
    address: str
    port: int


def _socket_inodes() -> set[str]:
    inodes = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _decode(family: str, hex_addr: str) -> str:
    raw = bytes.fromhex(hex_addr)
    if family == "tcp":
        return socket.inet_ntop(socket.AF_INET, struct.pack("<I", int.from_bytes(raw, "big")))
    # IPv6 is four little-endian 32-bit words.
    words = [struct.pack("<I", int.from_bytes(raw[i:i + 4], "big")) for i in range(0, 16, 4)]
    return socket.inet_ntop(socket.AF_INET6, b"".join(words))


def tcp_sockets() -> list[tuple[Listener, bool]]:
    """Every TCP socket this process holds, from /proc/net/tcp{,6}: (local end, listening)."""
    mine = _socket_inodes()
    found = []
    for family in ("tcp", "tcp6"):
        try:
            with open(f"/proc/net/{family}") as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if inode not in mine:
                continue
            hex_addr, hex_port = local.split(":")
            found.append((Listener(family, _decode(family, hex_addr), int(hex_port, 16)),
                          state == "0A"))
    return found


def listening_sockets() -> list[Listener]:
    """TCP sockets in LISTEN state owned by this process."""
    return [end for end, listening in tcp_sockets() if listening]


LOOPBACK = {"127.0.0.1", "::1"}


def run_until(host: Host, condition: Callable[[], object], timeout: float = 10.0) -> int:
    """Step frames until ``condition()`` holds, for at most ``timeout`` wall seconds.

    For waits on a real thread (an executor, a serial worker): virtual frames run far
    faster than a thread is scheduled, so the bound is wall time, not a frame count.
    Returns the frames run; fails the test when time runs out.
    """
    deadline = time.perf_counter() + timeout
    ran = 0
    while not condition():
        if time.perf_counter() > deadline:
            raise AssertionError(f"condition {condition!r} still false after {timeout} s "
                                 f"({ran} frames)")
        host.step()
        ran += 1
        time.sleep(0.0005)  # let the other thread run
    return ran
