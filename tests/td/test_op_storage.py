"""Operators' user data the TouchDesigner way: store/fetch/unstore/storage (fetch
searching up the parents), tags, comment, and identity: id, OPType, type, family."""

from __future__ import annotations

import pytest

from host import BaseCOMP, Host, TableDAT, TextDAT


@pytest.fixture
def project(host: Host) -> BaseCOMP:
    project = host.root.create(BaseCOMP, "project")
    project.create(BaseCOMP, "inner").create(TableDAT, "scores")
    return project


def test_store_and_fetch_search_up_the_parents(project: BaseCOMP) -> None:
    scores = project.op("inner/scores")
    assert scores is not None
    assert project.store("Threshold", 0.5) == 0.5
    assert scores.fetch("Threshold") == 0.5  # found on /project, two levels up
    assert scores.fetchOwner("Threshold") is project
    assert scores.fetch("Threshold", 9, search=False) == 9
    assert "Threshold" not in scores.storage
    scores.store("Threshold", 0.9)
    assert scores.fetch("Threshold") == 0.9 and project.fetch("Threshold") == 0.5
    assert scores.fetch("Missing") is None  # the contract's default=None
    assert scores.fetch("Missing", storeDefault=True) is None
    assert "Missing" in scores.storage and scores.storage.pop("Missing") is None
    assert scores.fetch("Missing", None) is None and "Missing" not in scores.storage
    assert scores.fetch("Missing", [], storeDefault=True) == []
    assert scores.storage["Missing"] == []


def test_storage_is_the_dictionary_itself(project: BaseCOMP) -> None:
    project.storage["direct"] = {"a": 1}
    assert project.fetch("direct") == {"a": 1}
    project.fetch("direct")["b"] = 2  # values are kept by reference
    assert project.storage["direct"] == {"a": 1, "b": 2}


def test_unstore_takes_patterns(project: BaseCOMP) -> None:
    for key in ("sales1", "sales2", "salary", "other"):
        project.store(key, 1)
    project.unstore("sales*", "nothing")
    assert sorted(project.storage) == ["other", "salary"]
    project.unstore("sal?ry other")
    assert project.storage == {}
    project.store("x", 1)
    project.unstoreAll()
    assert project.storage == {}


def test_bad_storage_keys_are_refused(project: BaseCOMP) -> None:
    with pytest.raises(TypeError, match=r"/project.store\(\) expected a storage key as a "
                                        r"non-empty string, got 3"):
        project.store(3, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"/project.fetch\(\) expected search as True or "
                                        r"False, got 'up'"):
        project.fetch("x", 1, search="up")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"/project.unstore\(\) expected key patterns such as "
                                        r"'sales\*', got None"):
        project.unstore(None)  # type: ignore[arg-type]
    assert project.storage == {}


def test_tags_are_a_set_of_strings(project: BaseCOMP) -> None:
    project.tags.add("worker")
    project.tags |= {"gpu"}
    assert project.tags == {"worker", "gpu"} and "gpu" in project.tags
    project.tags = ["a", "b"]
    assert set(project.tags) == {"a", "b"}
    with pytest.raises(TypeError, match=r"/project.tags expected each tag as a non-empty "
                                        r"string, got 3"):
        project.tags = ["c", 3]  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"/project.tags expected each tag as a non-empty "
                                        r"string, got ''"):
        project.tags.add("")
    assert project.tags == {"a", "b"}  # nothing half-changed


def test_comment(project: BaseCOMP) -> None:
    assert project.comment == ""
    project.comment = "holds the scores"
    assert project.comment == "holds the scores"
    with pytest.raises(TypeError, match=r"/project.comment expected a string, got 1"):
        project.comment = 1  # type: ignore[assignment]
    assert project.comment == "holds the scores"


def test_identity_id_optype_type_family(host: Host, project: BaseCOMP) -> None:
    scores = project.op("inner/scores")
    notes = project.create(TextDAT, "notes")
    assert scores is not None
    assert (project.OPType, project.type, project.family) == ("baseCOMP", "base", "COMP")
    assert (scores.OPType, scores.type, scores.family) == ("tableDAT", "table", "DAT")
    assert (notes.OPType, notes.type, notes.family) == ("textDAT", "text", "DAT")
    assert project.isCOMP and not project.isDAT and scores.isDAT and not scores.isCOMP
    ids = [node.id for node in host.root.walk()]
    assert len(set(ids)) == len(ids) and all(isinstance(i, int) for i in ids)
    assert host.op(scores.id) is scores and project.op(notes.id) is notes
