"""Reload on save: ``framehost run SCENE --watch``.

The reload itself is driven in-process, frame by frame (`SceneWatcher.reload`, what
the watcher's thread asks for at a frame's end); one subprocess test saves files
while the command runs, as a user does, and reads its output.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from host import Host
from host.reload import SceneWatcher
from host.scene_loader import build_scene, load_scene

OPS = '''
from host import BaseCOMP


class Greeter(BaseCOMP):
    GREETING = "{greeting}"
'''

SCENE = '''
import asyncio

from greeter_ops import Greeter


async def forever():
    while True:
        await asyncio.sleep(1)


def build(host):
    host.root.create(Greeter, "greeter_" + Greeter.GREETING)
    host.tasks.Run(forever(), description="forever " + Greeter.GREETING)
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "greeter_ops.py").write_text(OPS.format(greeting="one"))
    (tmp_path / "scene.py").write_text(SCENE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [n for n in sys.modules if n in ("greeter_ops",)
                 or n.startswith("framehost_scene_")]:
        del sys.modules[name]


def _started(host: Host, project: Path) -> SceneWatcher:
    scene = load_scene(str(project / "scene.py"))
    build_scene(scene, host)
    built = [child.name for child in host.root.children if child.name != "ChatTD"]
    lines: list[tuple[str, str]] = []
    watcher = SceneWatcher(host, str(project / "scene.py"), scene, built, {},
                           lambda level, message: lines.append((level, message)),
                           watch_files=False)
    watcher.lines = lines  # type: ignore[attr-defined]
    return watcher


def _names(host: Host) -> list[str]:
    return sorted(child.name for child in host.root.children)


def test_a_saved_module_rebuilds_the_scene_and_the_host_goes_on(project: Path) -> None:
    with Host(fps=60, realtime=False) as host:
        watcher = _started(host, project)
        try:
            assert watcher.watched == {(project / "scene.py").resolve(),
                                       (project / "greeter_ops.py").resolve()}
            host.step(5)
            first = host.tasks.GetAllTasksInfo()
            (project / "greeter_ops.py").write_text(OPS.format(greeting="two"))
            assert watcher.reload(["greeter_ops.py"]) is True
            assert _names(host) == ["ChatTD", "greeter_two"]
            host.step(2)
            infos = {info["description"]: info for info in host.tasks.GetAllTasksInfo()}
            assert infos["forever one"]["status"] == "cancelled"
            assert infos["forever two"]["status"] == "running"
            # The host went on: same frame count, the old task's history is kept.
            assert host.frame == 7
            assert first[0]["task_id"] == infos["forever one"]["task_id"]
            assert watcher.lines == [  # type: ignore[attr-defined]
                ("info", "reloaded scene.py (changed: greeter_ops.py); built /greeter_two")]
        finally:
            watcher.close()


def test_a_save_that_fails_to_import_keeps_the_previous_scene(project: Path) -> None:
    with Host(fps=60, realtime=False) as host:
        watcher = _started(host, project)
        try:
            (project / "greeter_ops.py").write_text("GREETING = (\n")
            assert watcher.reload(["greeter_ops.py"]) is False
            host.step(2)
            assert _names(host) == ["ChatTD", "greeter_one"]
            [info] = host.tasks.GetAllTasksInfo()
            assert info["status"] == "running"
            level, message = watcher.lines[-1]  # type: ignore[attr-defined]
            assert level == "error"
            assert "SyntaxError" in message and "greeter_ops.py" in message
            assert message.endswith("The previous scene keeps running; save again to retry.")
            # The next good save recovers.
            (project / "greeter_ops.py").write_text(OPS.format(greeting="three"))
            assert watcher.reload(["greeter_ops.py"]) is True
            assert _names(host) == ["ChatTD", "greeter_three"]
            assert (watcher.reloads, watcher.failures) == (1, 1)
        finally:
            watcher.close()


def test_a_build_that_raises_rebuilds_the_previous_scene(project: Path) -> None:
    with Host(fps=60, realtime=False) as host:
        watcher = _started(host, project)
        try:
            (project / "scene.py").write_text(SCENE + textwrap.dedent('''
                _build = build
                def build(host):
                    _build(host)
                    raise ValueError("half built")
            '''))
            assert watcher.reload(["scene.py"]) is False
            host.step(2)
            # What the failed build made is gone; the old scene was built again.
            assert _names(host) == ["ChatTD", "greeter_one"]
            running = [i for i in host.tasks.GetAllTasksInfo() if i["status"] == "running"]
            assert [i["description"] for i in running] == ["forever one"]
            assert "ValueError: half built" in watcher.lines[-1][1]  # type: ignore[attr-defined]
        finally:
            watcher.close()


def _read_lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)


def _wait_for(lines: queue.Queue[str], seen: list[str], text: str, count: int = 1,
              timeout: float = 30.0) -> str:
    """The ``count``-th stderr line containing ``text`` (a bounded wait on a real process)."""
    while sum(text in line for line in seen) < count:
        try:
            seen.append(lines.get(timeout=timeout))
        except queue.Empty:
            raise AssertionError(f"no line {count} with {text!r} within {timeout} s; "
                                 f"saw {seen}") from None
    return [line for line in seen if text in line][count - 1]


def test_the_command_reloads_on_save_and_survives_a_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "greeter_ops.py").write_text(OPS.format(greeting="one"))
    (tmp_path / "scene.py").write_text(SCENE)
    with subprocess.Popen(
            [sys.executable, "-m", "host", "run", "scene.py", "--headless", "--seconds", "120",
             "--watch"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env={**os.environ, "COLUMNS": "120"}) as process:
        lines: queue.Queue[str] = queue.Queue()
        seen: list[str] = []
        reader = threading.Thread(target=_read_lines, args=(process.stderr, lines),
                                  daemon=True)
        reader.start()
        try:
            _wait_for(lines, seen, "watching 2 files for saves (greeter_ops.py, scene.py)")
            (tmp_path / "greeter_ops.py").write_text(OPS.format(greeting="two"))
            _wait_for(lines, seen, "reloaded scene.py (changed: greeter_ops.py); built "
                                   "/greeter_two")
            (tmp_path / "greeter_ops.py").write_text("GREETING = (\n")
            error = _wait_for(lines, seen, "The previous scene keeps running")
            assert "SyntaxError" in error
            (tmp_path / "greeter_ops.py").write_text(OPS.format(greeting="three"))
            _wait_for(lines, seen, "reloaded scene.py (changed: greeter_ops.py); built "
                                   "/greeter_three")
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    reader.join(timeout=10)
    assert process.returncode == 130
    assert "Traceback" not in "".join(seen)
