"""TD's classes as globals, tdError, relativePath, evalExpression, pages as
sequences, dat.module and op.TDModules, as TD code uses them."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

import td
from host import BaseCOMP, Host, TableDAT, TextDAT


def test_td_class_names_are_globals_for_annotations_and_isinstance() -> None:
    scope: dict[str, Any] = {}
    source = "def f(x: Par) -> COMP: return isinstance(x, Par), isinstance(x, (TOP, CHOP))"
    exec(compile(source, "<td code>", "exec", dont_inherit=True), scope)  # annotations evaluated
    assert scope["f"].__annotations__["return"] is td.BaseCOMP
    for name in ("OP", "COMP", "DAT", "Par", "Page", "Cell", "tdError", "TOP", "CHOP",
                 "SOP", "MAT", "POP"):
        assert getattr(builtins, name) is getattr(td, name)
    with pytest.raises(TypeError, match=r"framehost has no TOPs .* always False"):
        td.TOP()


def test_td_errors_are_caught_as_tderror_and_as_their_python_types(host: Host) -> None:
    table = host.op("/").create(TableDAT, "t")
    table.appendRow(["id"])
    with pytest.raises(td.tdError, match=r"/t has no row labelled 'x'"):
        table.deleteRow("x")
    with pytest.raises(IndexError, match=r"/t has 1 rows"):
        table.deleteRow(5)
    comp = host.op("/").create(BaseCOMP, "c")
    page = comp.appendCustomPage("P")
    page.appendFloat("Gain")
    with pytest.raises(td.tdError, match=r"already has a parameter 'Gain'"):
        page.appendFloat("Gain", replace=False)
    assert table.numRows == 1 and [p.name for p in comp.customPars] == ["Gain"]


def test_relative_path_resolves_back_from_every_kind_of_operator(host: Host) -> None:
    root = host.op("/")
    a = root.create(BaseCOMP, "a")
    b = a.create(BaseCOMP, "b")
    dat = a.create(TextDAT, "notes")
    effect = root.create(BaseCOMP, "effect")
    cases = [(b, effect, "../../effect"), (dat, effect, "../effect"), (b, b, "."),
             (a, b, "b"), (dat, b, "b"), (b, a, ".."), (root, b, "a/b"), (b, root, "../..")]
    for start, target, path in cases:
        assert start.relativePath(target) == path
        assert start.op(path) is target
    with pytest.raises(TypeError, match=r"/a/b.relativePath\(\) expected an operator of the "
                                        r"same host, got '/effect'"):
        b.relativePath("/effect")


def test_eval_expression_runs_as_the_operators_code(host: Host) -> None:
    comp = host.op("/").create(BaseCOMP, "comp")
    child = comp.create(TextDAT, "child")
    host.step(3)
    assert child.evalExpression("me.name") == "child"
    assert child.evalExpression("parent().path") == "/comp"
    assert comp.evalExpression("op('child')") is child
    assert comp.evalExpression("absTime.frame") == 3.0
    with pytest.raises(ValueError, match=r"/comp.evalExpression\(\) got '1 \+', which is "
                                         r"not a Python expression"):
        comp.evalExpression("1 +")
    with pytest.raises(TypeError, match=r"expected a Python expression as a string, got 3"):
        comp.evalExpression(3)  # type: ignore[arg-type]


def test_pages_iterate_index_and_count_their_parameters(host: Host) -> None:
    comp = host.op("/").create(BaseCOMP, "comp")
    page = comp.appendCustomPage("Look")
    page.appendFloat("Gain")
    page.appendToggle("On")
    assert [p.name for p in page] == ["Gain", "On"]
    assert len(page) == 2 and page[1] is comp.par.On


def test_dat_module_is_the_text_as_a_module_made_again_when_it_changes(host: Host) -> None:
    dat = host.op("/").create(TextDAT, "callbacks")
    dat.text = "def who():\n    return me.path\n"
    first = dat.module
    assert first.who() == "/callbacks" and dat.module is first
    dat.text = "def who():\n    return 'changed'\n"
    assert dat.module.who() == "changed"


def test_td_modules_gives_tds_own_modules_by_name() -> None:
    import TDFunctions
    import TDJSON
    import tdu

    mods = td.op.TDModules.mod
    assert mods.TDFunctions is TDFunctions and mods("TDJSON") is TDJSON and mods.tdu is tdu
    assert builtins.tdu is tdu  # type: ignore[attr-defined]  # a global, as in TD
    with pytest.raises(ModuleNotFoundError, match=r"op.TDModules.mod.TDFunction: TD's modules "
                                                  r"here are .*did you mean TDFunctions\?"):
        mods.TDFunction  # noqa: B018


def test_append_returns_tds_par_group_set_and_read_as_a_whole(host: Host) -> None:
    comp = host.op("/").create(BaseCOMP, "comp")
    target = host.op("/").create(BaseCOMP, "target")
    page = comp.appendCustomPage("Repo")
    source = page.appendOP("Source", label="Source")
    source.val = target  # the group set as a whole: its one part
    source[0].startSection = True
    assert isinstance(source, list) and source == [comp.par.Source] and source.name == "Source"
    assert comp.par.Source.eval() is target and source.eval() == (target,)
    assert source.val == ("/target",) and source.startSection == (True,)
    color = page.appendFloat("Color", size=3)
    color.val = (0.1, 0.2, 0.3)  # one value per part
    color.clampMax = True  # one value for every part
    assert [p.name for p in color] == ["Color1", "Color2", "Color3"] and color.name == "Color"
    assert color.eval() == (0.1, 0.2, 0.3) and color.clampMax == (True, True, True)
    with pytest.raises(AttributeError, match=r"ParGroup 'Color' has no settable attribute "
                                             r"'colour'; it sets bindExpr"):
        color.colour = 1
    with pytest.raises(TypeError, match=r"par.Color1.startSection expected True or False, "
                                        r"got 'yes'"):
        color.startSection = "yes"


def test_dat_code_shows_its_lines_in_tracebacks(host: Host) -> None:
    import traceback

    dat = host.op("/").create(TextDAT, "code")
    dat.text = "def fail():\n    return 1 / 0\n"
    with pytest.raises(ZeroDivisionError) as caught:
        dat.module.fail()
    shown = "".join(traceback.format_exception(caught.value))
    assert 'File "<DAT /code>", line 2, in fail\n    return 1 / 0' in shown
