"""Ctrl-C and SIGTERM while the command is still starting.

In its first fraction of a second the command imports its modules; a signal there
must not print a traceback nor end the process by the signal itself (-2, -15): the
command exits 130 or 143 with one line. The moments are picked by what the child has
imported so far: ``PYTHONPROFILEIMPORTTIME`` writes a line to stderr as each import
ends, and the signal is sent once a chosen module's line is read.

``td.absent_families`` is the first of framehost's modules to finish importing,
``asyncio_comp.records`` is half way through ``import host``, ``host.cli`` is after
it, once the command itself is being imported. All three starts are checked at each
moment: ``python -m host`` imports the ``host`` package before its ``__main__`` runs,
and the package's first lines hold the signals for it (`host._start_signals`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32",
                                reason="signals to a child are POSIX-only here")

BOUND = 120.0  # seconds: the most a child may take to react, even on a loaded machine
#: How the console script starts the command (pip's wrapper does exactly this).
SCRIPT = "import sys; from framehost.launch import entry; sys.exit(entry())"
#: The ways to start the command, as arguments after the interpreter.
STARTS = {"console script": ["-c", SCRIPT], "python -m framehost": ["-m", "framehost"],
          "python -m host": ["-m", "host"]}

SCENE = """\
import asyncio

async def forever():
    await asyncio.sleep(3600)

def build(host):
    host.tasks.Run(forever(), description="forever")
"""


def _imported(line: str) -> str:
    """The module an ``import time:`` line reports, or "" for any other line."""
    if not line.startswith("import time:"):
        return ""
    return line.rsplit("|", 1)[-1].strip()


def signal_after_import(command: list[str], module: str, signum: int,
                        ) -> tuple[int, list[str]]:
    """Run ``command``; once it has imported ``module``, send ``signum``. Returns the
    exit status and the stderr lines that are not import timings."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1", "COLUMNS": "120",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, env=env)
    try:
        assert process.stderr is not None
        lines: list[str] = []
        for line in process.stderr:
            if _imported(line) == module:
                process.send_signal(signum)
                break
            if not line.startswith("import time:"):
                lines.append(line.rstrip("\n"))
        else:
            pytest.fail(f"the child ended without importing {module}: {lines}")
        _, rest = process.communicate(timeout=BOUND)
        lines += [line for line in rest.splitlines() if not line.startswith("import time:")]
        return process.returncode, lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=BOUND)
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    path = tmp_path / "forever.py"
    path.write_text(SCENE, encoding="utf-8")
    return path


@pytest.mark.parametrize("how", list(STARTS))
@pytest.mark.parametrize("module", ["td.absent_families", "asyncio_comp.records", "host.cli"])
@pytest.mark.parametrize(("signum", "status", "word"), [
    (signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated (SIGTERM)")])
def test_a_signal_while_the_command_starts_exits_with_one_line(
        scene: Path, how: str, signum: int, status: int, word: str, module: str) -> None:
    command = [sys.executable, *STARTS[how], "run", str(scene), "--headless",
               "--no-realtime", "--frames", "100000000"]
    returncode, lines = signal_after_import(command, module, signum)
    text = "\n".join(lines)
    assert returncode == status, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert len(lines) == 1 and lines[0].startswith(f"framehost: {word} "), text



def test_importing_host_elsewhere_leaves_the_signals_unheld() -> None:
    # Held in any process but `python -m host` (whose __main__ lets them through), a
    # Ctrl-C would never arrive.
    code = "import host, signal; print(sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=BOUND)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


@pytest.mark.parametrize(("orig_argv", "argv", "held"), [
    (["python", "-X", "dev", "-m", "host", "run", "x"], ["-m", "run", "x"], True),
    (["python", "-mhost"], ["-m"], True),
    (["python", "-m", "host.cli", "run"], ["-m", "run"], False),
    (["python", "-m", "pytest", "-m", "host"], ["-m", "-m", "host"], False),
    (["python", "-c", "import host", "-m", "host"], ["-c", "-m", "host"], False)])
def test_only_python_m_host_holds_the_signals_until_release(
        monkeypatch: pytest.MonkeyPatch, orig_argv: list[str], argv: list[str],
        held: bool) -> None:
    from host import _start_signals

    monkeypatch.setattr(sys, "orig_argv", orig_argv)
    monkeypatch.setattr(sys, "argv", argv)
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    try:
        _start_signals.hold_for_python_m_host()
        during = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        assert ({signal.SIGINT, signal.SIGTERM} <= during) is held
        _start_signals.release()
        assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
