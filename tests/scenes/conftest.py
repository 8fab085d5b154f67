"""Loading bundled scenes the way `framehost run` does, for the scene tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from host.scene_loader import load_scene


@pytest.fixture
def build_scene() -> Callable[..., Any]:
    """``build_scene(host, "chat", delay="0.005")``: load a bundled scene, call its build.

    Returns what ``build`` returns (the scene's main operator), which the loader
    used by the CLI ignores.
    """

    def build(host: Any, name: str, **args: str) -> Any:
        return load_scene(name).build(host, **args)

    return build
