"""Parameters the TouchDesigner way: a Par behaves as its value; par['Name'], pars(),
menus, and custom pages appended at run time."""

from __future__ import annotations

import pytest
from logged_knobs import LoggedKnobs

from host import FloatPar, Host, IntPar, MenuPar, PulsePar, StrPar, TogglePar


class Knobs(LoggedKnobs):
    parameters = (
        FloatPar("Gain", 1.5, min=0.0),
        IntPar("Count", 3),
        TogglePar("Active", False),
        StrPar("Label", "hello"),
        MenuPar("Mode", ["fast", "slow"], labels=["Fast", "Slow and steady"]),
        PulsePar("Go"),
        FloatPar("Color1", 0.1),
        FloatPar("Color2", 0.2),
    )


@pytest.fixture
def knobs(host: Host) -> Knobs:
    return host.root.create(Knobs, "knobs")


def test_truth_follows_the_value(knobs: Knobs) -> None:
    reached = []
    if knobs.par.Active:
        reached.append("off but truthy")
    knobs.par.Active = True
    if knobs.par.Active:
        reached.append("on")
    assert reached == ["on"]
    assert not knobs.par.Go  # a pulse holds no value


def test_casts_comparisons_and_arithmetic_use_the_value(knobs: Knobs) -> None:
    par = knobs.par
    assert par.Count == 3 and par.Count != 4 and not (par.Count == 4)
    assert par.Gain == 1.5 and 1.5 == par.Gain
    assert par.Gain < 2 and par.Gain <= 1.5 and par.Gain > 1 and par.Gain >= 1.5
    assert int(par.Count) == 3 and float(par.Count) == 3.0 and str(par.Label) == "hello"
    assert par.Gain * 2 == 3.0 and 2 * par.Gain == 3.0
    assert par.Gain + 1 == 2.5 and 1 + par.Gain == 2.5
    assert par.Gain - 1 == 0.5 and 2 - par.Gain == 0.5
    assert par.Gain / 3 == 0.5 and 3 / par.Gain == 2.0
    assert par.Count // 2 == 1 and par.Count % 2 == 1 and -par.Count == -3
    assert par.Gain + par.Count == 4.5 and par.Gain == knobs.par.Gain
    assert list(range(par.Count)) == [0, 1, 2]  # __index__ for int parameters
    assert f"{par.Gain:.2f}" == "1.50" and f"{par.Label}" == "hello"
    assert par.Label + " world" == "hello world"
    assert repr(par.Gain) == "<Par /knobs par.Gain>"  # repr still names the parameter


def test_a_par_still_hashes_by_identity(knobs: Knobs) -> None:
    seen = {knobs.par.Gain: "gain", knobs.par.Count: "count"}
    knobs.par.Gain = 7.0
    assert seen[knobs.par.Gain] == "gain"


def test_assigning_a_par_assigns_its_value(knobs: Knobs) -> None:
    knobs.par.Color1 = knobs.par.Color2
    assert knobs.par.Color1.eval() == 0.2
    assert knobs.log == [("Color1", (0.1, 0.2))]


def test_par_by_name_and_by_pattern(knobs: Knobs) -> None:
    assert knobs.par["Gain"] is knobs.par.Gain
    with pytest.raises(KeyError, match=r"/knobs has no parameter 'Gian'; its parameters are: "
                                       r"Gain, Count"):
        knobs.par["Gian"]
    assert [p.name for p in knobs.pars("Color*")] == ["Color1", "Color2"]
    assert [p.name for p in knobs.pars("Gain Count")] == ["Gain", "Count"]
    assert [p.name for p in knobs.pars("G*", "Mode")] == ["Gain", "Mode", "Go"]
    assert knobs.pars("Nothing*") == []
    assert len(knobs.pars()) == len(list(knobs.par))
    with pytest.raises(TypeError, match=r"pars\(\) expected name patterns .* got 3"):
        knobs.pars(3)  # type: ignore[arg-type]


def test_menus_list_names_labels_and_index(knobs: Knobs) -> None:
    mode = knobs.par.Mode
    assert mode.menuNames == ["fast", "slow"]
    assert mode.menuLabels == ["Fast", "Slow and steady"]
    assert mode.menuIndex == 0 and mode.isMenu
    mode.val = "slow"
    assert mode.menuIndex == 1 and mode == "slow"
    assert knobs.par.Gain.menuNames == [] and knobs.par.Gain.menuLabels == []
    with pytest.raises(TypeError, match=r"is declared by its class, so its items are fixed"):
        mode.menuNames = ["a"]
    with pytest.raises(ValueError, match=r"expected one label \(string\) per item \(2\)"):
        MenuPar("Mode", ["a", "b"], labels=["A"])


def test_custom_pages_append_parameters_that_behave_like_declared_ones(knobs: Knobs) -> None:
    page = knobs.appendCustomPage("Config")
    assert knobs.appendCustomPage("Config") is page
    gain = page.appendFloat("Level", label="Level", default=0.5, max=1.0)
    assert isinstance(gain, list) and len(gain) == 1 and gain[0] is knobs.par.Level
    size = page.appendInt("Size", default=4)[0]
    flag = page.appendToggle("Enable")[0]
    text = page.appendStr("Prompt", default="hi")[0]
    menu = page.appendMenu("Model", menuNames=["small", "large"],
                           menuLabels=["Small", "Large"])[0]
    fire = page.appendPulse("Send", label="Send now")[0]
    assert [p.name for p in page.pars] == ["Level", "Size", "Enable", "Prompt", "Model", "Send"]
    assert knobs.customPages == [page] and page.name == "Config"
    assert [p.name for p in knobs.customPars] == [p.name for p in page.pars]
    assert [size.eval(), flag.eval(), text.eval(), menu.eval()] == [4, False, "hi", "small"]
    assert menu.menuLabels == ["Small", "Large"] and fire.label == "Send now"

    knobs.par.Level = 0.75
    knobs.par.Enable = True
    fire.pulse()
    assert knobs.log == [("Level", (0.5, 0.75)), ("Enable", (False, True)), ("pulse", "Send")]
    with pytest.raises(ValueError, match=r"par\.Level expected a number <= 1.0, got 2"):
        knobs.par.Level = 2
    assert knobs.par.Level == 0.75


def test_a_custom_menu_can_change_its_items(knobs: Knobs) -> None:
    menu = knobs.appendCustomPage("Config").appendMenu("Model", menuNames=["a", "b"])[0]
    menu.val = "b"
    menu.menuNames = ["b", "c"]
    assert menu.eval() == "b" and menu.menuLabels == ["b", "c"] and knobs.log == [
        ("Model", ("a", "b"))]
    menu.menuLabels = ["Bee", "Sea"]
    assert menu.menuNames == ["b", "c"] and menu.menuLabels == ["Bee", "Sea"]
    menu.menuNames = ["x", "y"]  # the value is gone: it moves to the first item, and says so
    assert menu.eval() == "x" and knobs.log[-1] == ("Model", ("b", "x"))


def test_appending_validates_and_never_replaces_a_declared_parameter(knobs: Knobs) -> None:
    page = knobs.appendCustomPage("Config")
    before = [p.name for p in knobs.par]
    with pytest.raises(ValueError, match=r"/knobs already has a parameter 'Gain' \(it is "
                                         r"declared by the operator's class\)"):
        page.appendFloat("Gain")
    with pytest.raises(ValueError, match=r"capital letter followed by lowercase .* got 'gain'"):
        page.appendFloat("gain")
    with pytest.raises(TypeError, match=r"menu parameter 'Model' expected a list of item names"):
        page.appendMenu("Model", menuNames="abc")
    with pytest.raises(ValueError, match=r"appendCustomPage\(\) expected a page name"):
        knobs.appendCustomPage("")
    assert [p.name for p in knobs.par] == before and page.pars == []

    first = page.appendFloat("Level", default=0.5)[0]
    second = page.appendInt("Level", default=2)[0]  # TD's replace=True: the custom one goes
    assert knobs.par.Level is second and second is not first and knobs.par.Level == 2
    with pytest.raises(ValueError, match=r"already has a parameter 'Level' \(it was appended "
                                         r"without replace=True\)"):
        page.appendFloat("Level", replace=False)
    assert [p.name for p in page.pars] == ["Level"]


def test_every_comp_has_the_builtin_opshortcut(knobs: Knobs) -> None:
    assert knobs.par.opshortcut == "" and knobs.par.opshortcut.spec.builtin
    with pytest.raises(ValueError, match=r"par\.opshortcut expected an empty string or a Python "
                                         r"name .* got 'two words'"):
        knobs.par.opshortcut = "two words"
