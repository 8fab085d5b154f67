"""The port gallery: operators written exactly as LOPs/TouchDesigner code is written,
run unchanged. Each lives in ``td/`` as a scene file (TD's globals ``op``, ``me``,
``parent``, ``run``, the families... come from the scene loader and builtins, as they
do in TD; an extension module beside a scene imports nothing of framehost), and each
test loads it the way ``framehost run`` does, then drives frames."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from host.scene_loader import build_scene, load_scene

TD_CODE = Path(__file__).parent / "td"


@pytest.fixture
def port() -> Callable[..., Any]:
    """``port(host, 'chat_operator')``: load ``td/chat_operator.py`` and build it;
    returns the loaded module (its classes and functions)."""

    def load(host: Any, name: str) -> Any:
        scene = load_scene(str(TD_CODE / f"{name}.py"))
        build_scene(scene, host)
        return scene.module

    return load
