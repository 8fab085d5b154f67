"""Port 1: a LOPs chat extension with a Timeout parameter that defaults to 0."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest

from host import Host


def rows(host: Host) -> list[list[str]]:
    return host.op("/chat/conversation").values()[1:]  # type: ignore[union-attr]


def test_the_reply_arrives_with_the_default_timeout_of_zero(
        host: Host, port: Callable[..., Any], caplog: pytest.LogCaptureFixture) -> None:
    port(host, "chat_operator")
    chat: Any = host.op("/chat")
    assert chat.par.Timeout == 0 and chat.par.Model.menuLabels == ["Small", "Large"]
    chat.par.Prompt = "hello"
    with caplog.at_level(logging.INFO, logger="/chat"):
        chat.par.Send.pulse()  # the Parameter Execute DAT calls the promoted Send()
    sent = re.search(r"sent 'hello' as task (\d+)", caplog.text)  # 1, or 0 in LOPs
    assert sent is not None, caplog.text
    host.step(23)
    assert rows(host) == []  # 0.4 s at 60 fps: the reply lands on frame 25
    host.step(2)
    assert rows(host) == [[sent.group(1), "hello", "[small] you said: hello", ""]]


def test_promoted_calls_failures_and_a_real_timeout(host: Host,
                                                    port: Callable[..., Any]) -> None:
    port(host, "chat_operator")
    chat: Any = host.op("/chat")
    chat.par.Model = "large"
    ok = chat.Send("first")
    bad = chat.Send("   ")
    chat.par.Timeout = 0.1
    slow = chat.Send("too slow")
    host.step(30)
    by_id = {r[0]: r for r in rows(host)}
    assert by_id[str(ok)][2] == "[large] you said: first"
    assert "empty prompt" in by_id[str(bad)][3]
    # Reported by the callback here, by the operator's own check in LOPs (which
    # calls back on completed and failed only), each in its manager's words.
    assert re.search(r"timeout of 0\.1 s|timed out after 0\.1 seconds", by_id[str(slow)][3])
    assert chat.ext.ChatExt.pending == {}


def test_autoclear_uses_the_promoted_tdasyncio_call(host: Host,
                                                     port: Callable[..., Any]) -> None:
    port(host, "chat_operator")
    chat: Any = host.op("/chat")
    chat.par.Autoclear = True
    task_id = chat.Send("bye")
    host.step(30)
    assert rows(host)[0][:3] == [str(task_id), "bye", "[small] you said: bye"]
    assert host.tasks.GetTaskInfo(task_id) is None  # cleared by op.TDAsyncIO.Clearfinished()
