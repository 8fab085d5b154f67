"""A local streaming chat server for the chat scene: an aiohttp app on its own thread.

It stands in for a remote LLM API. It runs on a thread with its own event loop so
that, like a real service, it keeps its own (wall-clock) pace whatever the host's
frame loop does. It listens on 127.0.0.1 only, on an ephemeral port.

``POST /chat`` with JSON ``{"prompt": str, "tokens": int, "delay": float, "stall": float}``
answers with a chunked ``text/plain`` body of one line per token, ``"<index>\\t<token>"``,
after waiting ``stall`` seconds, with ``delay`` seconds between tokens. The header
``X-Tokens-Total`` announces how many tokens will follow. The tokens are a pure
function of the prompt (`reply_tokens`), and the server records what it actually
sent per request id (`sent`), so a test can check what arrived against both.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from typing import Any

from aiohttp import web

__all__ = ["ChatServer", "reply_tokens"]

_WORDS = (
    "the", "frame", "loop", "keeps", "its", "rate", "while", "tokens", "stream", "in",
    "from", "a", "server", "that", "takes", "time", "to", "think", "and", "every",
    "task", "ends", "exactly", "once", "with", "status", "progress", "table", "row",
    "cancelled", "timeout", "completed",
)


def reply_tokens(prompt: str, count: int) -> list[str]:
    """The ``count`` tokens the server answers ``prompt`` with (a leading space each)."""
    seed = hashlib.sha256(prompt.encode()).digest()
    return [f" {_WORDS[(seed[i % len(seed)] ^ i) % len(_WORDS)]}" for i in range(count)]


class ChatServer:
    """The streaming server; `start()` it, read `url`, `stop()` it (idempotent)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._bind = host
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._sent: dict[str, list[str]] = {}
        self.port = 0

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("ChatServer.url read before start(); call start() first")
        return f"http://{self._bind}:{self.port}/chat"

    def sent(self, request_id: str) -> list[str]:
        """The tokens actually written for ``request_id`` so far (any thread)."""
        with self._lock:
            return list(self._sent.get(request_id, ()))

    def start(self, timeout: float = 10.0) -> int:
        """Start serving on an ephemeral port; returns the port once it listens."""
        if self._thread is not None:
            raise RuntimeError(f"ChatServer on port {self.port} was already started")
        self._thread = threading.Thread(target=self._serve, name="chat-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"ChatServer did not start listening within {timeout} s")
        if self._error is not None:
            raise RuntimeError(f"ChatServer failed to start: {self._error!r}") from self._error
        return self.port

    def stop(self, timeout: float = 10.0) -> None:
        """Close every connection, stop the loop and join the thread."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None or not thread.is_alive():
            return
        try:
            loop.call_soon_threadsafe(stopping.set)
        except RuntimeError:
            pass  # the loop already closed
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError(f"ChatServer thread did not stop within {timeout} s")

    # -- the server thread --------------------------------------------------------
    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        except BaseException as exc:  # reported to start() if it happens before ready
            self._error = exc
            self._ready.set()
        finally:
            try:
                loop.run_until_complete(_finish_leftovers())
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_post("/chat", self._chat)
        # Disconnected clients cancel their handler; shutdown waits at most a moment.
        runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0,
                               access_log=None)
        await runner.setup()
        web_server = runner.server
        assert web_server is not None
        stopping = self._stopping

        def accept() -> asyncio.BaseProtocol:
            # asyncio leaks the accepted socket if this raises; a connection that
            # arrives while the server stops is closed at once instead.
            return _Refused() if stopping.is_set() else web_server()

        loop = asyncio.get_running_loop()
        server = await loop.create_server(accept, self._bind, 0)
        try:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await stopping.wait()
            # Stop accepting, then let the connections accepted so far get their
            # transports before the server closes: in Python 3.11 a transport built
            # after Server.close() fails in its constructor and leaks its socket.
            for listener in server.sockets:
                loop.remove_reader(listener.fileno())
            for _ in range(2):
                await asyncio.sleep(0)
            server.close()
        finally:
            await runner.cleanup()

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body: Any = await request.json()
        try:
            prompt = str(body["prompt"])
            count = int(body.get("tokens", 20))
            delay = float(body.get("delay", 0.05))
            stall = float(body.get("stall", 0.0))
            request_id = str(body.get("id", prompt))
        except (KeyError, TypeError, ValueError) as exc:
            raise web.HTTPBadRequest(
                text=f"expected JSON with a 'prompt', got {body!r}: {exc}") from None
        response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8",
                                               "X-Tokens-Total": str(count)})
        response.enable_chunked_encoding()
        try:
            await self._stream(request, response, request_id, prompt, count, delay, stall)
        except ConnectionResetError:
            pass  # the client hung up (cancelled or timed out): normal for a chat server
        return response

    async def _stream(self, request: web.Request, response: web.StreamResponse,
                      request_id: str, prompt: str, count: int, delay: float,
                      stall: float) -> None:
        await response.prepare(request)
        if stall and await self._wait_or_stop(stall):
            return
        with self._lock:
            sent = self._sent.setdefault(request_id, [])
        for index, token in enumerate(reply_tokens(prompt, count)):
            await response.write(f"{index}\t{token}\n".encode())
            with self._lock:
                sent.append(token)
            if delay and index + 1 < count and await self._wait_or_stop(delay):
                return
        await response.write_eof()

    async def _wait_or_stop(self, seconds: float) -> bool:
        """Sleep ``seconds``; True (at once) if the server is stopping."""
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return False
        return True


class _Refused(asyncio.Protocol):
    """Closes a connection accepted while the server was stopping."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


async def _finish_leftovers() -> None:
    """Cancel what outlived the runner and let closed transports run ``connection_lost``.

    A transport closes its socket in a callback scheduled by ``close()``; closing the
    loop before that callback runs would leak the socket (a ResourceWarning).
    """
    # Let tasks that have not started yet start first: asyncio's accept task, for
    # one, leaks its socket if it is cancelled before it ran.
    for _ in range(3):
        await asyncio.sleep(0)
    current = asyncio.current_task()
    leftovers = [t for t in asyncio.all_tasks() if t is not current]
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)
    for _ in range(3):
        await asyncio.sleep(0)
