"""TD's environment: ``me`` (td.current), relative ``op``, ``parent``, ``iop``,
``ipar``, ``ext``, ``mod``, ``absTime``, ``project``, ``root``, ``debug`` and
``run()`` as TD has it, in plain modules (through builtins) and in exec'd code."""

from __future__ import annotations

import builtins
import textwrap
from pathlib import Path
from typing import Any

import pytest

import td
from host import BaseCOMP, Host, PulsePar, TableDAT, TextDAT
from host.scene_loader import build_scene, load_scene
from td.current import call_as, current_operator
from td.environment import NoCurrentOperator, module_of


class Probe(BaseCOMP):
    parameters = (PulsePar("Go"),)

    def onCreate(self) -> None:
        self.seen: list[Any] = [td.me.path]

    def onPulse(self, par: Any) -> None:
        self.seen.append((current_operator(), td.parent(), td.op("child")))


def test_me_is_the_operator_whose_code_runs(host: Host) -> None:
    assert current_operator() is None
    with pytest.raises(NoCurrentOperator, match=r"me needs `me`, but no operator's code is "
                                                r"running here"):
        td.me.path  # noqa: B018
    outer = host.root.create(BaseCOMP, "outer")
    probe = outer.create(Probe, "probe")
    child = probe.create(TableDAT, "child")
    assert probe.seen == ["/outer/probe"]  # onCreate ran as the probe
    probe.par.Go.pulse()
    assert probe.seen[1] == (probe, outer, child)  # op() relative to me
    assert current_operator() is None
    assert call_as(child, lambda: td.op("child")) is child  # a DAT's op(): beside it
    assert call_as(child, lambda: isinstance(td.me, TableDAT) and td.me == child)


def test_parent_shortcuts_iop_ipar_and_ext(host: Host) -> None:
    outer = host.root.create(BaseCOMP, "outer")
    inner = outer.create(BaseCOMP, "inner")
    data = outer.create(TableDAT, "data")
    leaf = inner.create(TableDAT, "leaf")
    outer.par.parentshortcut = "Outer"
    outer.par.iopshortcut1, outer.par.iop1 = "Data", "data"
    outer.par.iparshortcut1 = "Settings"

    class Ext:
        def __init__(self, owner: Any) -> None:
            self.owner, self.made_as = owner, td.me.path

    made = outer.addExtension(Ext)
    assert made.made_as == "/outer"  # an extension's constructor runs as its COMP

    def look() -> tuple[Any, ...]:
        return (td.parent(), td.parent(2), td.parent.Outer, td.iop.Data,
                td.ipar.Settings.parentshortcut.eval(), td.ext.Ext)

    assert call_as(leaf, look) == (inner, outer, outer, data, "Outer", made)
    with pytest.raises(AttributeError, match=r"parent\.Nope: no COMP at or above "
                                             r"/outer/inner/leaf has the parent shortcut"):
        call_as(leaf, lambda: td.parent.Nope)
    with pytest.raises(AttributeError, match=r"ext\.Other: no COMP at or above /outer/inner "
                                             r"has an extension named 'Other'"):
        call_as(inner, lambda: td.ext.Other)
    with pytest.raises(AttributeError, match=r"iop\.Data: no COMP at or above /ChatTD"):
        call_as(host.op("/ChatTD"), lambda: td.iop.Data)


EXTENSION_DAT = """
class BoardExt:
    def __init__(self, ownerComp):
        self.ownerComp = ownerComp
        self.made = (me.path, parent().path, op('history').path)

    def Where(self):
        return me.path, parent().path, op('history').path, ext.BoardExt is self
"""


def test_an_extension_kept_in_a_text_dat_sees_me_as_that_dat(host: Host) -> None:
    """TD's layout: the extension's code in a text DAT inside its COMP; ``me`` in that
    code is the DAT whoever calls it, ``parent()`` the COMP, ``op()`` its siblings."""
    outer = host.root.create(BaseCOMP, "outer")
    board = outer.create(BaseCOMP, "board")
    board.create(TableDAT, "history")
    source = board.create(TextDAT, "BoardExt")
    source.text = EXTENSION_DAT
    made = board.addExtension(source.module.BoardExt)
    expected = ("/outer/board/BoardExt", "/outer/board", "/outer/board/history")
    assert made.made == expected
    assert board.Where() == (*expected, True)  # called from a test: no operator's code
    elsewhere = host.root.create(TableDAT, "elsewhere")
    assert call_as(elsewhere, board.Where) == (*expected, True)  # nor the caller's
    assert source.module is module_of(source)  # one module until the text changes


def test_mod_runs_a_dats_text_as_a_module_again_only_when_it_changed(host: Host) -> None:
    comp = host.root.create(BaseCOMP, "comp")
    utils = comp.create(TextDAT, "utils")
    utils.text = "count = 0\ndef where():\n    return me.path, parent().path\n"
    user = comp.create(TableDAT, "user")
    first = call_as(user, lambda: td.mod.utils)
    assert first.where() == ("/comp/utils", "/comp") and module_of(utils) is first
    utils.text = "count = 1\n"
    assert call_as(user, lambda: td.mod("utils")).count == 1
    with pytest.raises(ModuleNotFoundError, match=r"mod\.missing: no DAT named 'missing' "
                                                  r"beside /comp/user"):
        call_as(user, lambda: td.mod.missing)
    utils.text = "def broken(:\n"
    with pytest.raises(SyntaxError, match=r"mod: /comp/utils has a syntax error at line 1"):
        module_of(utils)


def test_abstime_project_root_and_debug(host: Host, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    host.step(3)
    assert (td.absTime.frame, td.absTime.seconds) == (3.0, host.seconds)
    assert td.project.cookRate == 60.0 and td.project.realTime is False
    assert td.root == host.root and isinstance(td.root, BaseCOMP)
    with pytest.raises(AttributeError, match=r"project\.cookRate is the host's fps, fixed"):
        td.project.cookRate = 30
    call_as(host.root, td.debug, "value", 3)
    assert capsys.readouterr().out.startswith("value 3 (/ ")
    scene = tmp_path / "named.py"
    scene.write_text("def build(host):\n    pass\n")
    build_scene(load_scene(str(scene)), host)
    assert (td.project.name, td.project.folder) == ("named.py", str(tmp_path.resolve()))


def test_a_plain_module_sees_the_globals_through_builtins(host: Host, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    assert builtins.__dict__["op"] is td.op and builtins.__dict__["parent"] is td.parent
    (tmp_path / "plain_ext.py").write_text(textwrap.dedent('''
        class PlainExt:
            def __init__(self, ownerComp):
                self.ownerComp = ownerComp
                self.table = op('table')              # relative to me: the COMP
                self.up = parent()

            def Stamp(self):
                self.table.appendRow([me.name, absTime.frame])
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    import plain_ext  # type: ignore[import-not-found]

    comp = host.root.create(BaseCOMP, "comp")
    table = comp.create(TableDAT, "table")
    extension = comp.addExtension(plain_ext.PlainExt)
    assert extension.table is table and extension.up is host.root
    host.step(1)
    call_as(comp, comp.Stamp)
    assert table.values() == [["comp", "1.0"]]


def test_run_scripts_as_td_has_them(host: Host) -> None:
    comp = host.root.create(BaseCOMP, "comp")
    log = comp.create(TableDAT, "log")
    host.step(1)
    td.run("args[0].appendRow([me.name, absTime.frame, args[1]])", log, "s", fromOP=comp)
    td.run("op('log').appendRow(['relative', absTime.frame, ''])", fromOP=comp, delayFrames=2)
    call_as(log, td.run, "me.appendRow(['me is the caller', absTime.frame, ''])")
    end = td.run(lambda: log.appendRow(["end", host.frame, ""]), endFrame=True)
    late = td.run(lambda: log.appendRow(["late", "", ""]), delayFrames=10)
    assert late.remainingFrames == 10 and late.remainingMilliseconds == pytest.approx(10000 / 60)
    late.remainingFrames = 1
    inactive = td.run(lambda: log.appendRow(["inactive"]))
    inactive.active = False
    assert end.isString is False and td.run("pass").isString
    host.step(3)
    assert log.values() == [["comp", "2.0", "s"], ["me is the caller", "2.0", ""],
                            ["late", "", ""], ["end", "2", ""], ["relative", "3.0", ""]]
    assert not late.pending and not late.kill() and late.remainingFrames == 0


def test_run_refuses_bad_values_with_one_sentence(host: Host) -> None:
    with pytest.raises(ValueError, match=r"run\(\) expected delayMilliSeconds as a finite "
                                         r"number >= 0, got 1000000"):
        td.run(print, delayMilliSeconds=10**400)
    with pytest.raises(ValueError, match=r"run\(\) expected delaySeconds as a finite number "
                                         r">= 0, got -1"):
        td.run(print, delaySeconds=-1)
    with pytest.raises(ValueError, match=r"run\(\) expected fromOP as an operator or None, "
                                         r"got 'comp'"):
        td.run(print, fromOP="comp")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"run\(\) expected endFrame as True or False, got 1"):
        td.run(print, endFrame=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"run\(\) expected a delay the host can reach"):
        td.run(print, delayFrames=2**70)
    assert host.step(1) is None  # nothing was scheduled by the refused calls


def test_a_failing_run_script_is_reported_with_its_text(host: Host,
                                                         caplog: pytest.LogCaptureFixture
                                                         ) -> None:
    before = host.stats.callback_errors
    td.run("op('/nothing').destroy()")
    host.step(1)
    assert host.stats.callback_errors == before + 1
    assert "run(op('/nothing').destroy()) raised AttributeError" in caplog.text


def test_delay_seconds_round_to_frames(host: Host) -> None:
    frames: list[int] = []
    td.run(lambda: frames.append(host.frame), delaySeconds=0.5, delayMilliSeconds=8)
    host.step(40)
    assert frames == [30]  # 0.508 s at 60 fps: 30.48 frames, rounded to 30
