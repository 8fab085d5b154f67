"""Extensions the TouchDesigner way: comp.addExtension, promotion of capitalized
members onto the COMP (its own attributes winning), and close-match errors."""

from __future__ import annotations

from typing import Any

import pytest

from host import BaseCOMP, Host


class GreeterExt:
    def __init__(self, ownerComp: BaseCOMP) -> None:
        self.ownerComp = ownerComp
        self.Greeting = "hello"
        self.calls: list[str] = []

    def Greet(self, name: str) -> str:
        self.calls.append(name)
        return f"{self.Greeting} {name} from {self.ownerComp.path}"

    def helper(self) -> str:  # lower case: not promoted
        return "internal"

    def Create(self) -> str:  # promoted: the COMP's own `create` is another name
        return "ext Create"

    def Children(self) -> str:
        return "ext Children"


class Owner(BaseCOMP):
    def Children(self) -> str:
        return "own Children"


def test_a_class_is_called_with_its_owner_and_promoted(host: Host) -> None:
    comp = host.root.create(Owner, "owner")
    ext = comp.addExtension(GreeterExt)
    assert isinstance(ext, GreeterExt) and ext.ownerComp is comp
    assert comp.ext.GreeterExt is ext
    comp_: Any = comp
    assert comp_.Greet("ada") == "hello ada from /owner" and ext.calls == ["ada"]
    assert comp_.Greeting == "hello"
    assert comp_.Create() == "ext Create"
    assert comp_.Children() == "own Children"  # the COMP's own attributes win
    with pytest.raises(AttributeError, match=r"Owner /owner has no attribute 'helper'"):
        comp_.helper  # noqa: B018


def test_an_instance_under_a_name_and_without_promotion(host: Host) -> None:
    comp = host.root.create(BaseCOMP, "c")
    first = GreeterExt(comp)
    second = GreeterExt(comp)
    assert comp.addExtension(first, name="Greeter") is first
    assert comp.addExtension(second, name="Quiet", promote=False) is second
    comp_: Any = comp
    comp_.Greet("x")
    assert first.calls == ["x"] and second.calls == []  # the first promoted one answers
    assert comp.ext.Quiet is second and "Quiet" in comp.ext


def test_a_misspelled_promoted_name_names_the_comp_and_close_matches(host: Host) -> None:
    comp_: Any = host.op("/ChatTD/TDAsyncIO")
    with pytest.raises(AttributeError, match=r"TDAsyncIO /ChatTD/TDAsyncIO has no attribute "
                                             r"'Rnu'; did you mean: Run\?"):
        comp_.Rnu  # noqa: B018
    with pytest.raises(AttributeError, match=r"'CancelTsk'; did you mean: CancelTask"):
        comp_.CancelTsk(1)
    with pytest.raises(AttributeError, match=r"has no attribute 'Zzzzzz'$"):
        comp_.Zzzzzz  # noqa: B018
    assert getattr(comp_, "onMissing", None) is None  # probing stays cheap and quiet


def test_tdasyncio_promotes_its_manager(host: Host) -> None:
    comp: Any = host.op("/ChatTD/TDAsyncIO")

    async def work() -> str:
        return "done"

    task_id = comp.Run([work()], description="promoted")
    assert task_id == 1
    host.step(2)
    assert comp.GetTaskInfo(task_id)["status"] == comp.GetTaskStatus().COMPLETED
    assert comp.GetTaskResult(task_id) == "done"
    assert comp.GetActiveTasksCount() == 0 and comp.Clearfinished() == 1
    assert comp.Cancelactive() == 0  # the pulse's method, promoted


def test_bad_extensions_are_refused_and_change_nothing(host: Host) -> None:
    comp = host.root.create(BaseCOMP, "c")
    with pytest.raises(TypeError, match=r"addExtension\(\) expected an extension class or "
                                        r"object, got 'GreeterExt'"):
        comp.addExtension("GreeterExt")
    with pytest.raises(ValueError, match=r"expected name to be a Python name .* got 'my ext'"):
        comp.addExtension(GreeterExt, name="my ext")
    comp.addExtension(GreeterExt)
    with pytest.raises(ValueError, match=r"/c already has an extension named 'GreeterExt'"):
        comp.addExtension(GreeterExt)
    with pytest.raises(AttributeError, match=r"attached by the operator with "
                                             r"comp.addExtension\(ext\), not assigned"):
        comp.ext.Other = 1
    assert dir(comp.ext) == ["GreeterExt"]


def test_global_op_shortcuts_are_found_from_the_root(host: Host) -> None:
    assert host.root.shortcut("ChatTD") is host.op("/ChatTD")
    assert host.root.shortcut("TDAsyncIO") is host.asyncio_comp
    project = host.root.create(BaseCOMP, "project")
    assert host.root.shortcut("Project") is None
    project.par.opshortcut = "Project"
    assert host.root.shortcut("Project") is project
    project.par.opshortcut = "Renamed"
    assert host.root.shortcut("Project") is None
    assert host.root.shortcuts() == {"ChatTD": host.op("/ChatTD"),
                                     "TDAsyncIO": host.asyncio_comp, "Renamed": project}
    project.destroy()
    assert host.root.shortcut("Renamed") is None
