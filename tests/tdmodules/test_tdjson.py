"""TDJSON, as TD code imports it: custom parameters to JSON and back."""

from __future__ import annotations

import pytest

import td
import TDJSON
from host import BaseCOMP, Host, TextDAT


def test_a_comps_parameters_go_to_json_and_come_back_as_they_were(host: Host) -> None:
    source = host.op("/").create(BaseCOMP, "source")
    page = source.appendCustomPage("Tone")
    gain = page.appendFloat("Gain", label="Gain (dB)")[0]
    gain.normMin, gain.normMax, gain.clampMax = -60, 12, True
    gain.val = -6
    wave = page.appendMenu("Wave")[0]
    wave.menuNames, wave.menuLabels = ["sine", "saw"], ["Sine", "Saw"]
    wave.val = "saw"
    source.appendCustomPage("Info").appendStr("Title")
    source.par.Title.expr = "me.name"
    source.appendCustomPage("Info").appendPulse("Go")

    described = TDJSON.opToJSONOp(source)
    assert list(described) == ["Tone", "Info"]
    assert described["Tone"]["Gain"] == {
        "name": "Gain", "style": "Float", "page": "Tone", "size": 1, "label": "Gain (dB)",
        "default": 0.0, "readOnly": False, "enable": True, "help": "", "min": 0.0,
        "max": 1.0, "normMin": -60.0, "normMax": 12.0, "clampMin": False, "clampMax": True,
        "val": -6.0, "mode": "CONSTANT"}
    assert described["Info"]["Title"]["expr"] == "me.name"

    target = host.op("/").create(BaseCOMP, "target")
    text = TDJSON.jsonToText(described)
    made = TDJSON.addParametersFromJSONOp(target, TDJSON.textToJSON(text))
    assert [p.name for p in made] == ["Gain", "Wave", "Title", "Go"]
    assert target.par.Gain.eval() == -6 and target.par.Gain.label == "Gain (dB)"
    assert target.par.Wave.menuLabels == ["Sine", "Saw"] and target.par.Wave.eval() == "saw"
    assert target.par.Title.eval() == "target" and target.par.Go.isPulse
    assert TDJSON.pageToJSONDict(target.customPages[0]) == {
        name: dict(par) for name, par in described["Tone"].items()}


def test_json_in_dats_and_bad_json(host: Host) -> None:
    dat = host.op("/").create(TextDAT, "settings")
    TDJSON.jsonToDat({"a": [1, 2]}, dat)
    assert dat.text == '{\n\t"a": [\n\t\t1,\n\t\t2\n\t]\n}'
    assert TDJSON.datToJSON(dat) == {"a": [1, 2]}
    dat.text = "{not json"
    assert TDJSON.datToJSON(dat) is None
    with pytest.raises(ValueError, match="Expecting property name"):
        TDJSON.datToJSON(dat, showErrors=True)


def test_adding_what_exists_without_replace_is_tds_error_and_changes_nothing(
        host: Host) -> None:
    comp = host.op("/").create(BaseCOMP, "comp")
    spec = {"name": "callbacks", "style": "DAT", "page": "Callbacks", "val": "x"}
    made = TDJSON.addParameterFromJSONDict(comp, spec)
    assert made is comp.par.Callbacks and made.val == "x"  # TD's fixed name: Callbacks
    with pytest.raises(td.tdError, match=r"/comp already has a parameter 'Callbacks'"):
        TDJSON.addParameterFromJSONDict(comp, dict(spec, val="y"), replace=False)
    assert comp.par.Callbacks.val == "x"
    with pytest.raises(ValueError, match=r"got style 'Wobble' for 'Other'; expected one of "
                                         r"Float, Int"):
        TDJSON.addParameterFromJSONDict(comp, {"name": "Other", "style": "Wobble"})
    with pytest.raises(ValueError, match=r"expected a JSON parameter with a 'name', got \{\}"):
        TDJSON.addParameterFromJSONDict(comp, {})
    with pytest.raises(ValueError, match=r"destroyOthers=True expected custom parameters"):
        TDJSON.addParametersFromJSONList(comp, [spec], destroyOthers=True)
    assert [p.name for p in comp.customPars] == ["Callbacks"]
