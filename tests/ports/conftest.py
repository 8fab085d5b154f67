"""The port gallery: operators written exactly as LOPs/TouchDesigner code is written,
run unchanged. Each lives in ``td/`` as a scene file (TD's globals ``op``, ``me``,
``parent``, ``run``, the families... come from the scene loader and builtins, as they
do in TD; an extension module beside a scene imports nothing of framehost), and each
test loads it the way ``framehost run`` does, then drives frames.

Every test here that uses a host runs twice, once per TDAsyncIO profile (``framehost``
and ``lops``, as LOPs's manager behaves in TouchDesigner): a port added here is
checked against both with nothing to write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from host.scene_loader import build_scene, load_scene
from host.testing import parametrize_profiles

TD_CODE = Path(__file__).parent / "td"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_profiles(metafunc)


@pytest.fixture
def port() -> Callable[..., Any]:
    """``port(host, 'chat_operator')``: load ``td/chat_operator.py`` and build it;
    returns the loaded module (its classes and functions)."""

    def load(host: Any, name: str) -> Any:
        scene = load_scene(str(TD_CODE / f"{name}.py"))
        build_scene(scene, host)
        return scene.module

    return load
