"""Text DATs as TD projects use them: synced to external files, imported by name
from each other's code, their annotations evaluated as where TD runs them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from host import BaseCOMP, Host, TextDAT
from td.environment import set_project


def test_a_text_dat_follows_its_file_relative_to_the_project_folder(
        host: Host, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    set_project(host, "show.py", str(tmp_path))
    (tmp_path / "notes.txt").write_text("first")
    dat = host.op("/").create(TextDAT, "notes")
    dat.par.file = "notes.txt"
    assert dat.text == "first"
    version = dat.version
    (tmp_path / "notes.txt").write_text("second")
    os.utime(tmp_path / "notes.txt", (1, 1))  # a new stamp, whatever the resolution
    assert dat.text == "second" and dat.version == version + 1
    dat.par.file = "missing.txt"
    assert dat.text == "second"  # kept, and the failure reported once
    assert dat.text == "second" and caplog.text.count("/notes par.file 'missing.txt'") == 1


def test_dat_code_imports_dats_beside_it_then_local_modules_then_python(host: Host) -> None:
    comp = host.op("/").create(BaseCOMP, "comp")
    modules = comp.create(BaseCOMP, "local").create(BaseCOMP, "modules")
    modules.create(TextDAT, "shared").text = "WHERE = me.path\n"
    inner = comp.create(BaseCOMP, "inner")
    inner.create(TextDAT, "helper").text = (
        "import json\nOWNER = parent().path\n"
        "def dump(x):\n    return json.dumps(x)\n")
    user = inner.create(TextDAT, "user")
    user.text = ("import helper\nimport shared\nfrom helper import dump\nimport json\n"
                 "RESULT = (helper.OWNER, shared.WHERE, dump([1]), json.__name__)\n")
    assert user.module.RESULT == ("/comp/inner", "/comp/local/modules/shared", "[1]", "json")
    inner.op("helper").text = "def dump(x):\n    return 'changed'\n"
    user.text = "from helper import dump\n"  # run again: it imports the helper's new text
    assert user.module.dump(1) == "changed"


def test_dat_code_has_tds_classes_and_evaluated_annotations(host: Host) -> None:
    comp = host.op("/").create(BaseCOMP, "comp")
    dat = comp.create(TextDAT, "model")
    dat.text = ("from dataclasses import dataclass, field\n"
                "@dataclass\nclass Item:\n    par: Par\n    owner: COMP = None\n"
                "    tags: list = field(default_factory=list)\n"
                "def step() -> TOP:\n    return td.absTime.frame\n")
    module: Any = dat.module
    assert module.Item.__annotations__["par"] is module.Par
    assert module.step.__annotations__["return"].family == "TOP"
    assert module.Item(None).tags == [] and module.step() == 0.0


def test_a_failing_module_says_so_instead_of_hiding_behind_attribute_lookup(
        host: Host) -> None:
    dat = host.op("/").create(TextDAT, "broken")
    dat.text = "x = None.missing\n"
    with pytest.raises(ImportError, match=r"/broken.module: its code raised AttributeError: "
                                          r"'NoneType' object has no attribute 'missing'"):
        dat.module  # noqa: B018
