"""The command as users run it: ``python -m host`` in a child process.

Kept to a handful (each costs about half a second); `test_cli_run.py` and
`test_cli_errors.py` cover the rest in-process.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TIMEOUT = 60


#: What users with a 120-column terminal see when they pipe the output.
ENV = {**os.environ, "COLUMNS": "120"}


def framehost(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "host", *args], capture_output=True,
                          text=True, timeout=TIMEOUT, env=env or ENV)


def assert_clean(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert "Task was destroyed" not in stderr
    assert "Warning" not in stderr


def test_headless_prints_the_summary() -> None:
    done = framehost("run", "hello", "--headless", "--frames", "130", "--no-realtime")
    assert done.returncode == 0, done.stderr
    assert "framehost · hello — 130 frames, 2.17s of host time at 60 fps (virtual time)" \
        in done.stdout
    for status in ("running", "completed", "failed", "cancelled", "timeout"):
        assert status in done.stdout
    assert "ConnectionError: server answered 503 Service Unavailable" in done.stdout
    assert_clean(done.stderr)


def test_terminal_view_never_loads_pyglet() -> None:
    code = ("import sys; from host.cli import main; "
            "status = main(['run', 'hello', '--terminal', '--frames', '30', '--no-realtime', "
            "'--arg', 'downloads=1']); "
            "print('pyglet loaded:', 'pyglet' in sys.modules, file=sys.stderr); "
            "sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=TIMEOUT, env=ENV)
    assert done.returncode == 0, done.stderr
    assert "download file1.bin" in done.stdout and "download file2.bin" not in done.stdout
    # (A loaded machine may add a line about a slow task; only these two matter here.)
    lines = done.stderr.splitlines()
    assert any(line.startswith("framehost: 30 frames, 0.50 s of host time, ") for line in lines)
    assert lines[-1] == "pyglet loaded: False"


def test_scenes_lists_hello() -> None:
    done = framehost("scenes")
    assert done.returncode == 0
    assert any(line.startswith("hello ") and "tour of the task table" in line
               for line in done.stdout.splitlines())


def test_syntax_error_exits_2_with_one_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("def build(host):\n    return (\n", encoding="utf-8")
    done = framehost("run", str(path), "--headless")
    assert done.returncode == 2
    assert done.stderr.startswith(f"framehost: scene file {str(path)!r} has a syntax error at "
                                  f"line 2")
    assert len(done.stderr.strip().splitlines()) == 1
    assert_clean(done.stderr)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX-only here")
def test_ctrl_c_ends_the_run_cleanly_with_130(tmp_path: Path) -> None:
    out = tmp_path / "ended.txt"
    scene = tmp_path / "interruptible.py"
    scene.write_text(textwrap.dedent("""\
        import asyncio
        import sys

        async def forever():
            await asyncio.sleep(3600)

        def build(host, out):
            def ended(task):
                with open(out, "w") as f:
                    f.write(task.status.value)

            host.tasks.Run(forever(), description="forever", completion_callback=ended)

            def ready(h):
                if h.frame == 3:
                    print("ready", file=sys.__stderr__, flush=True)

            host.on_frame_end(ready)
        """), encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "host", "run", str(scene), "--terminal", "--seconds", "50",
         "--arg", f"out={str(out)!r}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        assert child.stderr is not None
        assert child.stderr.readline() == "ready\n"
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, stderr
    assert stderr.startswith("framehost: interrupted after ")
    assert "cancelled 1 active task and closed the loop" in stderr
    assert stderr.rstrip().splitlines()[-1].startswith("framehost: ")
    assert_clean(stderr)
    assert out.read_text() == "cancelled"
    assert "forever" in stdout  # the final picture of the table


def test_window_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    env = {k: v for k, v in ENV.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = framehost("run", "hello", "--window", "--frames", "20", "--no-realtime",
                     "--screenshot", str(shot), env=env)
    if done.returncode == 2 and "cannot open here" in done.stderr:
        pytest.skip(f"no window here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"saved the screenshot to {str(shot)!r}" in done.stderr
    assert_clean(done.stderr)


@pytest.mark.parametrize("command", ["framehost", "python -m host"])
def test_a_project_with_its_own_scenes_and_operators_packages(tmp_path: Path,
                                                              command: str) -> None:
    # A user's project folder often has packages named like ours; the bundled scenes
    # are framehost's own (host.scenes, loaded by path) and import framehost's
    # operators, whatever the folder the command runs from holds.
    for package in ("scenes", "operators"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(
            f"raise ImportError('the project\\'s own {package} package was imported')\n")
    (tmp_path / "scenes" / "hello.py").write_text("def build(host):\n    pass\n")
    argv = ([sys.executable, "-m", "host"] if command.startswith("python")
            else [str(Path(sys.executable).with_name("framehost"))])
    if not Path(argv[0]).exists():
        pytest.skip(f"no {argv[0]} beside this interpreter")
    done = subprocess.run([*argv, "run", "hello", "--headless", "--frames", "30",
                           "--no-realtime"], capture_output=True, text=True,
                          timeout=TIMEOUT, env=ENV, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "framehost · hello — 30 frames" in done.stdout
    # The bundled hello starts nine tasks; the project's empty hello would start none.
    assert re.search(r"total\s+9\s+9", done.stdout), done.stdout
    assert_clean(done.stderr)


def test_framehost_scenes_from_a_project_with_its_own_scenes_lists_the_bundled_ones(
        tmp_path: Path) -> None:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scenes" / "__init__.py").write_text("")
    (tmp_path / "scenes" / "mine.py").write_text("def build(host):\n    pass\n")
    done = subprocess.run([sys.executable, "-m", "host", "scenes"], capture_output=True,
                          text=True, timeout=TIMEOUT, env=ENV, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert "hello" in names and "chat" in names and "mine" not in names, done.stdout
