"""Port 6: the LOPs weather operator: async work through TDAsyncIO, callbacks that
update a table and parameters, LOPs's logger forms, an expression on the log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from host import Host
from td.params import ParMode


def test_the_reading_arrives_and_status_follows_the_log(
        host: Host, port: Callable[..., Any], caplog: pytest.LogCaptureFixture) -> None:
    port(host, "weather_lop")
    weather: Any = host.op("/weather")
    assert weather.par.Status.eval() == "Ready" and "Statusheader" not in weather.par
    host.step(1)  # onStart, and the deferred run() string
    assert weather.par.City.eval() == "Bergen"
    assert weather.par.Status.mode is ParMode.EXPRESSION
    assert weather.par.Status.eval() == "WeatherExt initialized"
    with caplog.at_level(logging.DEBUG, logger="/weather"):
        weather.par.Fetch.pulse()
        host.step(20)
    assert weather.op("readings").values()[1:] == [["Bergen", "9.0"]]
    assert weather.par.Tempc.eval() == 9.0 and weather.par.Status.eval() == "Bergen: 9.0 C"
    assert "asking about Bergen (task" in caplog.text and "[Weather] Bergen: 9.0 C" in \
        caplog.text
    weather.par.City = "Atlantis"
    weather.Fetch()  # promoted, as LOPs calls it from other operators
    host.step(20)
    assert weather.par.Status.eval() == "Atlantis failed: no station in Atlantis"
    assert weather.op("Logger/out1")[1, "level"].val == "ERROR"
