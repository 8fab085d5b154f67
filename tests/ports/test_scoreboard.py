"""Port 5: the scoreboard, driven as a user drives it: parameters and pulses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from host import Host


def test_pulses_callbacks_expressions_and_run_strings(host: Host,
                                                      port: Callable[..., Any]) -> None:
    port(host, "scoreboard")
    board: Any = host.op("/board")
    board.par.Add.pulse()
    board.par.Player = "grace hopper"
    board.par.Points = 45
    board.par.Add.pulse()
    assert board.op("status").text == "ada -> grace hopper"
    assert board.Scores == {"ada": 10, "grace_hopper": 45}  # tdu.validName
    assert board.par.Best.eval() == 45 and board.par.Title.eval() == "Level 2: 45 points"
    host.step(1)
    assert board.par.Rows.eval() == 2  # the DAT Execute DAT saw the two rows at frame end
    host.step(2)  # the level-up cheer: a run() string two frames later
    assert board.op("history").values()[1:] == [["ada", "10", "0"],
                                                ["grace_hopper", "45", "0"],
                                                ["*", "level", "2"]]
    host.step(7)
    assert board.par.Ticks.eval() == 1 and board.par.Rows.eval() == 3
    board.par.Reset.pulse()
    host.step(1)
    assert board.par.Title.eval() == "Level 1: 0 points" and board.par.Rows.eval() == 0
    assert board.ext.ScoreboardExt.levelups == [(1, 2), (2, 1)]
    # TD's layout: the extension's code is the DAT's, whoever calls it.
    assert board.ext.ScoreboardExt.home == ("/board/ScoreboardExt", "/board")
