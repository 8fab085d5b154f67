"""The chat scene: real HTTP streaming from a local server into the conversations DAT."""

from __future__ import annotations

import threading

import pytest

from asyncio_comp import TaskStatus
from host.testing import assert_task_status, run_until
from operators._chat_server import reply_tokens

NAMES = ("weather", "haiku", "recipe", "essay", "oracle")
FINISHED = {s.value for s in TaskStatus if s.is_finished}


@pytest.fixture
def chat(host, build_scene):
    client = build_scene(host, "chat", delay="0.002", tokens="16", cancel_after="5",
                         timeout="1.5")
    # Wall-clock streaming can take more virtual minutes than the default Clear After.
    host.asyncio_comp.par.Clearafter = 1e9
    run_until(host, lambda: all(client.status(n) in FINISHED for n in NAMES),
              frames=300_000, what="every conversation ended")
    return client


@pytest.mark.timeout(60)
def test_completed_conversations_stream_the_servers_tokens_in_order(host, chat):
    from host.scenes.chat import PROMPTS

    for name, prompt in PROMPTS.items():
        assert_task_status(host, chat.task_id(name), "completed")
        expected = reply_tokens(prompt, 16)
        assert chat.tokens(name) == expected
        assert chat.tokens(name) == chat.server.sent(name)
        row = chat.conversations.row(list(NAMES).index(name) + 1)
        values = [cell.val for cell in row]
        assert values[1:6] == [str(chat.task_id(name)), "completed", "16", "1.00",
                               "".join(expected)]
        assert host.tasks.GetTaskResult(chat.task_id(name)) == "".join(expected)


@pytest.mark.timeout(60)
def test_the_user_cancels_the_essay_after_a_few_tokens(host, chat):
    assert chat.status("essay") == "cancelled"
    assert_task_status(host, chat.task_id("essay"), TaskStatus.CANCELLED)
    got = chat.tokens("essay")
    assert 5 <= len(got) < 160
    from host.scenes.chat import ESSAY

    assert got == reply_tokens(ESSAY[1], 160)[: len(got)]


@pytest.mark.timeout(60)
def test_the_stalled_oracle_times_out_on_its_deadline(host, chat):
    assert chat.status("oracle") == "timeout"
    info = host.tasks.GetTaskInfo(chat.task_id("oracle"))
    assert info["status"] is TaskStatus.TIMEOUT
    assert info["completed_at"] - info["created_at"] == pytest.approx(1.5, abs=1 / 60)
    assert "timeout of 1.5 s" in chat.conversations[5, "error"].val
    assert chat.tokens("oracle") == []


@pytest.mark.timeout(60)
def test_progress_column_mirrors_the_task_table(host, chat):
    table = host.asyncio_comp.task_table
    ids = [cell.val for cell in table.col("task_id")]
    for name in ("weather", "essay"):
        row = ids.index(str(chat.task_id(name)))
        assert table[row, "progress"].val == chat.conversations[NAMES.index(name) + 1,
                                                               "progress"].val


@pytest.mark.timeout(60)
def test_closing_the_host_stops_the_server_thread(build_scene):
    from host import Host

    host = Host(realtime=False)
    client = build_scene(host, "chat", delay="0.002")
    run_until(host, lambda: len(client.tokens("essay")) >= 2, frames=100_000)
    host.close()
    assert not any(t.name == "chat-server" for t in threading.enumerate())
    assert client.server.port
