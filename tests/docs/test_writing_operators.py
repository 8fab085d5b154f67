"""Every ```python block of docs/writing-operators.md runs, as the tutorial says.

Blocks starting with ``# file: NAME`` are saved under that name in a fresh folder;
the other blocks run there, in order, as scripts; test files are run by pytest
(in-process, through ``pytester``) and must all pass.
"""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-operators.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_FILE = re.compile(r"\A# file: (\S+)\n")


def _blocks() -> list[str]:
    return _BLOCK.findall(DOC.read_text(encoding="utf-8"))


def _materialise(folder: Path) -> tuple[list[str], list[str]]:
    files, snippets = [], []
    for block in _blocks():
        match = _FILE.match(block)
        if match:
            (folder / match.group(1)).write_text(block, encoding="utf-8")
            files.append(match.group(1))
        else:
            snippets.append(block)
    return files, snippets


def test_the_tutorial_has_code_files_snippets_and_tests():
    blocks = _blocks()
    assert len(blocks) >= 4
    names = [m.group(1) for b in blocks if (m := _FILE.match(b))]
    assert "word_counter.py" in names and any(n.startswith("test_") for n in names)
    assert len(names) < len(blocks)  # at least one snippet runs from the folder


@pytest.mark.timeout(60)
def test_every_snippet_runs(tmp_path, monkeypatch, capsys):
    _, snippets = _materialise(tmp_path)
    assert snippets, "the tutorial has no snippet to run"
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        for i, snippet in enumerate(snippets):
            script = tmp_path / f"_snippet_{i}.py"
            script.write_text(snippet, encoding="utf-8")
            runpy.run_path(str(script), run_name="__main__")
    finally:
        for name in ("word_counter", "scene", "chat_ext", "chat_scene"):
            sys.modules.pop(name, None)
    assert "completed" in capsys.readouterr().out


@pytest.mark.timeout(60)
def test_the_tutorials_tests_pass_with_the_fixture(pytester):
    files, _ = _materialise(pytester.path)
    tests = [name for name in files if name.startswith("test_")]
    assert tests
    options = ("-p", "no:cacheprovider", "-W", "error::RuntimeWarning",
               "-W", "error::ResourceWarning")
    # As the tutorial says: the first run writes the trace snapshot, the next
    # compares with it.
    written = pytester.runpytest_inprocess(*tests, *options, "--snapshot-update")
    written.assert_outcomes(passed=3)
    assert list((pytester.path / "__snapshots__").glob("*.ambr"))
    result = pytester.runpytest_inprocess(*tests, *options)
    result.assert_outcomes(passed=3)
