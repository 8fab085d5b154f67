"""The operator network: creation, paths, op() lookup, lifecycle hooks."""

from __future__ import annotations

from typing import ClassVar

import pytest

from host import OP, BaseCOMP, Host, TableDAT


class Recorder(BaseCOMP):
    events: ClassVar[list[str]] = []

    def onCreate(self) -> None:
        Recorder.events.append(f"create {self.path}")

    def onDestroy(self) -> None:
        Recorder.events.append(f"destroy {self.path}")


@pytest.fixture(autouse=True)
def _clear_events() -> None:
    Recorder.events = []


def test_root_and_chattd(host: Host) -> None:
    assert host.root.path == "/"
    assert host.root.parent() is None
    assert host.op("/") is host.root
    chat = host.op("/ChatTD")
    assert isinstance(chat, BaseCOMP)
    assert chat.name == "ChatTD" and chat.parent() is host.root


def test_create_paths_parent_children(host: Host) -> None:
    a = host.root.create(BaseCOMP, "a")
    b = a.create(BaseCOMP, "b")
    t = b.create(TableDAT, "t")
    assert (a.path, b.path, t.path) == ("/a", "/a/b", "/a/b/t")
    assert t.parent() is b and t.parent(2) is a and t.parent(3) is host.root
    assert t.parent(4) is None
    assert b.children == [t]
    assert t.host is host
    assert host.op("/a/b/t") is t


def test_relative_and_absolute_lookup(host: Host) -> None:
    a = host.root.create(BaseCOMP, "a")
    b = a.create(BaseCOMP, "b")
    c = a.create(BaseCOMP, "c")
    t = b.create(TableDAT, "t")
    assert a.op("b") is b
    assert a.op("./b/t") is t
    assert b.op("../c") is c
    assert b.op("..") is a
    assert b.op("../..") is host.root
    assert t.op("../c") is c  # a non-COMP resolves relative to its parent
    assert t.op("/ChatTD/TDAsyncIO") is host.asyncio_comp
    assert b.op("t/") is t


@pytest.mark.parametrize("path", ["missing", "/a/missing", "../../../../x", "b/t/deeper",
                                  "/nowhere/at/all"])
def test_missing_paths_return_none(host: Host, path: str) -> None:
    a = host.root.create(BaseCOMP, "a")
    a.create(BaseCOMP, "b").create(TableDAT, "t")
    assert a.op(path) is None


def test_bad_paths(host: Host) -> None:
    with pytest.raises(TypeError, match=r"op\(\) expected a path string .* or an operator "
                                        r"id, got 5.0"):
        host.op(5.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"got an empty string"):
        host.op("")


@pytest.mark.parametrize("name", ["1abc", "has space", "a/b", "", "..", "a-b"])
def test_bad_names(host: Host, name: str) -> None:
    before = len(host.root.children)
    with pytest.raises(ValueError, match=r"create\(\) expected a name of letters, digits and "
                                         rf"underscores .* got {name!r}"):
        host.root.create(BaseCOMP, name)
    assert len(host.root.children) == before


def test_bad_class_and_duplicate(host: Host) -> None:
    with pytest.raises(TypeError, match=r"create\(\) expected an operator class .* got <class "
                                        r"'int'>"):
        host.root.create(int, "x")  # type: ignore[type-var]
    host.root.create(BaseCOMP, "x")
    with pytest.raises(ValueError, match=r"/ already has a child named 'x'"):
        host.root.create(BaseCOMP, "x")


def test_lifecycle_hooks(host: Host) -> None:
    a = host.root.create(Recorder, "a")
    a.create(Recorder, "b")
    assert Recorder.events == ["create /a", "create /a/b"]
    a.destroy()
    assert Recorder.events[2:] == ["destroy /a/b", "destroy /a"]
    assert not a.valid
    assert host.op("/a") is None


def test_failing_oncreate_leaves_no_child(host: Host) -> None:
    class Broken(BaseCOMP):
        def onCreate(self) -> None:
            raise RuntimeError("cannot build")

    with pytest.raises(RuntimeError, match="cannot build"):
        host.root.create(Broken, "broken")
    assert host.op("/broken") is None


def test_root_cannot_be_destroyed(host: Host) -> None:
    with pytest.raises(ValueError, match=r"root COMP '/' cannot be destroyed"):
        host.root.destroy()


def test_walk_lists_every_operator(host: Host) -> None:
    a = host.root.create(BaseCOMP, "a")
    a.create(TableDAT, "t")
    paths = [o.path for o in host.root.walk()]
    assert paths[0] == "/"
    assert {"/ChatTD", "/ChatTD/TDAsyncIO", "/ChatTD/TDAsyncIO/task_table", "/a",
            "/a/t"} <= set(paths)
    assert all(isinstance(o, OP) for o in host.root.walk())


def test_close_destroys_the_network() -> None:
    host = Host(fps=60, realtime=False)
    a = host.root.create(Recorder, "a")
    host.close()
    assert Recorder.events[-1] == "destroy /a"
    assert not a.valid


def test_extension_lookup(host: Host) -> None:
    assert host.asyncio_comp.ext.AsyncIOManager is host.tasks
    with pytest.raises(AttributeError, match=r"has no extension 'Nope'; it has: AsyncIOManager"):
        host.asyncio_comp.ext.Nope  # noqa: B018
    with pytest.raises(AttributeError, match=r"attached by the operator"):
        host.asyncio_comp.ext.Other = 1


def test_close_network_is_for_the_root_only(host: Host) -> None:
    child = host.root.create(BaseCOMP, "child")
    with pytest.raises(ValueError, match=r"close_network\(\) is for the root COMP '/', "
                                         r"got '/child'"):
        child.close_network()
    assert child.valid
