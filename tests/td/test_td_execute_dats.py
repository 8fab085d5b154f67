"""Execute, Parameter Execute and DAT Execute DATs: callbacks as TD names them, read
from a DAT's text or a file, run as the DAT's code."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from host import BaseCOMP, Host, TableDAT
from td import datexecuteDAT, executeDAT, parameterexecuteDAT


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def test_execute_dat_start_create_frames_and_exit(tmp_path: Path) -> None:
    with Host(fps=60, realtime=False) as host:
        comp = host.root.create(BaseCOMP, "comp")
        log = comp.create(TableDAT, "log")
        ex = comp.create(executeDAT, "ex")
        ex.text = code('''
            def onStart():
                op('log').appendRow(['start', absTime.frame])
            def onCreate():
                op('log').appendRow(['create', me.name])
            def onFrameStart(frame):
                op('log').appendRow(['start of', frame])
            def onFrameEnd(frame):
                parent().op('log').appendRow(['end of', frame])
            def onExit():
                (tmp / 'exit.txt').write_text('bye')
        ''')
        ex.par.start = ex.par.create = ex.par.framestart = ex.par.exit = True
        host.step(1)
        ex.par.frameend = True
        ex.text = ex.text  # unchanged text: the module is not run again
        host.step(1)
        assert log.values() == [["start", "1.0"], ["create", "ex"], ["start of", "1"],
                                ["start of", "2"], ["end of", "2"]]
        module = ex.callbacks()
        assert module is not None
        module.tmp = tmp_path
    assert (tmp_path / "exit.txt").read_text() == "bye"


def test_callbacks_come_from_a_file_and_faults_are_reported(
        host: Host, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = tmp_path / "callbacks.py"
    source.write_text("def onFrameStart(frame):\n    raise RuntimeError(f'frame {frame}')\n")
    ex = host.root.create(executeDAT, "ex")
    ex.par.file = str(source)
    ex.par.framestart = True
    before = host.stats.callback_errors
    host.step(1)
    assert host.stats.callback_errors == before + 1 and "/ex onFrameStart() raised " \
        "RuntimeError: frame 1" in caplog.text
    source.write_text("def onFrameStart(frame:\n")
    os.utime(source, (1, 1))  # a new stamp, whatever the file system's resolution
    host.step(3)  # a module that does not compile is reported once
    assert host.stats.callback_errors == before + 2 and "syntax error" in caplog.text
    ex.par.active = False
    host.step(1)
    assert host.stats.callback_errors == before + 2


def test_parameter_execute_dat_watches_chosen_operators_and_parameters(host: Host) -> None:
    comp = host.root.create(BaseCOMP, "comp")
    page = comp.appendCustomPage("Config")
    page.appendFloat("Gain")
    page.appendFloat("Other")
    page.appendPulse("Go")
    log = comp.create(TableDAT, "log")
    pe = comp.create(parameterexecuteDAT, "pe")
    pe.text = code('''
        def onValueChange(par, prev):
            op('log').appendRow([par.name, prev, par.eval()])
        def onPulse(par):
            parent().op('log').appendRow(['pulse', par.name, ''])
        def onValuesChanged(changes):
            op('log').appendRow(['frame', len(changes), changes[0].prev])
    ''')
    pe.par.pars = "Gain Go"
    pe.par.ops = "/comp"
    assert pe.watched == [comp]
    comp.par.Gain = 2
    comp.par.Other = 5  # not in pars
    comp.par.opshortcut = "Comp"  # built-in: not watched unless par.builtin
    comp.par.Go.pulse()
    host.step(1)
    assert log.values() == [["Gain", "0.0", "2.0"], ["pulse", "Go", ""], ["frame", "1", "0.0"]]
    comp.par.Gain.expr = "absTime.frame * 10"  # an expression's change is a change too
    host.step(1)
    assert log.values()[3] == ["Gain", "2.0", "10.0"]


def test_parameter_execute_dat_finds_an_operator_made_later(host: Host) -> None:
    pe = host.root.create(parameterexecuteDAT, "pe")
    pe.text = "def onValueChange(par, prev):\n    me.store_seen = par.owner.name\n"
    pe.par.ops = "later"
    host.step(1)
    later = host.root.create(BaseCOMP, "later")
    later.appendCustomPage("P").appendInt("Count")
    host.step(1)
    later.par.Count = 3
    assert pe.watched == [later] and pe.store_seen == "later"


def test_dat_execute_dat_calls_on_table_change_once_per_changed_frame(host: Host) -> None:
    scores = host.root.create(TableDAT, "scores")
    log = host.root.create(TableDAT, "log")
    de = host.root.create(datexecuteDAT, "de")
    de.text = "def onTableChange(dat):\n    op('log').appendRow([dat.name, dat.numRows])\n"
    de.par.dats = "scores"
    scores.appendRow(["a"])
    scores.appendRow(["b"])
    host.step(2)
    scores.appendRow(["c"])
    host.step(1)
    assert log.values() == [["scores", "2"], ["scores", "3"]]
    de.par.dats = "scores log"
    assert de.watched == [scores, log]
    with pytest.raises(TypeError, match=r"par\.dats expected a string, got 3"):
        de.par.dats = 3
