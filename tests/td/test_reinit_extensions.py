"""Re-Init Extensions (the ``reinitextensions`` pulse, ``comp.initializeExtensions()``):
an edited extension file's new code runs, the old objects' work stops, and the COMP
keeps its parameter values and children."""

from __future__ import annotations

import importlib
import logging
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from host import BaseCOMP, Host
from td.extensions import ReloadError
from td.params import PulsePar
from td.table import TableDAT

VERSION_1 = '''
class ChatExt:
    """Starts its own loop, as a TD extension starts its work in __init__."""

    def __init__(self, ownerComp):
        self.ownerComp = ownerComp
        self.ticks = 0
        self.done = []
        self.destroyed = False
        self.loop_id = op.TDAsyncIO.Run(self.Loop(), completion_callback=self.Done)

    def Reply(self, text):
        return "v1: " + text

    async def Loop(self):
        while True:
            self.ticks += 1
            await self.ownerComp.host.next_frame()

    def Done(self, outcome):
        self.done.append(outcome.status.value)

    def onDestroyTD(self):
        self.destroyed = True
'''

VERSION_2 = VERSION_1.replace('"v1: "', '"v2: "').replace("self.ticks += 1",
                                                          "self.ticks += 10")


def status(host: Host, task_id: int) -> str:
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    return str(info["status"].value)


@pytest.fixture
def chat_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, ModuleType]:
    """``chat_ext_live.py`` in a folder of its own, imported as a project's module."""
    file = tmp_path / "chat_ext_live.py"
    file.write_text(VERSION_1, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "chat_ext_live", raising=False)
    module = importlib.import_module("chat_ext_live")
    yield file, module
    sys.modules.pop("chat_ext_live", None)


def chat_comp(host: Host, module: ModuleType) -> tuple[Any, Any]:
    comp: Any = host.root.create(BaseCOMP, "chat")
    comp.appendCustomPage("Config").appendFloat("Gain")
    comp.par.Gain = 0.25
    comp.create(TableDAT, "log")
    return comp, comp.addExtension(module.ChatExt)


def test_reinit_runs_the_edited_files_new_code_and_stops_the_old_objects_work(
        host: Host, chat_module: tuple[Path, ModuleType]) -> None:
    file, module = chat_module
    comp, old = chat_comp(host, module)
    log = comp.op("log")
    # Work of the old object started from outside it: running its method, pending.
    outside = host.tasks.Run(old.Loop(), completion_callback=old.Done)
    unrelated = host.tasks.Run(host.frames(1000))
    host.step(2)
    assert comp.Reply("hi") == "v1: hi"
    assert (status(host, old.loop_id), status(host, outside)) == ("running", "running")
    pending = host.tasks.Run(old.Loop(), completion_callback=old.Done)

    file.write_text(VERSION_2, encoding="utf-8")
    comp.par.reinitextensions.pulse()

    new = comp.ext.ChatExt
    assert new is not old and comp.Reply("hi") == "v2: hi"
    assert type(new) is module.ChatExt  # the module itself holds the new code
    assert old.destroyed and not new.destroyed  # onDestroyTD, as TD calls it
    assert status(host, pending) == "cancelled"  # never started: at once
    host.step(1)
    assert [status(host, t) for t in (old.loop_id, outside)] == ["cancelled", "cancelled"]
    ticks = old.ticks
    host.step(3)
    assert old.ticks == ticks  # the old code runs no more
    assert old.done == []  # and its callbacks are not called
    assert status(host, new.loop_id) == "running" and new.ticks >= 30  # new code: +10
    assert status(host, unrelated) == "running"  # not the old object's work
    # The COMP itself is untouched: parameter values, children.
    assert comp.par.Gain.eval() == 0.25
    assert comp.op("log") is log and log.valid
    assert [c.name for c in comp.children] == ["log"]


def test_a_save_that_fails_to_reload_keeps_the_old_extension_running(
        host: Host, chat_module: tuple[Path, ModuleType],
        caplog: pytest.LogCaptureFixture) -> None:
    file, module = chat_module
    comp, old = chat_comp(host, module)
    old_class = module.ChatExt
    host.step(2)
    file.write_text(VERSION_2 + "\ndef broken(:\n", encoding="utf-8")
    errors = host.stats.callback_errors
    with caplog.at_level(logging.ERROR, logger="framehost"):
        comp.par.reinitextensions.pulse()  # reported, never raised
    assert host.stats.callback_errors == errors + 1
    (record,) = [r for r in caplog.records if "reinitextensions" in r.getMessage()]
    assert re.search(r"chat_ext_live\.py:\d+: SyntaxError", record.getMessage())
    assert comp.ext.ChatExt is old and module.ChatExt is old_class
    assert comp.Reply("x") == "v1: x" and not old.destroyed
    host.step(1)
    assert status(host, old.loop_id) == "running"
    # Called directly, the same failure raises, and still changes nothing.
    with pytest.raises(ReloadError, match=r"chat_ext_live\.py:\d+: SyntaxError: .*; "
                                          r"nothing was reloaded"):
        comp.initializeExtensions()
    assert comp.ext.ChatExt is old
    # The next good save re-inits.
    file.write_text(VERSION_2, encoding="utf-8")
    (new,) = comp.initializeExtensions()
    assert comp.ext.ChatExt is new and comp.Reply("x") == "v2: x"


def test_a_module_that_no_longer_defines_the_class_changes_nothing(
        host: Host, chat_module: tuple[Path, ModuleType]) -> None:
    file, module = chat_module
    comp, old = chat_comp(host, module)
    file.write_text(VERSION_2.replace("class ChatExt:", "class RenamedExt:"),
                    encoding="utf-8")
    with pytest.raises(ReloadError, match=r"chat_ext_live\.py no longer defines the extension "
                                          r"class 'ChatExt' \(found None\); nothing was "
                                          r"reloaded"):
        comp.initializeExtensions()
    assert comp.ext.ChatExt is old and module.ChatExt is type(old)
    assert not hasattr(module, "RenamedExt")


class Counter:
    """An extension attached as an object: re-init keeps it (nothing to make it from)."""

    def __init__(self, ownerComp: BaseCOMP) -> None:
        self.ownerComp = ownerComp


class Pulsed(BaseCOMP):
    parameters = (PulsePar("Go"),)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.heard: list[tuple[str, Any]] = []

    def onPulse(self, par: Any) -> None:
        self.heard.append((par.name, self.ext.Made if "Made" in self.ext else None))


def test_an_object_extension_is_kept_and_onpulse_hears_the_reinit(host: Host) -> None:
    class Made:  # defined in a function: made again from the same class
        def __init__(self, ownerComp: BaseCOMP) -> None:
            self.ownerComp = ownerComp

    comp = host.root.create(Pulsed, "p")
    kept = comp.addExtension(Counter(comp), name="Kept")
    made = comp.addExtension(Made)
    comp.par.reinitextensions.pulse()
    assert comp.ext.Kept is kept
    assert comp.ext.Made is not made and type(comp.ext.Made) is Made
    # onPulse hears the built-in pulse too, after the extensions were made again.
    assert comp.heard == [("reinitextensions", comp.ext.Made)]
    assert [name for name, _, _ in comp.ext.attached()] == ["Kept", "Made"]


def test_every_comp_has_the_pulse_and_one_without_extensions_is_unchanged(
        host: Host) -> None:
    comp = host.root.create(BaseCOMP, "plain")
    par = comp.par.reinitextensions
    assert par.isPulse and par.label == "Re-Init Extensions"
    comp.par.reinitextensions.pulse()
    assert comp.initializeExtensions() == []
    assert host.root.par.reinitextensions.isPulse
