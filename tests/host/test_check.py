"""``framehost check``: each framehost-only idiom is found once, on its line, with the
portable form; clean code gives nothing; exit status 0 / 1 / 2."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest

from host.check import EXIT_CLEAN, EXIT_FOUND, EXIT_UNREADABLE, run_check
from host.portability import RULES, check_source


def codes(source: str) -> list[tuple[int, str]]:
    """(line, code) of every finding in ``source`` (dedented; line 1 is its first line)."""
    return [(f.line, f.rule.code) for f in check_source(textwrap.dedent(source).lstrip("\n"))]


def test_value_on_a_status_from_get_task_info() -> None:
    assert codes("""
        info = op.TDAsyncIO.GetTaskInfo(task_id)
        name = info['status'].value
        done = info.get('status').is_finished
        fine = info['status'] == 'completed'
    """) == [(2, "FH101"), (3, "FH101")]


def test_info_status_compared_to_an_enum_member() -> None:
    assert codes("""
        TaskStatus = op.TDAsyncIO.GetTaskStatus()
        a = info['status'] == TaskStatus.RUNNING
        b = op.TDAsyncIO.GetTaskStatus().COMPLETED != info['status']
        c = info['status'] is values['FAILED']
        d = info['status'] in ('completed', 'failed')
    """) == [(2, "FH102"), (3, "FH102"), (4, "FH102")]


def test_record_status_compared_to_a_string_and_framehost_only_properties() -> None:
    assert codes("""
        def done(task):
            if task.status == 'completed':
                pass
            if task.status in ('failed', 'timeout'):
                pass
            if task.status.value == 'completed' or task.status.is_finished:
                pass
    """) == [(2, "FH103"), (4, "FH103"), (6, "FH104")]


def test_relying_on_a_list_from_run() -> None:
    assert codes("""
        ids = op.TDAsyncIO.Run([fetch(1), fetch(2)])
        for task_id in self.run_async_task([fetch(n) for n in range(3)]):
            pass
        op.TDAsyncIO.Run([fetch(1), fetch(2)])
        one = op.TDAsyncIO.Run([fetch(1)])
        nothing = op.TDAsyncIO.Run([])
    """) == [(1, "FH201"), (2, "FH201"), (6, "FH202")]


def test_truthiness_of_a_task_id() -> None:
    assert codes("""
        tid = op.TDAsyncIO.Run(fetch())
        if tid:
            pass
        self.job = self.run_async_task(fetch())
        while not self.job and ready:
            pass
        if task.task_id:
            pass
        if task_id is not None:
            pass
        ok = 'yes' if current_task_id else 'no'
    """) == [(2, "FH203"), (5, "FH203"), (7, "FH203"), (11, "FH203")]


def test_the_pulse_methods_return_value() -> None:
    assert codes("""
        n = op.TDAsyncIO.Cancelactive()
        print(op.TDAsyncIO.Clearall())
        op.TDAsyncIO.Clearfinished()
    """) == [(1, "FH204"), (2, "FH204")]


def test_a_callback_that_expects_cancel_or_timeout_endings() -> None:
    assert codes("""
        class ChatExt:
            def Send(self):
                self.run_async_task(call(), completion_callback=self.onReply)
                op.TDAsyncIO.Run(call(), None, None, 5, on_done)
                op.TDAsyncIO.Run(call(), completion_callback=lambda t:
                                 t.status.value == 'cancelled')

            def onReply(self, task):
                if task.status.value == 'timeout':
                    pass
                print(task.duration, task['result'], task.result, task.error)

        def on_done(task):
            if task.status == op.TDAsyncIO.GetTaskStatus().CANCELLED:
                pass

        def not_a_callback(task):
            return task.status.value == 'cancelled'
    """) == [(6, "FH301"), (9, "FH301"), (11, "FH302"), (11, "FH302"), (14, "FH301")]


def test_subclassing_an_operator_for_its_pulses() -> None:
    assert codes("""
        class ChatCOMP(baseCOMP):
            def onPulse(self, par):
                self.Send()

        class Fetcher(DotLOPUtils, host.BaseCOMP):
            pass

        class ChatExt(DotLOPUtils):
            pass
    """) == [(1, "FH401"), (5, "FH401")]


def test_imports_from_framehost_packages() -> None:
    assert codes("""
        from host.td import op
        import host
        from operators import DotLOPUtils
        from asyncio_comp import TaskStatus
        import operator
        from td import *
        from dot_lop_utils import DotLOPUtils
        from .helpers import hostname
    """) == [(1, "FH501"), (2, "FH501"), (3, "FH502"), (4, "FH503")]


def test_fetch_with_no_default_tested_for_none_is_flagged() -> None:
    assert codes("""
        if op('scores').fetch('Threshold') is None:
            pass
        if not me.fetch('Threshold'):
            pass
        limit = me.fetch('Limit') or 10
        value = op('scores').fetch('Threshold')['x']
        if op('scores').fetch('Threshold', None) is None:
            pass
        if me.fetch('Threshold', default=0, search=False):
            pass
        data = await fetch('url') or b''
    """) == [(1, "FH601"), (3, "FH601"), (5, "FH601")]


def test_a_line_can_allow_a_finding_it_means() -> None:
    assert codes("""
        from asyncio_comp import SerialWorker  # framehost: allow FH503 (Godot's pattern)
        from asyncio_comp import WorkerStatus  # framehost: allow FH501
    """) == [(2, "FH503")]


def test_a_finding_line_names_the_file_line_what_differs_and_the_portable_form() -> None:
    [finding] = check_source("x = info['status'].value\n", "ops/monitor.py")
    assert str(finding) == (f"ops/monitor.py:1:5: FH101 {RULES['FH101'].differs}; "
                            f"portable: {RULES['FH101'].portable}")


def test_every_rule_has_a_test_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert [code for code in RULES if f'"{code}"' not in source] == []


# -- the command ------------------------------------------------------------------------
def check(*paths: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run_check([str(p) for p in paths], out, err)
    return status, out.getvalue(), err.getvalue()


def test_clean_code_exits_0_and_prints_nothing(tmp_path: Path) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text("task_id = op.TDAsyncIO.Run(work())\nif task_id is not None:\n    pass\n")
    assert check(clean) == (EXIT_CLEAN, "", "")


def test_findings_exit_1_one_line_each(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from host.td import op\nok = info['status'].value\n")
    status, out, err = check(bad)
    assert status == EXIT_FOUND and err == ""
    assert [line.split(" ", 2)[:2] for line in out.splitlines()] == [
        [f"{bad}:1:1:", "FH501"], [f"{bad}:2:6:", "FH101"]]


def test_a_folder_means_its_python_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.py").write_text("import host\n")
    (tmp_path / "notes.txt").write_text("import host\n")
    status, out, _ = check(tmp_path)
    assert status == EXIT_FOUND and out.count("FH501") == 1 and "a.py:1:1" in out


@pytest.mark.parametrize(("content", "expected"), [
    (None, "cannot read it (No such file or directory); expected a Python file"),
    ("def broken(:\n", "not Python (line 1: "),
    (b"\xff\xfe junk", "cannot read it ("),
])
def test_unreadable_input_exits_2_and_the_others_are_still_checked(
        tmp_path: Path, content: str | bytes | None, expected: str) -> None:
    target = tmp_path / "target.py"
    if isinstance(content, bytes):
        target.write_bytes(content)
    elif content is not None:
        target.write_text(content)
    other = tmp_path / "other.py"
    other.write_text("import operators\n")
    status, out, err = check(target, other)
    assert status == EXIT_UNREADABLE
    assert err.startswith(f"framehost check: {target}: {expected}") and len(err.splitlines()) == 1
    assert "FH502" in out


def test_the_command_framehost_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from host.cli import main

    bad = tmp_path / "ext.py"
    bad.write_text("ids = op.TDAsyncIO.Run([a(), b()])\n")
    assert main(["check", str(bad)]) == EXIT_FOUND
    out, err = capsys.readouterr()
    rule = RULES["FH201"]
    assert out == f"{bad}:1:7: FH201 {rule.differs}; portable: {rule.portable}\n"
    assert err == ""
    assert main(["check"]) == 2  # argparse: FILE is required
    assert "the following arguments are required: FILE" in capsys.readouterr().err
