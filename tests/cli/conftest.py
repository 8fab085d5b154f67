"""Helpers for the command's tests: scene files written to a temporary folder."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture
def scene_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a scene's source (dedented) to ``tmp_path/name.py``; returns the path."""

    def write(source: str, name: str = "scene") -> Path:
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _forget_loaded_scenes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Loading a scene by path puts its folder on sys.path and its module in sys.modules,
    # as running a script would; undo both so tests do not see each other's scenes.
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name in [n for n in sys.modules if n.startswith("framehost_scene_")]:
        del sys.modules[name]
