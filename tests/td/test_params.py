"""Typed parameters: validation keeps the old value; pulses and changes call handlers."""

from __future__ import annotations

import math
from typing import Any

import pytest
from logged_knobs import LoggedKnobs

from host import (
    BaseCOMP,
    FloatPar,
    Host,
    IntPar,
    MenuPar,
    Par,
    PulsePar,
    StrPar,
    TogglePar,
)


class Knobs(LoggedKnobs):
    parameters = (
        FloatPar("Gain", 1.0, min=0.0, max=10.0),
        IntPar("Count", 3, min=1),
        TogglePar("Enabled", True),
        StrPar("Label", "hello"),
        MenuPar("Mode", ["fast", "slow"]),
        PulsePar("Go"),
    )


@pytest.fixture
def knobs(host: Host) -> Knobs:
    return host.root.create(Knobs, "knobs")


def test_defaults_and_assignment(knobs: Knobs) -> None:
    assert [knobs.par.Gain.eval(), knobs.par.Count.eval(), knobs.par.Enabled.eval(),
            knobs.par.Label.eval(), knobs.par.Mode.eval()] == [1.0, 3, True, "hello", "fast"]
    knobs.par.Gain = 2
    assert knobs.par.Gain.eval() == 2.0 and isinstance(knobs.par.Gain.eval(), float)
    knobs.par.Enabled = 0
    assert knobs.par.Enabled.eval() is False
    knobs.par.Mode.val = "slow"
    assert knobs.par.Mode.val == "slow"
    # Every COMP has TD's built-in (lower-case) shortcuts and Re-Init Extensions pulse
    # first, then its own.
    assert [p.name for p in knobs.par] == ["opshortcut", "parentshortcut", "iopshortcut1",
                                           "iop1", "iparshortcut1", "ipar1",
                                           "reinitextensions", "Gain", "Count", "Enabled",
                                           "Label", "Mode", "Go"]
    assert "Gain" in knobs.par and "Nope" not in knobs.par


def test_value_change_handler_gets_previous_value_only_on_change(knobs: Knobs) -> None:
    knobs.par.Gain = 5.0
    knobs.par.Gain = 5.0
    knobs.par.Label = "bye"
    assert knobs.log == [("Gain", (1.0, 5.0)), ("Label", ("hello", "bye"))]


def test_pulse_calls_the_handler(knobs: Knobs) -> None:
    knobs.par.Go.pulse()
    knobs.par.Go.pulse()
    assert knobs.log == [("pulse", "Go"), ("pulse", "Go")]
    assert knobs.par.Go.isPulse and not knobs.par.Gain.isPulse


@pytest.mark.parametrize(("name", "value", "exc", "pattern"), [
    ("Gain", "abc", TypeError, r"/knobs par\.Gain expected a number, got 'abc'"),
    ("Gain", None, TypeError, r"par\.Gain expected a number, got None"),
    ("Gain", math.nan, ValueError, r"par\.Gain expected a finite number, got nan"),
    ("Gain", 11, ValueError, r"par\.Gain expected a number <= 10.0, got 11"),
    ("Gain", -0.5, ValueError, r"par\.Gain expected a number >= 0.0, got -0.5"),
    ("Count", 2.5, TypeError, r"par\.Count expected an integer, got 2.5"),
    ("Count", 0, ValueError, r"par\.Count expected an integer >= 1, got 0"),
    ("Count", False, TypeError, r"par\.Count expected an integer, got False"),
    ("Enabled", "true", TypeError, r"par\.Enabled expected True/False \(or 1/0\), got 'true'"),
    ("Label", 5, TypeError, r"par\.Label expected a string, got 5"),
    ("Mode", "medium", ValueError, r"par\.Mode expected one of \['fast', 'slow'\], got 'medium'"),
])
def test_rejected_values_keep_the_old_value_and_fire_nothing(
        knobs: Knobs, name: str, value: object, exc: type[Exception], pattern: str) -> None:
    before = getattr(knobs.par, name).eval()
    with pytest.raises(exc, match=pattern):
        setattr(knobs.par, name, value)
    assert getattr(knobs.par, name).eval() == before
    assert knobs.log == []


def test_faulty_handler_is_reported_not_raised(host: Host,
                                               caplog: pytest.LogCaptureFixture) -> None:
    class Faulty(BaseCOMP):
        parameters = (PulsePar("Go"), FloatPar("Gain", 1.0))

        def onPulse(self, par: Par) -> None:
            raise RuntimeError("pulse handler broke")

        def onValueChange(self, par: Par, prev: Any) -> None:
            raise RuntimeError("change handler broke")

    faulty = host.root.create(Faulty, "faulty")
    before = host.stats.callback_errors
    faulty.par.Go.pulse()
    faulty.par.Gain = 2.0
    assert faulty.par.Gain.eval() == 2.0
    assert host.stats.callback_errors == before + 2
    text = caplog.text
    assert "pulse handler broke" in text and "change handler broke" in text
    assert "/faulty" in text


@pytest.mark.parametrize(("make", "pattern"), [
    (lambda: FloatPar("gain"), r"capital letter followed by lowercase .* got 'gain'"),
    (lambda: FloatPar("GainX"), r"got 'GainX'"),
    (lambda: FloatPar("Gain", "x"), r"Gain expected a number, got 'x'"),
    (lambda: MenuPar("Mode", []), r"menu parameter 'Mode' expected at least one item"),
])
def test_bad_declarations(make: Any, pattern: str) -> None:
    with pytest.raises((TypeError, ValueError), match=pattern):
        make()
