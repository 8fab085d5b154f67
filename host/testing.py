"""pytest plugin for operator authors: a `host` fixture in exact virtual time.

Registered through the ``pytest11`` entry point, so any project that installs
framehost gets the fixtures with no conftest.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from host.assemble import Host

__all__ = ["host"]


@pytest.fixture
def host() -> Iterator[Host]:
    """A non-realtime `Host` at 60 fps, closed (and checked closed) after the test."""
    h = Host(fps=60.0, realtime=False)
    try:
        yield h
    finally:
        h.close()
