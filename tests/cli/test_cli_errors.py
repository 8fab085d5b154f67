"""Every way a run can be refused: one paragraph naming the problem, exit status 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from host.cli import main

SceneFile = Callable[..., Path]


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_paragraph(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_missing_scene_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.py"
    status, _, err = run_main(capsys, "run", str(missing), "--headless")
    assert status == 2
    assert f"scene file {str(missing)!r} does not exist" in err
    assert_one_paragraph(err)


def test_unknown_bundled_name_lists_the_bundled_scenes(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_main(capsys, "run", "no_such_scene", "--headless")
    assert status == 2
    assert "'no_such_scene' is neither a bundled scene nor a file" in err and "hello" in err
    assert_one_paragraph(err)


def test_syntax_error_names_the_line(capsys: pytest.CaptureFixture[str],
                                     scene_file: SceneFile) -> None:
    path = scene_file("""\
        def build(host):
            x = (1,
            return x
        """)
    status, _, err = run_main(capsys, "run", str(path), "--headless")
    assert status == 2
    assert f"scene file {str(path)!r} has a syntax error at line 2" in err
    assert_one_paragraph(err)


def test_scene_without_build(capsys: pytest.CaptureFixture[str], scene_file: SceneFile) -> None:
    path = scene_file("X = 1\n")
    status, _, err = run_main(capsys, "run", str(path), "--headless")
    assert status == 2
    assert f"scene file {str(path)!r} defines no build(host) function" in err
    assert_one_paragraph(err)


def test_build_that_is_not_a_plain_function(capsys: pytest.CaptureFixture[str],
                                            scene_file: SceneFile) -> None:
    path = scene_file("async def build(host):\n    pass\n")
    status, _, err = run_main(capsys, "run", str(path), "--headless")
    assert status == 2 and "build is an async function" in err


def test_build_that_raises_names_the_line(capsys: pytest.CaptureFixture[str],
                                          scene_file: SceneFile) -> None:
    path = scene_file("""\
        def build(host):
            host.root.create(object, "x")
        """)
    status, _, err = run_main(capsys, "run", str(path), "--headless")
    assert status == 2
    assert f"scene file {str(path)!r}: build(host) raised TypeError" in err
    assert "at line 2" in err
    assert_one_paragraph(err)


def test_error_while_the_module_runs(capsys: pytest.CaptureFixture[str],
                                     scene_file: SceneFile) -> None:
    path = scene_file("import no_such_module_here\n\ndef build(host):\n    pass\n")
    status, _, err = run_main(capsys, "run", str(path), "--headless")
    assert status == 2
    assert "raised ModuleNotFoundError: No module named 'no_such_module_here' while loading " \
           "at line 1" in err


def test_args_the_build_cannot_take(capsys: pytest.CaptureFixture[str],
                                    scene_file: SceneFile) -> None:
    path = scene_file("def build(host):\n    pass\n")
    status, _, err = run_main(capsys, "run", str(path), "--headless", "--arg", "speed=2")
    assert status == 2
    assert "build(host) cannot be called with the host and speed=2" in err


@pytest.mark.parametrize(("flags", "message"), [
    (["--frames", "-1"], "argument --frames: expected a whole number of frames >= 1, got '-1'"),
    (["--frames", "ten"], "argument --frames: expected a whole number of frames >= 1, got 'ten'"),
    (["--fps", "0"], "argument --fps: expected a positive number of frames per second, got '0'"),
    # A period of 1e300 s is more than any clock can sleep.
    (["--fps", "1e-300"], "argument --fps: expected at least 0.001 frames per second, "
                          "got '1e-300'"),
    (["--seconds", "nan"], "argument --seconds: expected a positive number of seconds, got 'nan'"),
    (["--terminal", "--headless"], "argument --headless: not allowed with argument --terminal"),
    (["--terminal", "--screenshot", "x.png"],
     "--screenshot needs the window view; it cannot be used with --terminal"),
    (["--screenshot", "x.jpg"], "--screenshot expected a .png file, got 'x.jpg'"),
    (["--screenshot", "no/such/dir/x.png"], "--screenshot folder 'no/such/dir' does not exist"),
    (["--arg", "2fast=1"],
     "argument --arg: expected KEY=VALUE with KEY a Python name, got '2fast=1'"),
    (["--arg", "a=1", "--arg", "a=2"], "--arg a given more than once"),
])
def test_bad_flags_are_usage_errors(capsys: pytest.CaptureFixture[str], flags: list[str],
                                    message: str) -> None:
    status, out, err = run_main(capsys, "run", "hello", *flags)
    assert status == 2
    # One line: the error and where help is, not argparse's usage block before it.
    assert err == f"framehost run: error: {message} (see `framehost run --help`)\n"
    assert out == ""


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_main(capsys)
    assert status == 2 and "run" in err and "scenes" in err


def test_help_mentions_the_headless_default(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "run", "--help")
    assert status == 0
    assert "Runs 10 s of frames unless --frames or --seconds" in " ".join(out.split())
