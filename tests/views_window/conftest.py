"""Window tests run headless (EGL + llvmpipe); the whole folder skips without a GL context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from host import Host
from host.views.window import WindowView, window_available

_OK, _WHY = window_available(headless=True)
if not _OK:
    pytest.skip(f"no headless GL context for the window view: {_WHY}", allow_module_level=True)


@pytest.fixture
def view(host: Host) -> Iterator[WindowView]:
    v = WindowView(host, headless=True)
    try:
        yield v
    finally:
        v.close()
