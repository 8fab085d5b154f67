"""Every bench script answers ``--help`` with its usage (exit 0) and a bad argument
with one ``error:`` line naming what was given and what was expected (exit 2).

Only the argument parsing runs: ``--help`` and a rejected argument exit before any
measurement starts, so this stays fast.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

#: Every bench file run as a script (it has a ``__main__`` block); the rest are the
#: modules `bench/run_all.py` imports.
SCRIPTS = sorted(path.name for path in BENCH.glob("*.py")
                 if 'if __name__ == "__main__":' in path.read_text())

#: A script, a bad argument, and the words its error must hold.
BAD = [
    ("virtual_sleep.py", ["soon"], "expected seconds of virtual sleep as a number above 0, "
                                   "got 'soon'"),
    ("frame_start.py", ["5", "-60"], "expected a frame rate as a number above 0, got '-60'"),
    ("idle_frame.py", ["2.5"], "expected a frame count as a whole number above 0, got '2.5'"),
    ("instructions.py", ["many"], "expected a task count as a whole number above 0, "
                                  "got 'many'"),
    ("bench_idle.py", ["10,x"], "expected idle task counts as whole numbers from 0 "
                                "separated by commas, got '10,x'"),
    ("step_cost.py", ["--tasks", "-1"], "expected idle task counts as whole numbers from 0 "
                                        "separated by commas, got '-1'"),
    ("views.py", ["--seconds", "nan"], "expected seconds per run as a number above 0, "
                                       "got 'nan'"),
    ("compare.py", ["--against", "HEAD", "--rounds", "0"],
     "expected whole numbers above 0, got 20000 and 0"),
    ("dask_farm.py", ["--kinds", "local threads,spark"],
     "expected cluster kinds from 'loopback processes', "),
]


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / script), *args], cwd=BENCH.parent,
                          capture_output=True, text=True, timeout=120)


def test_the_scripts_are_found() -> None:
    assert {"virtual_sleep.py", "frame_start.py", "run_all.py", "step_cost.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_prints_usage_and_exits_0(script: str) -> None:
    done = _run(script, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: ") and done.stderr == ""


@pytest.mark.parametrize("script", SCRIPTS)
def test_an_unknown_option_is_one_error_line(script: str) -> None:
    done = _run(script, "--no-such-option")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("usage: ")
    assert done.stderr.splitlines()[-1].endswith("error: unrecognized arguments: "
                                                 "--no-such-option")


@pytest.mark.parametrize(("script", "args", "message"), BAD, ids=[row[0] for row in BAD])
def test_a_bad_value_names_what_was_given_and_what_was_expected(
        script: str, args: list[str], message: str) -> None:
    done = _run(script, *args)
    assert done.returncode == 2 and done.stdout == ""
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and message in errors[0], done.stderr
