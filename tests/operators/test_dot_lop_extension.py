"""DotLOPUtils as an extension's base (TD's ownerComp convention) and as a mixin:
ownerComp, asyncio_comp, run_async_task, ChatTD and logger either way."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from asyncio_comp import TaskOutcome
from host import BaseCOMP, Host
from operators import DotLOPUtils


class ChatExt(DotLOPUtils):
    def __init__(self, ownerComp: BaseCOMP) -> None:
        super().__init__(ownerComp)
        self.replies: list[Any] = []

    def Ask(self, question: str) -> int | list[int]:
        return self.run_async_task(self.answer(question), description=question,
                                   completion_callback=self.on_done, timeout=0)

    async def answer(self, question: str) -> str:
        await asyncio.sleep(0.1)
        return question.upper()

    def on_done(self, task: TaskOutcome) -> None:
        self.replies.append(task.result)


class SetsOwnerItself(DotLOPUtils):
    def __init__(self, ownerComp: BaseCOMP) -> None:  # the classic TD extension opening
        self.ownerComp = ownerComp


class Mixed(DotLOPUtils, BaseCOMP):
    pass


def test_an_extension_the_lops_way(host: Host, caplog: pytest.LogCaptureFixture) -> None:
    comp = host.root.create(BaseCOMP, "chat")
    ext = comp.addExtension(ChatExt)
    assert ext.ownerComp is comp and ext.asyncio_comp is host.asyncio_comp
    assert ext.ChatTD is host.op("/ChatTD")
    assert isinstance(ext.logger, logging.Logger) and ext.logger.name == "/chat"
    with caplog.at_level(logging.INFO, logger="/chat"):
        ext.logger.info("ready")
    assert [r.name for r in caplog.records] == ["/chat"]
    comp_: Any = comp
    task_id = comp_.Ask("hi")
    host.step(8)
    assert ext.replies == ["HI"] and host.tasks.GetTaskResult(task_id) == "HI"


def test_an_extension_that_sets_owner_comp_itself(host: Host) -> None:
    comp = host.root.create(BaseCOMP, "c")
    ext = comp.addExtension(SetsOwnerItself)
    assert ext.ownerComp is comp and ext.ChatTD is host.op("/ChatTD")


def test_the_mixin_is_its_own_owner(host: Host) -> None:
    mixed = host.root.create(Mixed, "mixed")
    assert mixed.ownerComp is mixed and mixed.ChatTD is host.op("/ChatTD")
    assert mixed.logger.name == "/mixed" and mixed.asyncio_comp is host.asyncio_comp
    with pytest.raises(ValueError, match=r"/mixed is its own ownerComp"):
        mixed.ownerComp = host.root


def test_misuse_says_how_to_use_it(host: Host) -> None:
    with pytest.raises(TypeError, match=r"DotLOPUtils\(\) got no ownerComp; DotLOPUtils must "
                                        r"be mixed into an operator class .* "
                                        r"comp.addExtension\(MyExt\)"):
        DotLOPUtils()
    with pytest.raises(TypeError, match=r"ChatExt\('chat'\) got no ownerComp"):
        ChatExt("chat")  # type: ignore[arg-type]

    class Forgot(DotLOPUtils):
        def __init__(self, ownerComp: BaseCOMP) -> None:
            pass

    forgot = host.root.create(BaseCOMP, "f").addExtension(Forgot)
    with pytest.raises(TypeError, match=r"Forgot has no ownerComp; DotLOPUtils must be mixed"):
        forgot.ChatTD  # noqa: B018
    with pytest.raises(TypeError, match=r"ownerComp expected an operator, got 'x'"):
        forgot.ownerComp = "x"
