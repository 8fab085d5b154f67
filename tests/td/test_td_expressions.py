"""Parameter modes as TD has them: expressions and binds evaluated in TD's scope,
kept consistent every frame, a bad one keeping the last good value."""

from __future__ import annotations

from typing import Any

import pytest

from host import BaseCOMP, FloatPar, Host, IntPar, StrPar, TogglePar
from td.expressions import watch_for
from td.params import ParMode


class Knobs(BaseCOMP):
    parameters = (FloatPar("Gain", 1.0), IntPar("Count", 0), StrPar("Label", "x"),
                  TogglePar("On", False))

    def onCreate(self) -> None:
        self.changes: list[tuple[str, Any, Any, int]] = []

    def onValueChange(self, par: Any, prev: Any) -> None:
        self.changes.append((par.name, prev, par.eval(), self.host.frame))


@pytest.fixture
def knobs(host: Host) -> Knobs:
    return host.root.create(Knobs, "knobs")


def test_an_expression_follows_the_frame_and_fires_on_value_change(host: Host,
                                                                   knobs: Knobs) -> None:
    knobs.par.Gain.expr = "absTime.frame * 2"
    assert knobs.par.Gain.mode is ParMode.EXPRESSION and knobs.par.Gain.expr == \
        "absTime.frame * 2"
    assert knobs.par.Gain.val == 1.0  # val is the constant, as in TD
    knobs.changes.clear()
    host.step(2)
    assert knobs.changes == [("Gain", 0.0, 2.0, 1), ("Gain", 2.0, 4.0, 2)]  # nobody read it
    knobs.par.Count.expr = "int(me.par.Gain) + 1"  # `me` is the parameter's operator
    knobs.par.Label.expr = "parent().path + me.name"
    knobs.par.On.expr = "absTime.frame % 2"
    assert (knobs.par.Count.eval(), knobs.par.Label.eval(), knobs.par.On.eval()) == \
        (5, "/knobs", False)
    knobs.par.Gain = 0.5  # setting a value makes it constant again
    assert knobs.par.Gain.mode is ParMode.CONSTANT and knobs.par.Gain.eval() == 0.5
    knobs.par.Gain.mode = ParMode.EXPRESSION  # the expression is kept
    assert knobs.par.Gain.eval() == 4.0


def test_only_expression_parameters_are_watched(host: Host, knobs: Knobs) -> None:
    others = [host.root.create(Knobs, f"k{i}") for i in range(20)]
    knobs.par.Gain.expr = "1"
    others[0].par.Count.bindExpr = "op('/knobs').par.Count"
    assert len(watch_for(host)) == 2  # of 21 operators' parameters
    knobs.par.Gain.mode = ParMode.CONSTANT
    assert len(watch_for(host)) == 1
    others[0].destroy()
    host.step(1)
    assert len(watch_for(host)) == 0  # a destroyed operator's parameters leave the watch


def test_a_bad_expression_keeps_the_last_good_value_and_names_itself(
        host: Host, knobs: Knobs, caplog: pytest.LogCaptureFixture) -> None:
    knobs.par.Label.expr = "op('source').name"
    assert knobs.par.Label.eval() == "x"
    assert knobs.par.Label.error == ("/knobs par.Label expression \"op('source').name\" "
                                     "raised AttributeError: 'NoneType' object has no "
                                     "attribute 'name'; it keeps its last value 'x'")
    before = host.stats.callback_errors
    host.step(3)
    assert host.stats.callback_errors == before  # reported once, not every frame
    knobs.create(BaseCOMP, "source")
    host.step(1)
    assert knobs.par.Label.eval() == "source" and knobs.par.Label.error == ""
    knobs.par.Gain.expr = "'loud'"
    assert knobs.par.Gain.eval() == 1.0 and "expected a number, got 'loud'" in \
        knobs.par.Gain.error
    with pytest.raises(ValueError, match=r"/knobs par\.Count expression '1 \+' is not a "
                                         r"Python expression \(.*\); the parameter is "
                                         r"unchanged"):
        knobs.par.Count.expr = "1 +"
    assert knobs.par.Count.mode is ParMode.CONSTANT and knobs.par.Count.expr == ""
    with pytest.raises(ValueError, match=r"par\.Count\.mode expected a ParMode"):
        knobs.par.Count.mode = "expression"  # type: ignore[assignment]


def test_a_bind_reads_and_writes_its_master(host: Host, knobs: Knobs) -> None:
    master = host.root.create(Knobs, "master")
    knobs.par.Gain.bindExpr = "op('/master').par.Gain"
    assert knobs.par.Gain.mode is ParMode.BIND and knobs.par.Gain.eval() == 1.0
    master.par.Gain = 3
    host.step(1)
    assert knobs.changes[-1] == ("Gain", 1.0, 3.0, 1)
    knobs.par.Gain = 7  # writes go to the master
    assert master.par.Gain.eval() == 7.0 and knobs.par.Gain.eval() == 7.0
    knobs.par.Count.bindExpr = "me.par.Count"
    assert "gave the parameter itself" in knobs.par.Count.error
