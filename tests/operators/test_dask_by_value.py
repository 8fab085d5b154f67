"""What the farm pickles by value (`operators.dask_by_value`), without a cluster."""

from __future__ import annotations

import pickle
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import cloudpickle
import pytest

from operators.dask_by_value import ByValue, ship


@pytest.fixture
def aliased_module(tmp_path: Path) -> Iterator[types.ModuleType]:
    """A module outside the installed packages, in sys.modules under two names, as
    multiprocessing leaves ``__main__`` (also ``__mp_main__``)."""
    module = types.ModuleType("house_scene_module")
    module.__file__ = str(tmp_path / "scene.py")
    exec("def triple(x):\n    return 3 * x\n", module.__dict__)
    sys.modules["house_scene_module"] = sys.modules["house_scene_alias"] = module
    try:
        yield module
    finally:
        del sys.modules["house_scene_module"], sys.modules["house_scene_alias"]


def test_a_module_under_two_names_is_registered_and_unregistered_once(
        aliased_module: types.ModuleType) -> None:
    shipped = ship(aliased_module.triple, "submit", "a function")
    assert isinstance(shipped, ByValue)
    assert "house_scene_module" not in cloudpickle.list_registry_pickle_by_value()
    # By value: the copy runs with no module of that name to import.
    del sys.modules["house_scene_module"], sys.modules["house_scene_alias"]
    try:
        assert pickle.loads(pickle.dumps(shipped))(4) == 12
    finally:
        sys.modules["house_scene_module"] = sys.modules["house_scene_alias"] = aliased_module
