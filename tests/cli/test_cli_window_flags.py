"""The command's edges: one-line errors, no abbreviated flags,
``--size``, ``--show``, ``--traceback`` and the raising file:line, ``framehost scenes
NAME``, ``--window`` off-screen, dropped frames counted honestly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from host.cli import main
from host.views.display import display_available
from host.views.window import window_available
from td.clock import FrameClock

SceneFile = Callable[..., Path]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("argv, message", [
    (["run", "hello", "--headles"], "unrecognized arguments: --headles"),
    (["run", "hello", "--frame", "3"], "unrecognized arguments: --frame 3"),
    (["run", "hello", "--frames", "0"], "--frames: expected a whole number of frames >= 1"),
    (["run", "hello", "--size", "640x480"], "--size: expected at least 800x450"),
    (["run", "hello", "--size", "big"], "--size: expected WIDTHxHEIGHT in pixels"),
    (["run", "hello", "--size", "1024x600", "--headless"],
     "--size sets the window's size; it cannot be used with --headless"),
    (["run", "hello", "--show", "/x", "--window"], "--show prints a DAT in the terminal"),
    (["run"], "the following arguments are required: SCENE"),
])
def test_a_bad_flag_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str],
                                             argv: list[str], message: str) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err and "(see `framehost run --help`)" in err


def test_scenes_name_describes_the_scene_and_its_arguments(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "scenes", "chat")
    assert status == 0
    assert out.startswith("chat ")
    assert "Watch\n``/chat/conversations``" in out or "/chat/conversations" in out
    for line in ("delay", "default '0.05'"), ("follow", "default '1.5'"):
        assert any(line[0] in row and line[1] in row for row in out.splitlines()), out
    status, _, err = run(capsys, "scenes", "no_such_scene")
    assert status == 2 and "'no_such_scene' is neither a bundled scene" in err


def test_show_prints_a_table_dat_when_a_headless_run_ends(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "chat", "--headless", "--no-realtime", "--frames",
                         "200", "--show", "/chat/conversations")
    assert status == 0
    assert "/chat/conversations" in out and "rows" in out
    assert "weather" in out and "oracle" in out and "completed" in out


def test_show_prints_a_text_dat_after_the_terminal_view(
        capsys: pytest.CaptureFixture[str], scene_file: SceneFile) -> None:
    path = scene_file("""\
        from host import TextDAT

        def build(host):
            notes = host.root.create(TextDAT, "notes")
            notes.text = "alpha\\nbeta\\n"
        """)
    status, out, _ = run(capsys, "run", str(path), "--terminal", "--no-realtime", "--frames",
                         "5", "--show", "/notes")
    assert status == 0
    assert "/notes · 2 lines" in out
    assert "   1 alpha" in out and "   2 beta" in out


def test_show_of_no_dat_says_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "hello", "--headless", "--no-realtime", "--frames",
                         "3", "--show", "/nowhere")
    assert status == 2
    assert "--show expected the path of a DAT" in err and "'/nowhere'" in err
    status, _, err = run(capsys, "run", "hello", "--headless", "--no-realtime", "--frames",
                         "3", "--show", "/ChatTD")
    assert status == 2 and "'/ChatTD' is a COMP" in err


def test_an_error_in_a_module_the_scene_imports_names_where_it_was_raised(
        capsys: pytest.CaptureFixture[str], scene_file: SceneFile) -> None:
    helper = scene_file("""\
        def configure(host):
            settings = {}
            return settings["missing"]
        """, name="scene_helper")
    path = scene_file("""\
        import scene_helper


        def build(host):
            scene_helper.configure(host)
        """)
    status, _, err = run(capsys, "run", str(path), "--headless")
    assert status == 2
    assert "raised KeyError: 'missing'" in err
    assert f"at {helper.name}:3" in err or f"{helper}:3" in err
    assert "(from the scene's line 5)" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    status, _, err = run(capsys, "run", str(path), "--headless", "--traceback")
    assert status == 2
    assert "Traceback (most recent call last)" in err
    assert 'return settings["missing"]' in err
    assert err.strip().splitlines()[-1].startswith("framehost: ")


def test_an_error_from_a_framehost_check_is_reported_at_the_scenes_line(
        capsys: pytest.CaptureFixture[str], scene_file: SceneFile) -> None:
    path = scene_file("""\
        def build(host):
            host.root.create(object, "x")
        """)
    status, _, err = run(capsys, "run", str(path), "--headless")
    assert status == 2 and "at line 2." in err


def test_a_200_ms_block_at_60_fps_is_one_late_frame_and_11_dropped() -> None:
    now = [0.0]
    clock = FrameClock(60.0, realtime=True, time_function=lambda: now[0],
                       sleep=lambda s: now.__setitem__(0, now[0] + s))
    clock.begin_frame()
    now[0] += 0.2
    clock.begin_frame()
    assert clock.late_frames == 1 and clock.dropped_frames == 11
    clock.begin_frame()
    assert clock.late_frames == 1 and clock.dropped_frames == 11


def test_the_summary_line_counts_dropped_frames() -> None:
    from host.views.summary import summary_line
    from td.stats import FrameStats

    line = summary_line(FrameStats(frames=60, late_frames=1, dropped_frames=11), 1.0,
                        realtime=True, over_budget=1)
    assert "1 late frame (11 frames dropped), 1 over budget," in line
    assert "dropped" not in summary_line(FrameStats(frames=60), 1.0, realtime=True,
                                         over_budget=0)


@pytest.mark.skipif(display_available()[0] or not window_available(headless=True)[0],
                    reason="needs no display and a headless GL context")
def test_window_with_no_display_says_it_draws_off_screen_and_is_bounded(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "hello", "--window", "--no-realtime", "--size",
                         "800x450")
    assert status == 0
    assert "the window draws off-screen through EGL, unseen" in err
    assert "running 10 s of host time" in err
    assert "framehost: 600 frames, 10.00 s of host time" in err
