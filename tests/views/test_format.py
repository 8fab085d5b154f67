"""The one milliseconds formatter every view prints frame times with."""

from __future__ import annotations

import pytest

from host.views._format import format_ms


@pytest.mark.parametrize(("seconds", "shown"), [
    (0.0, "0.00 ms"), (0.00042, "0.42 ms"), (0.0021, "2.10 ms"), (0.0167, "16.7 ms"),
    (0.17328, "173 ms"), (0.009996, "10.0 ms"),
])
def test_format_ms_keeps_three_significant_digits(seconds: float, shown: str) -> None:
    assert format_ms(seconds) == shown
