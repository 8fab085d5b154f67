"""Custom parameters the TouchDesigner way: TD's append* arguments (label, size,
order, replace), the OP/COMP/DAT, StrMenu, File, Folder and Python kinds, and the attributes
TD code sets afterwards: label, default, min/max, clampMin/clampMax, normMin/normMax,
readOnly, enable, help."""

from __future__ import annotations

from typing import Any

import pytest

from host import BaseCOMP, FloatPar, Host, TableDAT, TextDAT


class Knobs(BaseCOMP):
    parameters = (FloatPar("Gain", 1.0, min=0.0),)

    def onCreate(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def onValueChange(self, par: Any, prev: Any) -> None:
        self.log.append((par.name, prev, par.val))


@pytest.fixture
def knobs(host: Host) -> Knobs:
    knobs = host.root.create(Knobs, "knobs")
    knobs.create(TableDAT, "scores")
    return knobs


def test_op_comp_and_dat_parameters_hold_a_path_and_eval_to_the_operator(
        host: Host, knobs: Knobs) -> None:
    page = knobs.appendCustomPage("Refs")
    target = page.appendOP("Target")[0]
    table = page.appendDAT("Table")[0]
    owner = page.appendCOMP("Owner")[0]
    assert (target.style, table.style, owner.style) == ("OP", "DAT", "COMP")
    assert target.isOP and target.eval() is None and target.val == ""
    scores = knobs.op("scores")
    target.val = "scores"  # relative to the parameter's operator
    assert target.eval() is scores and target.val == "scores" and bool(target)
    table.val = scores  # an operator is stored as its path
    assert table.val == "/knobs/scores" and table.eval() is scores
    owner.val = "/knobs/scores"  # a DAT: not what a COMP parameter names
    assert owner.eval() is None
    owner.val = host.root
    assert owner.eval() is host.root
    target.val = "nothing"
    assert target.eval() is None and not target
    with pytest.raises(TypeError, match=r"/knobs par.Table expected a DAT operator or its "
                                        r"path, got 3"):
        table.val = 3
    assert table.val == "/knobs/scores"


def test_str_menu_file_and_folder(knobs: Knobs) -> None:
    page = knobs.appendCustomPage("Files")
    model = page.appendStrMenu("Model")[0]
    model.menuNames = ["gpt", "llama"]
    model.val = "anything else"  # a StrMenu takes any string
    assert model.menuNames == ["gpt", "llama"] and model == "anything else"
    assert model.style == "StrMenu" and model.isString
    path = page.appendFile("Source")[0]
    folder = page.appendFolder("Output")[0]
    path.val, folder.val = "/tmp/in.txt", "/tmp"
    assert (path.style, folder.style, path.eval(), folder.eval()) == (
        "File", "Folder", "/tmp/in.txt", "/tmp")


def test_a_python_parameter_holds_an_expression_and_evals_to_its_object(
        knobs: Knobs) -> None:
    page = knobs.appendCustomPage("Code")
    target = page.appendPython("Target")[0]
    assert (target.style, target.isPython, target.val, target.eval()) == (
        "Python", True, "", None)
    target.val = "me.op('scores')"  # evaluated as the parameter's operator's code
    assert target.val == "me.op('scores')" and target.eval() is knobs.op("scores")
    assert knobs.log[-1] == ("Target", "", "me.op('scores')")
    target.val = "[n * me.par.Gain for n in range(3)]"
    knobs.par.Gain = 2.0
    assert target.eval() == [0.0, 2.0, 4.0]  # read again at each eval()
    with pytest.raises(ValueError, match=r"/knobs par.Target expected a Python expression, "
                                         r"got 'me.op\('"):
        target.val = "me.op("
    assert target.val == "[n * me.par.Gain for n in range(3)]"
    target.val = "1 / 0"
    with pytest.raises(ZeroDivisionError) as raised:
        target.eval()
    assert raised.value.__notes__ == ["in /knobs par.Target, the Python expression '1 / 0'"]


def test_a_menu_appended_empty_gets_its_items_afterwards(knobs: Knobs) -> None:
    mode = knobs.appendCustomPage("Config").appendMenu("Mode")[0]
    assert mode.eval() == "" and mode.menuNames == []
    mode.menuNames = ["fast", "slow"]
    mode.menuLabels = ["Fast", "Slow"]
    assert mode.eval() == "fast" and knobs.log[-1] == ("Mode", "", "fast")
    with pytest.raises(ValueError, match=r"par.Mode expected one of \['fast', 'slow'\], "
                                         r"got 'medium'"):
        mode.val = "medium"


def test_td_append_arguments_label_size_order_replace(knobs: Knobs) -> None:
    page = knobs.appendCustomPage("Config")
    page.appendStr("Last", "Last one")
    pos = page.appendFloat("Pos", "Position", 3)
    assert [p.name for p in pos] == ["Pos1", "Pos2", "Pos3"]
    first = page.appendToggle("First", order=0)[0]
    assert [p.name for p in page.pars] == ["First", "Last", "Pos1", "Pos2", "Pos3"]
    assert first.label == "First" and knobs.par.Last.label == "Last one"
    page.sort("Pos3", "Last")
    assert [p.name for p in page.pars] == ["Pos3", "Last", "First", "Pos1", "Pos2"]
    assert page.index == 0 and knobs.appendCustomPage("More").index == 1
    page.appendStr("Size2")
    before = [p.name for p in knobs.par]
    with pytest.raises(ValueError, match=r"already has a parameter 'Size2' \(it was appended "
                                         r"without replace=True\)"):
        page.appendInt("Size", size=3, replace=False)
    with pytest.raises(ValueError, match=r"expected size as a whole number >= 1, got 0"):
        page.appendFloat("Size", size=0)
    with pytest.raises(ValueError, match=r"expected order as a position >= 0 on the page, "
                                         r"got -1"):
        page.appendFloat("Size", order=-1)
    assert [p.name for p in knobs.par] == before  # nothing half-added


def test_settable_attributes_of_a_custom_parameter(knobs: Knobs) -> None:
    level = knobs.appendCustomPage("Config").appendFloat("Level")[0]
    assert (level.min, level.max, level.normMin, level.normMax) == (0, 1, 0, 1)
    assert not level.clampMin and not level.clampMax
    level.val = 5.0  # TD: min/max limit nothing until clamped
    level.label, level.help, level.default = "Output level", "how loud", 0.25
    assert (level.label, level.help, level.default) == ("Output level", "how loud", 0.25)
    level.max = 2.0
    level.clampMax = True  # the value beyond the clamped end comes back to it
    assert level.eval() == 2.0 and knobs.log[-1] == ("Level", 5.0, 2.0)
    level.val = 7
    assert level.eval() == 2.0
    level.min, level.clampMin = -1.0, True
    level.val = -3
    assert level.eval() == -1.0
    level.normMin, level.normMax = -10, 10
    assert (level.normMin, level.normMax) == (-10, 10)


def test_read_only_and_enable_are_flags_code_can_still_write_through(knobs: Knobs) -> None:
    status = knobs.appendCustomPage("Config").appendStr("Status")[0]
    status.readOnly, status.enable = True, False
    assert status.readOnly and not status.enable
    status.val = "running"  # TD: read-only to the UI, not to scripts
    assert status == "running"
    knobs.par.Gain.readOnly = True  # any parameter has the flag
    assert knobs.par.Gain.readOnly


def test_bad_attributes_are_refused_and_change_nothing(knobs: Knobs) -> None:
    page = knobs.appendCustomPage("Config")
    text = page.appendStr("Name")[0]
    level = page.appendFloat("Level", max=1.0)[0]  # a framehost bound: refuses beyond it
    level.val = 0.5
    with pytest.raises(TypeError, match=r"/knobs par.Gain is declared by its class, so its "
                                        r"label is fixed"):
        knobs.par.Gain.label = "G"
    with pytest.raises(TypeError, match=r"/knobs par.Name is a str parameter; min is for "
                                        r"Float and Int parameters"):
        text.min = 0
    with pytest.raises(TypeError, match=r"par.Level.min expected a finite number, got 'low'"):
        level.min = "low"
    with pytest.raises(ValueError, match=r"par.Level.max = 0.25 would refuse its current "
                                         r"value \(.*<= 0.25, got 0.5\); change the value "
                                         r"first"):
        level.max = 0.25
    with pytest.raises(ValueError, match=r"par.Level expected a number <= 1.0, got 3"):
        level.default = 3
    with pytest.raises(TypeError, match=r"par.Name.readOnly expected True or False, got 'y'"):
        text.readOnly = "y"
    with pytest.raises(TypeError, match=r"par.Name.label expected a string, got None"):
        text.label = None
    with pytest.raises(TypeError, match=r"parameter 'Other' expected label as a string, "
                                        r"got 3"):
        page.appendStr("Other", 3)  # type: ignore[arg-type]
    assert "Other" not in knobs.par
    assert (level.max, level.default, level.eval(), text.label, text.readOnly) == (
        1.0, 0.0, 0.5, "Name", False)


def test_append_par_copies_a_style(knobs: Knobs) -> None:
    page = knobs.appendCustomPage("Config")
    base = page.appendFloat("Level")[0]
    base.clampMax = True
    twin = page.appendPar("Level2", par=base, label="Second")[0]
    assert twin.style == "Float" and twin.label == "Second" and twin.clampMax
    twin.val = 9
    assert twin.eval() == 1 and base.eval() == 0
    twin.clampMax = False  # its own attributes
    assert base.clampMax
    with pytest.raises(TypeError, match=r"appendPar\(\) expected par as the parameter to "
                                        r"copy the style of"):
        page.appendPar("Level3")


def test_a_text_dat_can_be_a_dat_parameters_target(knobs: Knobs) -> None:
    notes = knobs.create(TextDAT, "notes")
    callbacks = knobs.appendCustomPage("Config").appendDAT("Callbacks")[0]
    callbacks.val = "notes"
    assert callbacks.eval() is notes
