"""bench/compare.py: its statistics, its errors, and one tiny real run (no timing asserted)."""

from __future__ import annotations

import pytest

from bench import compare
from bench._common import REPO


def test_the_interval_of_a_ratio_holds_its_median_ratio() -> None:
    a = [100.0, 102.0, 98.0, 101.0, 99.0]
    low, high = compare._bootstrap_ratio(a, [x * 2 for x in a])
    assert low <= 0.5 <= high
    low, high = compare._bootstrap_ratio(a, [x * 10 for x in a])
    assert high < 0.2  # a side ten times faster is told apart


def test_the_report_names_both_sides_and_their_ratio() -> None:
    def side(name: str, seconds: float) -> compare.Side:
        s = compare.Side(name, REPO, "python")
        s.samples = [{"wall": seconds * k, "cpu": seconds * k, "frames": 1, "gc": [5, 1, 0],
                      "switches": 0, "faults": 10, "raw": {"wall": 0.1, "cpu": 0.1}}
                     for k in (1.0, 1.1, 0.9)]
        return s

    lines = compare.report(side("a", 0.2), side("b", 0.1), 1_000, "plain")
    tracked_wall = next(line for line in lines if line.startswith("| tracked, wall"))
    assert "0.500" in tracked_wall  # a took twice b's time: half its rate
    assert any("frames to drain 1" in line for line in lines)


def test_a_bad_against_is_refused_with_what_was_given(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        compare.main(["--against", "no-such-rev-xyz", "--rounds", "1"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "error: --against expected a tree holding host/ or a git revision, "
        "got 'no-such-rev-xyz'")


def test_a_tiny_run_of_this_tree_against_itself(capsys: pytest.CaptureFixture[str]) -> None:
    compare.main(["--against", str(REPO), "--rounds", "1", "--n", "50", "--warmup", "0",
                  "--bench", "kept"])
    out = capsys.readouterr().out
    assert "| tracked, cpu |" in out and "(again)" in out
