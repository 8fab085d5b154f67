"""Runs of ``main(argv)`` in this process: views chosen, bounds, arguments, Ctrl-C, window."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from host import Host
from host.cli import main

SceneFile = Callable[..., Path]

RECORDING_SCENE = """\
    import asyncio

    SEEN = {}

    async def forever():
        await asyncio.sleep(3600)

    def build(host, stop_at=None, **args):
        SEEN["host"] = host
        SEEN["args"] = args
        host.tasks.Run(forever(), description="forever",
                       completion_callback=lambda t: SEEN.__setitem__("ended", t.status.value))

        def interrupt(h):
            if h.frame == stop_at:
                raise KeyboardInterrupt

        host.on_frame_end(interrupt)
    """


#: The line every run ends with, whatever the view, after its worst frames (if any
#: frame took longer than a period; a loaded machine can make any frame do so).
WORST = r"(framehost: worst frame \d+: [\d.]+ ms: .*\n){0,3}"
SUMMARY = (r"framehost: {frames} frames, {seconds} s of host time, (?:\d+ late frames?"
           r"(?: \(\d+ frames? dropped\))?, )?\d+ over budget, "
           r"frame time mean [\d.]+ ms max [\d.]+ ms\n")


def seen(path: Path) -> dict[str, Any]:
    module = sys.modules[f"framehost_scene_{path.stem}"]
    return module.SEEN  # type: ignore[no-any-return]


def test_headless_runs_ten_seconds_by_default_and_prints_the_summary(
        capsys: pytest.CaptureFixture[str], scene_file: SceneFile) -> None:
    path = scene_file(RECORDING_SCENE)
    assert main(["run", str(path), "--headless", "--no-realtime"]) == 0
    out, err = capsys.readouterr()
    assert "600 frames, 10.00s of host time at 60 fps (virtual time)" in out
    assert re.search(r"running\s+1", out) and re.search(r"total\s+1", out)
    assert re.fullmatch(WORST + SUMMARY.format(frames=600, seconds="10.00"), err)
    assert seen(path)["ended"] == "cancelled"
    host: Host = seen(path)["host"]
    assert host.closed and host.loop.is_closed()


def test_fps_and_frames(capsys: pytest.CaptureFixture[str], scene_file: SceneFile) -> None:
    path = scene_file(RECORDING_SCENE)
    assert main(["run", str(path), "--headless", "--no-realtime", "--fps", "30",
                 "--frames", "30"]) == 0
    assert "30 frames, 1.00s of host time at 30 fps" in capsys.readouterr().out


def test_scene_arguments_are_read_as_literals(capsys: pytest.CaptureFixture[str],
                                              scene_file: SceneFile) -> None:
    path = scene_file(RECORDING_SCENE)
    status = main(["run", str(path), "--headless", "--no-realtime", "--frames", "1",
                   "--arg", "n=3", "--arg", "ratio=0.5", "--arg", "name=abc",
                   "--arg", "flag=True", "--arg", "path=a/b=c"])
    assert status == 0
    assert seen(path)["args"] == {"n": 3, "ratio": 0.5, "name": "abc", "flag": True,
                                  "path": "a/b=c"}


def test_ctrl_c_closes_the_host_and_exits_130(capsys: pytest.CaptureFixture[str],
                                              scene_file: SceneFile) -> None:
    path = scene_file(RECORDING_SCENE)
    status = main(["run", str(path), "--terminal", "--no-realtime", "--arg", "stop_at=5"])
    _, err = capsys.readouterr()
    assert status == 130
    last = err.strip().splitlines()[-1]
    # One line, carrying the summary every run ends with.
    summary = SUMMARY.format(frames=5, seconds="0.08").removeprefix("framehost: ")[:-2]
    assert re.fullmatch(f"framehost: interrupted after {summary}; cancelled 1 active task "
                        f"and closed the loop", last), last
    assert "Traceback" not in err
    assert seen(path)["ended"] == "cancelled"
    host: Host = seen(path)["host"]
    assert host.closed and host.loop.is_closed()


def test_terminal_view_prints_the_final_table_when_stdout_is_a_file(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "hello", "--terminal", "--frames", "130", "--no-realtime"]) == 0
    out, err = capsys.readouterr()
    assert out.count("framehost · hello") == 1
    for status in ("running", "completed", "failed", "cancelled", "timeout"):
        assert f" {status} " in out
    assert "ConnectionError: server" in out
    assert re.fullmatch(SUMMARY.format(frames=130, seconds="2.17"), err.splitlines()[-1] + "\n")
    # The final picture and the summary give the same host time.
    assert "frame 130  t 2.17s" in out


def test_scenes_lists_the_bundled_scenes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenes"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^hello\s+A few tasks that sleep, compute, fail", out, re.MULTILINE)


# -- choosing the view, with a stand-in for the pyglet window ------------------------
class FakeWindow:
    """Stands in for host.views.window.WindowView: records what the command asks of it."""

    instances: ClassVar[list[FakeWindow]] = []
    close_at: ClassVar[int | None] = None

    def __init__(self, host: Host, *, width: int, height: int, headless: bool | None,
                 title: str) -> None:
        self.host = host
        self.options = {"width": width, "height": height, "headless": headless, "title": title}
        self.screenshots: list[Path] = []
        self.closed = False
        FakeWindow.instances.append(self)
        host.on_frame_end(self.on_frame_end)

    def on_frame_end(self, host: Host) -> None:
        if host.frame == self.close_at:
            host.stop()  # what closing the real window does

    def save_screenshot(self, path: Path) -> None:
        if path.name == "fail.png":
            raise OSError("disk full")
        self.screenshots.append(path)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def window(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.SimpleNamespace]:
    state = types.SimpleNamespace(available=(True, "OpenGL 4.5 on a fake GPU"))
    monkeypatch.setenv("DISPLAY", ":99")  # a display to show the window on
    fake = types.ModuleType("host.views.window")
    fake.window_available = lambda: state.available  # type: ignore[attr-defined]
    fake.WindowView = FakeWindow  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "host.views.window", fake)
    FakeWindow.instances = []
    FakeWindow.close_at = None
    yield state


def test_no_flag_opens_the_window_where_it_can(capsys: pytest.CaptureFixture[str],
                                               window: types.SimpleNamespace) -> None:
    assert main(["run", "hello", "--frames", "3", "--no-realtime"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "framehost: opening the window (OpenGL 4.5 on a fake GPU)"
    [view] = FakeWindow.instances
    assert view.options == {"width": 1280, "height": 720, "headless": None,
                            "title": "framehost · hello"}
    assert view.closed and view.host.closed


def test_no_flag_falls_back_to_the_terminal_saying_why(
        capsys: pytest.CaptureFixture[str], window: types.SimpleNamespace) -> None:
    window.available = (False, "headless EGL unavailable (no libEGL)")
    assert main(["run", "hello", "--no-realtime"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines()[0] == (
        "framehost: headless EGL unavailable (no libEGL); using the terminal "
        "view, for 10 s of host time, since stdout is not a terminal (set --frames or "
        "--seconds to change that)")
    assert re.fullmatch(SUMMARY.format(frames=600, seconds="10.00"), err.splitlines()[-1] + "\n")
    assert "framehost · hello" in out
    assert FakeWindow.instances == []


def test_window_flag_where_no_window_can_open(capsys: pytest.CaptureFixture[str],
                                              window: types.SimpleNamespace) -> None:
    window.available = (False, "no display")
    assert main(["run", "hello", "--window", "--frames", "3"]) == 2
    assert capsys.readouterr().err == (
        "framehost: --window needs the window, which cannot open here: no display; use "
        "--terminal or --headless\n")


def test_screenshot_is_saved_after_the_last_frame(capsys: pytest.CaptureFixture[str],
                                                  window: types.SimpleNamespace,
                                                  tmp_path: Path) -> None:
    shot = tmp_path / "w.png"
    assert main(["run", "hello", "--window", "--frames", "3", "--no-realtime",
                 "--screenshot", str(shot)]) == 0
    [view] = FakeWindow.instances
    assert view.screenshots == [shot]
    assert f"saved the screenshot to {str(shot)!r}" in capsys.readouterr().err


def test_screenshot_that_cannot_be_saved(capsys: pytest.CaptureFixture[str],
                                         window: types.SimpleNamespace, tmp_path: Path) -> None:
    assert main(["run", "hello", "--frames", "3", "--no-realtime",
                 "--screenshot", str(tmp_path / "fail.png")]) == 1
    assert "could not save the screenshot" in capsys.readouterr().err


def test_closing_the_window_ends_the_run_cleanly(capsys: pytest.CaptureFixture[str],
                                                 window: types.SimpleNamespace) -> None:
    FakeWindow.close_at = 3
    assert main(["run", "hello", "--window", "--no-realtime"]) == 0
    err = capsys.readouterr().err
    # The worst frames (a loaded machine may make any frame late) come between the two.
    lines = [line for line in err.splitlines() if not line.startswith("framehost: worst frame")]
    assert lines[-2] == (
        "framehost: the window was closed after 3 frames; cancelled 8 active tasks "
        "and closed the loop")
    assert re.fullmatch(SUMMARY.format(frames=3, seconds="0.05"), err.splitlines()[-1] + "\n")
    [view] = FakeWindow.instances
    assert view.closed and view.host.closed


def test_a_window_that_fails_to_open(capsys: pytest.CaptureFixture[str],
                                     window: types.SimpleNamespace,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("GL context lost")

    monkeypatch.setattr(sys.modules["host.views.window"], "WindowView", broken)
    assert main(["run", "hello", "--window", "--frames", "3", "--no-realtime"]) == 1
    err = capsys.readouterr().err
    assert err == "framehost: could not open the window view: RuntimeError: GL context lost\n"


def test_no_display_runs_the_terminal_view_and_says_why(
        capsys: pytest.CaptureFixture[str], window: types.SimpleNamespace,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Headless EGL could open a window, but nobody would see it."""
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["run", "hello", "--frames", "3", "--no-realtime"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines()[0] == (
        "framehost: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); using the "
        "terminal view (--window would draw off-screen, unseen)")
    assert "framehost · hello" in out
    assert FakeWindow.instances == []


@pytest.mark.parametrize("view", ["--terminal", "--headless"])
def test_every_view_ends_with_the_same_summary_line(
        capsys: pytest.CaptureFixture[str], view: str) -> None:
    assert main(["run", "hello", view, "--frames", "30", "--no-realtime"]) == 0
    last = capsys.readouterr().err.splitlines()[-1] + "\n"
    assert re.fullmatch(SUMMARY.format(frames=30, seconds="0.50"), last)
