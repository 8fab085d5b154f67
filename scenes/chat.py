"""Chat: replies streamed token by token from a local HTTP server; a timeout and a cancel.

The scene starts a streaming chat server on 127.0.0.1 (an ephemeral port, its own
thread) and a ChatClient operator at ``/chat``, then asks five questions at once:
three stream to completion, ``essay`` is cancelled by the scene (as a user would,
with CancelTask) once a few tokens have arrived, and ``oracle`` asks a server that
stalls, so its task's timeout fires. Then a follow-up question every ``follow``
seconds, for as long as the scene runs, so replies keep streaming. Watch
``/chat/conversations`` fill in (select its tile in the window, or
``--show /chat/conversations`` in the terminal).

Arguments (``--arg key=value``): ``delay`` seconds between tokens (0.05),
``tokens`` per reply (24), ``cancel_after`` tokens before essay is cancelled (6),
``timeout`` seconds for oracle (2.0), ``follow`` seconds between follow-up
questions (1.5; 0 asks none).
"""

from __future__ import annotations

from typing import Any

from operators._chat_server import ChatServer
from operators.chat_client import ChatClient

PROMPTS = {
    "weather": "What is the weather like on frame 1000?",
    "haiku": "Write a haiku about an event loop.",
    "recipe": "How do I bake bread in sixty frames a second?",
}
ESSAY = ("essay", "Write a very long essay about cancellation.")
ORACLE = ("oracle", "What will the stalled oracle say?")
#: Asked one after another, round and round, while the scene runs.
FOLLOW_UPS = (
    ("why", "Why does a frame budget matter?"),
    ("how", "How does a task know it was cancelled?"),
    ("when", "When does a timeout fire in virtual time?"),
    ("what", "What is in the task table right now?"),
)


def build(host: Any, delay: str = "0.05", tokens: str = "24", cancel_after: str = "6",
          timeout: str = "2.0", follow: str = "1.5") -> ChatClient:
    server = ChatServer()
    server.start()
    host.on_close(server.stop)

    client = host.root.create(ChatClient, "chat")
    client.server = server
    client.par.Url = server.url
    client.par.Delay = float(delay)
    client.par.Tokens = int(tokens)

    for name, prompt in PROMPTS.items():
        client.Ask(name, prompt)
    # Long enough that it is still streaming when the scene cancels it.
    essay_id = client.Ask(ESSAY[0], ESSAY[1], tokens=max(200, int(tokens) * 10))
    client.Ask(ORACLE[0], ORACLE[1], timeout=float(timeout), stall=3600.0)

    limit = int(cancel_after)

    def cancel_essay(host: Any) -> None:
        if len(client.tokens(ESSAY[0])) >= limit:
            host.tasks.CancelTask(essay_id)
            host.remove_callback(cancel_essay)

    host.on_frame_end(cancel_essay)

    every = float(follow)
    if every > 0:
        asked = [0]

        def ask_more(host: Any) -> None:
            # The first follow-up once the first replies are in, then one every `every`
            # seconds of host time: exact frames in virtual time, any length of run.
            if host.seconds >= every * (asked[0] + 2):
                name, prompt = FOLLOW_UPS[asked[0] % len(FOLLOW_UPS)]
                asked[0] += 1
                client.Ask(f"{name}_{asked[0]}", prompt)

        host.on_frame_end(ask_more)
    return client
