"""comp.copy(op, name=None): the same class, parameter values and custom parameters,
table and text, storage, tags, comment, extensions and children; nothing left behind
when a part fails."""

from __future__ import annotations

from typing import Any

import pytest

from host import BaseCOMP, FloatPar, Host, TableDAT, TextDAT
from td import ParMode


class Counter:
    def __init__(self, ownerComp: BaseCOMP) -> None:
        self.ownerComp = ownerComp

    def Where(self) -> str:
        return self.ownerComp.path


class Mixer(BaseCOMP):
    parameters = (FloatPar("Gain", 1.0),)

    def onCreate(self) -> None:
        self.applied: list[float] = []
        self.create(TableDAT, "levels").appendRow(["level"])

    def onValueChange(self, par: Any, prev: Any) -> None:
        self.applied.append(par.eval())


@pytest.fixture
def mixer(host: Host) -> Mixer:
    mixer = host.root.create(Mixer, "mixer1")
    mixer.par.Gain = 2.5
    page = mixer.appendCustomPage("Config")
    page.appendMenu("Mode", menuNames=["fast", "slow"])
    mixer.par.Mode = "slow"
    levels = mixer.op("levels")
    assert isinstance(levels, TableDAT)
    levels.appendRow(["0.5"])
    mixer.create(TextDAT, "notes").text = "hello\n"
    inner = mixer.create(BaseCOMP, "inner")
    inner.create(TableDAT, "deep").appendRow(["x", "y"])
    inner.addExtension(Counter)
    mixer.store("settings", {"a": 1})
    mixer.tags = ["audio"]
    mixer.comment = "main mix"
    return mixer


def test_a_copy_carries_the_state_and_is_independent(host: Host, mixer: Mixer) -> None:
    twin = host.root.copy(mixer)
    assert isinstance(twin, Mixer) and twin.name == "mixer2" and twin.path == "/mixer2"
    assert twin.par.Gain == 2.5 and twin.applied == [2.5, "slow"]  # its handler applied them
    assert twin.par.Mode.menuNames == ["fast", "slow"] and twin.par.Mode == "slow"
    assert [p.name for p in twin.customPars] == ["Mode"]
    levels = twin.op("levels")
    assert isinstance(levels, TableDAT) and levels.values() == [["level"], ["0.5"]]
    notes = twin.op("notes")
    assert isinstance(notes, TextDAT) and notes.text == "hello\n"
    deep = twin.op("inner/deep")
    assert isinstance(deep, TableDAT) and deep.values() == [["x", "y"]]
    inner = twin.op("inner")
    assert isinstance(inner, BaseCOMP) and inner.Where() == "/mixer2/inner"
    assert twin.fetch("settings") == {"a": 1} and twin.tags == {"audio"}
    assert twin.comment == "main mix" and twin.id != mixer.id

    levels.appendRow(["0.9"])
    twin.par.Gain = 3.0
    mixer_levels = mixer.op("levels")
    assert mixer_levels is not None and mixer_levels.numRows == 2 and mixer.par.Gain == 2.5


def test_copy_names_follow_td(host: Host, mixer: Mixer) -> None:
    assert host.root.copy(mixer).name == "mixer2"
    assert host.root.copy(mixer).name == "mixer3"
    assert host.root.copy(mixer, name="backup").name == "backup"
    assert host.root.copy(mixer, name="backup").name == "backup1"
    holder = host.root.create(BaseCOMP, "holder")
    assert holder.copy(mixer).path == "/holder/mixer1"


def test_a_copy_that_cannot_be_made_leaves_nothing(host: Host, mixer: Mixer) -> None:
    inner = mixer.op("inner")
    assert isinstance(inner, BaseCOMP)
    inner.addExtension(Counter(inner), name="Shared")
    before = [node.path for node in host.root.walk()]
    with pytest.raises(ValueError, match=r"copy\(\) cannot copy /mixer1/inner: its extension "
                                         r"'Shared' was attached as an object, which a copy "
                                         r"could only share; attach the class instead"):
        host.root.copy(mixer)
    assert [node.path for node in host.root.walk()] == before
    with pytest.raises(ValueError, match=r"/mixer1/inner.copy\(\) cannot copy /mixer1 into "
                                         r"itself or one of its own children"):
        inner.copy(mixer)
    with pytest.raises(TypeError, match=r"/.copy\(\) expected an operator to copy, "
                                        r"got '/mixer1'"):
        host.root.copy("/mixer1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"/.copy\(\) expected name as letters, digits and "
                                         r"underscores"):
        host.root.copy(mixer, name="two words")
    assert [node.path for node in host.root.walk()] == before


def test_a_copy_keeps_modes_expressions_and_binds(host: Host, mixer: Mixer) -> None:
    page = mixer.appendCustomPage("Levels")
    page.appendFloat("Level")
    page.appendFloat("Follow")
    page.appendFloat("Held")
    mixer.par.Level = 7.0
    mixer.par.Level.expr = "me.op('deep_count').numRows * me.par.Gain"
    mixer.create(TableDAT, "deep_count").appendRows([["a"], ["b"]])
    mixer.par.Follow.bindExpr = "me.par.Gain"
    mixer.par.Held.mode = ParMode.EXPORT
    twin = host.root.copy(mixer)
    level, follow = twin.par.Level, twin.par.Follow
    assert (level.mode, level.expr, level.val) == (
        ParMode.EXPRESSION, "me.op('deep_count').numRows * me.par.Gain", 7.0)
    assert level.eval() == 5.0 and level.error == ""  # the copy's own table and Gain
    twin_count = twin.op("deep_count")
    assert isinstance(twin_count, TableDAT)
    twin_count.appendRow(["c"])
    assert level.eval() == 7.5 and mixer.par.Level.eval() == 5.0
    assert (follow.mode, follow.bindExpr) == (ParMode.BIND, "me.par.Gain")
    follow.val = 4.0  # a bind writes its master: the copy's Gain, not the original's
    assert twin.par.Gain == 4.0 and mixer.par.Gain == 2.5
    assert twin.par.Held.mode is ParMode.EXPORT
    level.val = 1.0  # setting the constant ends the copy's expression only
    assert level.mode is ParMode.CONSTANT and mixer.par.Level.mode is ParMode.EXPRESSION
