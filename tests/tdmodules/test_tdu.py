"""tdu, TDStoreTools's collections and TDFunctions, as TD code imports them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import TDFunctions as TDF
import tdu
from host import BaseCOMP, Host
from td.params import ParMode
from TDStoreTools import DependDict, DependList, DependSet


def test_dependency_announces_changes_and_behaves_as_its_value() -> None:
    dep = tdu.Dependency(5)
    seen: list[Any] = []
    dep.callbacks = [lambda info: seen.append((info["prevVal"], info["dependency"].val))]
    dep.val = 6
    assert seen == [(5, 6)] and dep + 1 == 7 and dep == 6 and dep.peekVal == 6
    listed = tdu.Dependency([1, 2])
    listed.callbacks = [lambda info: seen.append("changed")]
    listed[0] = 9
    assert listed[0] == 9 and seen[-1] == "changed"
    with pytest.raises(TypeError, match=r"Dependency\.callbacks expected a list of "
                                        r"functions, got 3 in it"):
        dep.callbacks = [3]  # type: ignore[list-item]


def test_numbers_names_and_paths(host: Host, tmp_path: Path) -> None:
    assert tdu.clamp(5, 0, 3) == 3 and tdu.clamp(-1, 0, 3) == 0
    assert tdu.remap(5, 0, 10, 100, 200) == 150
    with pytest.raises(ValueError, match=r"tdu\.remap\(\) expected fromMin and fromMax to "
                                         r"differ, got 1 for both"):
        tdu.remap(1, 1, 1, 0, 1)
    assert tdu.rand(3.1) == tdu.rand(3.1) != tdu.rand(4.1) and 0 <= tdu.rand(1) < 1
    assert tdu.validName("2 cams-left") == "_2_cams_left" and tdu.validName("ok_1") == "ok_1"
    assert tdu.split('a "b c" 3', eval=True) == ["a", "b c", 3]
    assert tdu.split("x 'y z'") == ["x", "y z"]
    assert (tdu.base("noise12"), tdu.digits("noise12"), tdu.digits("noise")) == \
        ("noise", 12, None)
    assert tdu.match("a* b", ["apple", "b", "cab"]) == ["apple", "b"]
    assert tdu.expandPath("/abs/x") == "/abs/x"
    assert tdu.expandPath("data/file.txt").endswith("data/file.txt")


def test_deeply_dependable_collections_announce_nested_changes() -> None:
    data = DependDict({"names": ["a"], "tags": {"x"}})
    changes: list[str] = []
    data.myMainDep.callbacks = [lambda info: changes.append("dict")]
    assert isinstance(data.getDependency("names"), DependList)
    assert isinstance(data.getDependency("tags"), DependSet)
    data["names"].append("b")  # inside: the outer dict announces it too
    data["count"] = 2
    assert changes == ["dict", "dict"]
    assert data.getRaw() == {"names": ["a", "b"], "tags": {"x"}, "count": 2}
    assert type(data.getRaw("names")) is list


def test_tdfunctions_create_property_and_par_info(host: Host) -> None:
    class Ext:
        def __init__(self) -> None:
            TDF.createProperty(self, "Level", value=3, dependable=True)
            TDF.createProperty(self, "Fixed", value="x", readOnly=True)

    ext = Ext()
    assert ext.Level == 3 and isinstance(ext._Level, tdu.Dependency)  # type: ignore[attr-defined]
    ext.Level = 4  # type: ignore[attr-defined]
    assert ext._Level.val == 4  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match=r"Ext\.Fixed is read-only; set _Fixed instead"):
        ext.Fixed = "y"  # type: ignore[attr-defined]
    comp = host.root.create(BaseCOMP, "comp")
    page = comp.appendCustomPage("Config")
    page.appendFloat("Gain")
    comp.par.Gain.expr = "absTime.frame + 1"
    info = TDF.getParInfo(comp, "Gain")
    assert info == {"Gain": (0.0, "absTime.frame + 1", "EXPRESSION", "", 0.0)}
    other = host.root.create(BaseCOMP, "other")
    other.appendCustomPage("Config").appendFloat("Gain")
    assert TDF.applyParInfo(other, {**info, "Missing": info["Gain"]}) == ["Missing"]
    assert other.par.Gain.mode is ParMode.EXPRESSION and other.par.Gain.eval() == 1.0
    assert TDF.getCustomPage(comp, "Config") is page and TDF.getCustomPage(comp, "No") is None
    assert TDF.parentLevel(host.root, other) == 1 and TDF.parentLevel(other, comp) is None
    assert TDF.incrementStringDigits("noise9") == "noise10"
    assert TDF.incrementStringDigits("noise") == "noise1"
    assert TDF.multiMatch("a* -ab*", ["apple", "abc", "b"]) == ["apple"]


def test_storage_manager_keeps_items_in_the_comps_storage_across_reinit(host: Host) -> None:
    from TDStoreTools import StorageManager

    class CounterExt:
        def __init__(self, ownerComp: Any) -> None:
            self.ownerComp = ownerComp
            self.stored = StorageManager(self, ownerComp, [
                {"name": "Count", "default": 0},
                {"name": "ID", "default": "a1", "readOnly": True},
                {"name": "Names", "default": ["x"], "dependable": True},
                {"name": "internal", "default": 5, "property": False},
            ])

    comp = host.root.create(BaseCOMP, "comp")
    first = CounterExt(comp)
    first.Count += 2  # type: ignore[attr-defined]
    first.stored["Names"].append("y")
    assert comp.storage["CounterExt"]["Count"].val == 2
    assert isinstance(first.stored["Names"], DependList) and first.stored["internal"] == 5
    with pytest.raises(AttributeError, match=r"CounterExt\.ID is a read-only stored item"):
        first.ID = "b2"  # type: ignore[attr-defined]
    again = CounterExt(comp)  # an extension made again keeps what was stored
    assert (again.Count, again.stored["Names"]) == (2, ["x", "y"])  # type: ignore[attr-defined]
    again.stored.restoreDefault("Count")
    assert again.Count == 0  # type: ignore[attr-defined]
    with pytest.raises(KeyError, match=r"'Other' is not a stored item"):
        again.stored["Other"] = 1
    with pytest.raises(ValueError, match=r"stored item 'Bad' has unknown keys \['deflt'\]"):
        StorageManager(again, comp, [{"name": "Bad", "deflt": 1}])
