"""Network demos listen on loopback only, and this is how we know.

Sockets are found the way an administrator would: the process's descriptors in
``/proc/self/fd`` matched against ``/proc/net/tcp`` and ``/proc/net/tcp6``. Every
bundled scene is built in a virtual-time host; every TCP socket this process then
holds — listening or connected — must be bound to 127.0.0.1 or ::1.
"""

from __future__ import annotations

import socket
import sys

import pytest
from reliability_probes import (
    LOOPBACK,
    _decode,
    listening_sockets,
    open_fds,
    run_until,
    tcp_sockets,
)

from host import Host

if not sys.platform.startswith("linux"):  # pragma: no cover
    pytest.skip("the socket probe reads /proc/net/tcp", allow_module_level=True)


def all_tcp_local_addresses() -> list[str]:
    """Local addresses of every TCP socket of this process, in any state."""
    return [end.address for end, _ in tcp_sockets()]


# -- the probe itself ----------------------------------------------------------------
def test_probe_decodes_kernel_addresses() -> None:
    assert _decode("tcp", "0100007F") == "127.0.0.1"
    assert _decode("tcp", "00000000") == "0.0.0.0"
    assert _decode("tcp", "0101A8C0") == "192.168.1.1"
    assert _decode("tcp6", "00000000000000000000000001000000") == "::1"
    assert _decode("tcp6", "00000000000000000000000000000000") == "::"


def test_probe_sees_a_listener_of_this_process() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert ("127.0.0.1", port) in {(s.address, s.port) for s in listening_sockets()}
    assert port not in {s.port for s in listening_sockets()}


# -- the scenes ------------------------------------------------------------------------
def _bundled() -> list[str]:
    loader = pytest.importorskip("host.scene_loader")
    return [info.name for info in loader.list_scenes()]


def test_chat_scene_listens_on_loopback_only_and_stops_listening_on_close() -> None:
    loader = pytest.importorskip("host.scene_loader")
    if "chat" not in _bundled():
        pytest.skip("scenes/chat.py not written yet")
    fds = open_fds()
    host = Host(fps=60, realtime=False)
    try:
        client = loader.build_scene(loader.load_scene("chat"), host) or host.op("/chat")
        host.step(10)
        listeners = listening_sockets()
        assert listeners, "the chat scene should be serving"
        assert {s.address for s in listeners} <= LOOPBACK, listeners
        server = getattr(host.op("/chat"), "server", None)
        if server is not None:
            assert server.port in {s.port for s in listeners}
        # Streaming makes client connections too; they are loopback as well.
        run_until(host, lambda: len(all_tcp_local_addresses()) > len(listeners))
        assert set(all_tcp_local_addresses()) <= LOOPBACK
        del client
    finally:
        host.close()
    assert listening_sockets() == []
    assert open_fds() <= fds  # nothing new left open


@pytest.mark.parametrize("name", _bundled() if sys.platform.startswith("linux") else [])
def test_every_bundled_scene_binds_loopback_only(name: str) -> None:
    loader = pytest.importorskip("host.scene_loader")
    host = Host(fps=60, realtime=False)
    try:
        loader.build_scene(loader.load_scene(name), host)
        host.step(30)
        assert set(all_tcp_local_addresses()) <= LOOPBACK
        assert {s.address for s in listening_sockets()} <= LOOPBACK
    finally:
        host.close()
    assert listening_sockets() == []
