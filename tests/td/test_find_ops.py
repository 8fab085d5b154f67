"""Finding operators the TouchDesigner way: findChildren's filters, ops(*patterns),
op() with a pattern or an id."""

from __future__ import annotations

import pytest

from host import DAT, OP, BaseCOMP, Host, TableDAT, TextDAT


@pytest.fixture
def project(host: Host) -> BaseCOMP:
    project = host.root.create(BaseCOMP, "project")
    worker1 = project.create(BaseCOMP, "worker1")
    worker1.tags = ["worker", "gpu"]
    worker1.create(TableDAT, "queue")
    worker2 = project.create(BaseCOMP, "worker2")
    worker2.tags = ["worker"]
    worker2.comment = "the slow one"
    worker2.create(TextDAT, "notes").text = "def onStart():\n    pass\n"
    project.create(TableDAT, "scores")
    return project


def names(ops: list[OP]) -> list[str]:
    return [node.path.removeprefix("/project/") for node in ops]


def test_find_children_by_type_name_depth(project: BaseCOMP) -> None:
    assert names(project.findChildren()) == ["worker1", "worker1/queue", "worker2",
                                             "worker2/notes", "scores"]
    assert names(project.findChildren(type=DAT)) == ["worker1/queue", "worker2/notes",
                                                     "scores"]
    assert names(project.findChildren(type=TableDAT)) == ["worker1/queue", "scores"]
    assert names(project.findChildren(type=BaseCOMP)) == ["worker1", "worker2"]
    assert names(project.findChildren(depth=1)) == ["worker1", "worker2", "scores"]
    assert names(project.findChildren(depth=2)) == ["worker1/queue", "worker2/notes"]
    assert names(project.findChildren(maxDepth=1, type=DAT)) == ["scores"]
    assert names(project.findChildren(name="worker*")) == ["worker1", "worker2"]
    assert names(project.findChildren(name="queue notes")) == ["worker1/queue",
                                                               "worker2/notes"]
    assert names(project.findChildren(path="*/worker2/*")) == ["worker2/notes"]


def test_find_children_by_tags_comment_text_key(project: BaseCOMP) -> None:
    assert names(project.findChildren(tags=["gpu", "nothing"])) == ["worker1"]
    assert names(project.findChildren(tags=["worker"])) == ["worker1", "worker2"]
    assert names(project.findChildren(tags=["worker", "gpu"], allTags=True)) == ["worker1"]
    assert names(project.findChildren(comment="*slow*")) == ["worker2"]
    assert names(project.findChildren(text="*onStart*")) == ["worker2/notes"]
    assert names(project.findChildren(key=lambda o: o.name.endswith("s"))) == [
        "worker2/notes", "scores"]


def test_find_children_refuses_bad_filters(project: BaseCOMP) -> None:
    with pytest.raises(TypeError, match=r"/project.findChildren\(\) expected type as an "
                                        r"operator class such as tableDAT, DAT or baseCOMP, "
                                        r"got 'tableDAT'"):
        project.findChildren(type="tableDAT")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"expected maxDepth as a whole number >= 1 \(1: the "
                                         r"COMP's own children\), got 0"):
        project.findChildren(maxDepth=0)
    with pytest.raises(TypeError, match=r"expected tags as a list of strings .* got 'gpu'"):
        project.findChildren(tags="gpu")
    with pytest.raises(TypeError, match=r"expected a name pattern such as 'worker\*' .* "
                                        r"got 5"):
        project.findChildren(name=5)  # type: ignore[arg-type]


def test_ops_and_op_take_patterns_and_ids(host: Host, project: BaseCOMP) -> None:
    assert names(project.ops("worker*")) == ["worker1", "worker2"]
    assert names(project.ops("worker*/*", "scores", "worker1/queue")) == [
        "worker1/queue", "worker2/notes", "scores"]  # each once
    queue = project.op("worker1/queue")
    assert queue is not None
    assert names(queue.ops("../worker2", "*")) == ["worker2", "worker1/queue"]
    assert names(host.root.ops("/project/w*2/n*")) == ["worker2/notes"]
    assert project.op("worker*") is project.op("worker1")
    assert project.op("nothing*") is None and project.ops("nothing*") == []
    assert project.ops(queue.id, 10**9) == [queue] and project.op(queue.id) is queue
    with pytest.raises(TypeError, match=r"/project.ops\(\) expected path patterns such as "
                                        r"'worker\*' or operator ids, got None"):
        project.ops(None)  # type: ignore[arg-type]
