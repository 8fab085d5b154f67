"""Text DATs the TouchDesigner way: text, write() (and print into one), clear() in
TD's order, a version that grows only when the text changes, and par.file (Sync to
File) with dat.module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from host import DAT, Host, TextDAT


@pytest.fixture
def text(host: Host) -> TextDAT:
    return host.root.create(TextDAT, "notes")


def test_text_reads_and_replaces_the_whole_text(text: TextDAT) -> None:
    assert (text.text, text.isText, text.isTable, text.family) == ("", True, False, "DAT")
    assert isinstance(text, DAT) and text.OPType == "textDAT"
    text.text = "def f():\n    return 1\n"
    assert text.text == "def f():\n    return 1\n"
    assert (text.numRows, text.numCols) == (2, 1)


def test_write_appends_and_print_prints_into_the_dat(text: TextDAT) -> None:
    assert text.write("a", 1, None) == "a1None"
    print("hello", "world", file=text, flush=True)
    assert text.text == "a1Nonehello world\n"


def test_version_grows_only_on_a_change(text: TextDAT) -> None:
    start = text.version
    text.text = "x"
    text.text = "x"
    text.write("")
    assert text.version == start + 1
    text.write("y")
    assert text.version == start + 2


def test_clear_in_td_order(text: TextDAT) -> None:
    text.text = "first\nsecond\nthird\n"
    text.clear(keepFirstCol=True)  # each line is its row's only (first) cell
    assert text.text == "first\nsecond\nthird\n"
    text.clear(False, True)
    assert text.text == "first\n"
    text.text = "a\nb\nc\n"
    text.clear(True)  # keepSize: three empty lines
    assert text.text == "\n\n\n"
    text.clear()
    assert text.text == ""


def test_bad_text_is_refused_and_changes_nothing(text: TextDAT) -> None:
    text.text = "kept"
    with pytest.raises(TypeError, match=r"/notes.text expected a string, got 3"):
        text.text = 3  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"/notes.clear\(\) expected keepSize as True or "
                                        r"False, got None"):
        text.clear(None)  # type: ignore[arg-type]
    assert text.text == "kept"


def test_a_text_dat_synced_to_a_file_takes_its_text_when_it_changes(
        host: Host, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = tmp_path / "board_ext.py"
    source.write_text("VERSION = 1\n", encoding="utf-8")
    dat = host.root.create(TextDAT, "BoardExt")
    dat.par.file = str(source)
    assert dat.module.VERSION == 1 and dat.text == "VERSION = 1\n"
    source.write_text("VERSION = 2\n", encoding="utf-8")
    os.utime(source, (1, 1))  # a new stamp, however fast the two writes were
    assert dat.module.VERSION == 2
    before = host.stats.callback_errors
    dat.par.file = str(tmp_path / "missing.py")
    assert dat.module.VERSION == 2 and dat.module.VERSION == 2  # the text is kept
    assert host.stats.callback_errors == before + 1  # the unreadable file, reported once
    assert "/BoardExt par.file" in caplog.text and "missing.py" in caplog.text
