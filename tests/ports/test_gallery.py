"""The gallery as a whole: its operator code has no framehost-only idiom
(``framehost check``), and every port test runs under both profiles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from host.check import EXIT_CLEAN, run_check

TD_CODE = Path(__file__).parent / "td"


def test_framehost_check_finds_nothing_in_the_gallery() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_check([str(TD_CODE)], out, err) == EXIT_CLEAN, out.getvalue() + err.getvalue()


def test_every_port_test_with_a_host_runs_under_both_profiles(
        request: pytest.FixtureRequest) -> None:
    profiles: dict[str, set[str]] = {}
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if item.path.parent == TD_CODE.parent and callspec is not None:
            name = item.originalname  # type: ignore[attr-defined]
            profiles.setdefault(name, set()).add(callspec.params.get("framehost_profile"))
    if not profiles:
        pytest.skip("only this file was collected: run it with the other port tests")
    assert {name: seen for name, seen in profiles.items()
            if seen != {"framehost", "lops"}} == {}
