"""ChatClient: a ChatTD-like operator that streams chat replies into a table DAT.

Each `Ask()` is one tracked TDAsyncIO task: an aiohttp POST to a streaming chat
endpoint whose reply arrives one token per line. Tokens are written to the
``conversations`` DAT as they arrive (one row per conversation, the text so far),
the task's progress follows the token count, and the completion callback writes
the final status, so the table shows completed, failed, cancelled and timed-out
conversations side by side.

aiohttp's own timeouts are switched off: the task's ``timeout`` (host time) is the
one deadline, so it behaves the same in realtime and in virtual time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp

from asyncio_comp.progress import report_progress
from asyncio_comp.records import TaskOutcome
from operators.dot_lop_utils import DotLOPUtils
from td.errors import describe_error
from td.network import BaseCOMP
from td.params import FloatPar, IntPar, StrPar
from td.table import TableDAT

if TYPE_CHECKING:
    from operators._chat_server import ChatServer

__all__ = ["COLUMNS", "ChatClient"]

COLUMNS = ("conversation", "task_id", "status", "tokens", "progress", "text", "error")


class ChatClient(DotLOPUtils, BaseCOMP):
    """Streams replies from a chat server into ``conversations``; see the module docstring."""

    parameters: ClassVar = (
        StrPar("Url", "", help="the streaming chat endpoint, e.g. http://127.0.0.1:8080/chat"),
        IntPar("Tokens", 24, min=1, help="tokens asked for when Ask() is not told"),
        FloatPar("Delay", 0.05, min=0.0, help="seconds the server waits between tokens"),
    )

    #: The local server this client talks to, when a scene started one for it.
    server: ChatServer | None = None

    def onCreate(self) -> None:
        self.conversations = self.create(TableDAT, "conversations")
        self.conversations.appendRow(COLUMNS)
        self._tokens: dict[str, list[str]] = {}
        self._rows: dict[str, int] = {}
        self._task_ids: dict[str, int] = {}

    # -- the operator's API -------------------------------------------------------
    def Ask(self, conversation: str, prompt: str, *, tokens: int | None = None,
            timeout: float | None = None, stall: float = 0.0) -> int:
        """Start streaming the reply to ``prompt`` into the row ``conversation``.

        Args:
            tokens: how many tokens to ask for (default: the Tokens parameter).
            timeout: host seconds before the task ends as ``timeout``.
            stall: seconds the server waits before its first token (to show timeouts).

        Returns:
            The TDAsyncIO task id.
        """
        if not isinstance(conversation, str) or not conversation:
            raise ValueError(f"Ask() expected a conversation name, got {conversation!r}")
        if conversation in self._rows:
            raise ValueError(f"{self.path} already has a conversation {conversation!r}")
        url = self.par.Url.eval()
        if not url:
            raise ValueError(f"{self.path} par.Url is empty; set it to the chat endpoint")
        count = self.par.Tokens.eval() if tokens is None else tokens
        payload = {"prompt": prompt, "tokens": count, "delay": self.par.Delay.eval(),
                   "stall": stall, "id": conversation}
        self._rows[conversation] = self.conversations.appendRow(
            [conversation, "", "pending", 0, "0.00", "", ""])
        self._tokens[conversation] = []
        task_id = self.run_async_task(
            self._stream(conversation, url, payload), description=f"chat {conversation}",
            completion_callback=self._on_done, info=conversation, timeout=timeout)
        assert isinstance(task_id, int)
        self._task_ids[conversation] = task_id
        self.conversations[self._rows[conversation], "task_id"] = task_id
        return task_id

    def tokens(self, conversation: str) -> list[str]:
        """The tokens received so far for ``conversation``, in arrival order."""
        return list(self._tokens[conversation])

    def task_id(self, conversation: str) -> int:
        return self._task_ids[conversation]

    def status(self, conversation: str) -> str:
        cell = self.conversations[self._rows[conversation], "status"]
        return "" if cell is None else cell.val

    # -- the task -----------------------------------------------------------------
    async def _stream(self, conversation: str, url: str, payload: dict[str, Any]) -> str:
        row = self._rows[conversation]
        dat = self.conversations
        received = self._tokens[conversation]
        dat[row, "status"] = "running"
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=None, sock_read=None)
        async with aiohttp.ClientSession(timeout=timeout) as session, \
                session.post(url, json=payload) as response:
            response.raise_for_status()
            total = int(response.headers.get("X-Tokens-Total", payload["tokens"]))
            async for raw in response.content:
                index_text, _, token = raw.decode().rstrip("\n").partition("\t")
                if int(index_text) != len(received):
                    raise ValueError(f"token {index_text} arrived out of order; expected "
                                     f"token {len(received)} of conversation {conversation!r}")
                received.append(token)
                fraction = len(received) / total if total else 1.0
                report_progress(min(fraction, 1.0))
                dat[row, "tokens"] = len(received)
                dat[row, "progress"] = f"{fraction:.2f}"
                text = dat[row, "text"]
                dat[row, "text"] = token if text is None else text.val + token
        if len(received) != total:
            raise ConnectionError(f"the stream ended after {len(received)} of {total} tokens")
        return "".join(received)

    def _on_done(self, outcome: TaskOutcome) -> None:
        row = self._rows.get(outcome.info)
        if row is None or not self.valid:
            return
        self.conversations[row, "status"] = outcome.status.value
        error = outcome.error
        self.conversations[row, "error"] = describe_error(error) if error else ""
