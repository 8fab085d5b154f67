"""Fixtures for the reliability tests (the probes live in reliability_probes.py)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture
def unraisable() -> Iterator[list[str]]:
    """Messages of exceptions raised in ``__del__`` (un-awaited coroutines, unclosed
    sockets, ...) while the test runs; the test asserts the list is empty."""
    seen: list[str] = []
    previous: Callable[[Any], object] = sys.unraisablehook

    def hook(info: Any) -> None:
        seen.append(f"{info.exc_type.__name__}: {info.exc_value} ({info.object!r})")

    sys.unraisablehook = hook
    try:
        yield seen
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert seen == [], f"exceptions escaped into __del__: {seen}"
