"""Cook and close hooks are removable, and a destroyed COMP leaves none behind."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import pytest

from asyncio_comp.worker.comp import create_worker
from host import BaseCOMP, Host
from td.current import current_operator
from td.hooks import Hook


class Counting(BaseCOMP):
    """A COMP that cooks every frame and cleans up on close, the way TDAsyncIO does."""

    def onCreate(self) -> None:
        self.cooks = 0
        self.closes = 0
        self.cook_hook = self.host.on_cook(self.cook, owner=self)
        self.close_hook = self.host.on_close(self.close, owner=self)

    def cook(self) -> None:
        self.cooks += 1

    def close(self) -> None:
        self.closes += 1


def test_on_cook_returns_a_hook_whose_remove_stops_it(host: Host) -> None:
    calls: list[int] = []
    hook = host.on_cook(lambda: calls.append(host.frame))
    assert isinstance(hook, Hook) and hook.active
    host.step(2)
    assert hook.remove() is True
    assert hook.remove() is False
    assert not hook.active
    host.step(2)
    assert calls == [1, 2]


def test_a_removed_close_hook_does_not_run_at_close() -> None:
    calls: list[str] = []
    host = Host(realtime=False)
    kept = host.on_close(lambda: calls.append("kept"))
    gone = host.on_close(lambda: calls.append("gone"))
    assert gone.remove() is True
    host.close()
    assert calls == ["kept"]
    assert not kept.active  # closing the host takes every hook out


def test_a_destroyed_comp_leaves_no_hook_behind() -> None:
    host = Host(realtime=False)
    comp = host.root.create(Counting, "counting")
    host.step(3)
    assert comp.cooks == 3
    comp.destroy()
    assert not comp.cook_hook.active and not comp.close_hook.active
    assert host.remove_hooks(comp) == 0
    host.step(3)
    host.close()
    assert (comp.cooks, comp.closes) == (3, 0)


def test_destroying_a_parent_removes_its_childrens_hooks(host: Host) -> None:
    parent = host.root.create(BaseCOMP, "parent")
    child = parent.create(Counting, "child")
    host.step()
    parent.destroy()
    host.step(2)
    assert child.cooks == 1
    assert not child.cook_hook.active


def test_a_cook_that_destroys_a_comp_stops_its_cook_in_the_same_frame(host: Host) -> None:
    doomed: list[Counting] = []
    host.on_cook(lambda: doomed[0].destroy() if doomed[0].valid else None)
    doomed.append(host.root.create(Counting, "doomed"))
    bystander = host.root.create(Counting, "bystander")
    host.step(2)
    assert doomed[0].cooks == 0  # destroyed before its turn in frame 1
    assert bystander.cooks == 2  # and removing its hook skipped no one else


def test_remove_hooks_takes_every_hook_of_an_owner(host: Host) -> None:
    comp = host.root.create(Counting, "counting")
    extra = host.on_cook(comp.cook, owner=comp)
    assert host.remove_hooks(comp) == 3
    assert not extra.active
    host.step()
    assert comp.cooks == 0


def test_the_bundled_comps_register_their_hooks_with_themselves(host: Host) -> None:
    worker = create_worker(host, "Worker")
    assert host.remove_hooks(worker) == 2  # its table cook and its shutdown
    assert host.remove_hooks(host.asyncio_comp) == 2  # the manager's cook and close
    # Closing the host still stops both: destroying the network calls their onDestroy.


def test_a_destroyed_worker_comp_leaves_no_hook(host: Host) -> None:
    worker = create_worker(host, "Worker")
    worker.destroy()
    assert host.remove_hooks(worker) == 0
    host.step()


def test_a_cook_runs_as_its_owner_unless_registered_as_owner_false(host: Host) -> None:
    marked = host.root.create(BaseCOMP, "marked")
    unmarked = host.root.create(BaseCOMP, "unmarked")
    seen: dict[str, object] = {}
    host.on_cook(lambda: seen.__setitem__("marked", current_operator()), owner=marked)
    host.on_cook(lambda: seen.__setitem__("unmarked", current_operator()), owner=unmarked,
                 as_owner=False)
    host.step()
    assert seen == {"marked": marked, "unmarked": None}
    # The owner still ties the hook's life to it.
    unmarked.destroy()
    seen.clear()
    host.step()
    assert seen == {"marked": marked}


def test_tdasyncios_cook_makes_no_one_the_owner_of_an_unowned_tasks_callback(
        host: Host) -> None:
    seen: list[object] = []
    later: list[int] = []

    def callback(outcome: object) -> None:
        seen.append(current_operator())
        later.append(host.tasks.Run(asyncio.sleep(0), description="from the callback"))

    async def quick() -> None:
        pass

    host.tasks.Run(quick(), completion_callback=callback)
    host.step(2)
    assert seen == [None]
    info = host.tasks.GetTaskInfo(later[0])
    assert info is not None and info["owner"] is None


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"fn": 3}, TypeError, r"on_cook\(\) expected a callable taking no arguments, got 3"),
    ({"fn": print, "owner": "comp"}, TypeError,
     r"on_cook\(\) expected owner to be an operator or None, got 'comp'"),
    ({"fn": print, "as_owner": 1}, TypeError,
     r"on_cook\(\) expected as_owner to be True or False, got 1"),
])
def test_bad_hooks_raise_and_register_nothing(host: Host, kwargs: dict[str, object],
                                              error: type[Exception], match: str) -> None:
    before = len(host.root.children)
    with pytest.raises(error, match=match):
        host.on_cook(**kwargs)  # type: ignore[arg-type]
    host.step()
    assert len(host.root.children) == before


def test_a_destroyed_owner_is_refused(host: Host) -> None:
    comp = host.root.create(BaseCOMP, "gone")
    comp.destroy()
    with pytest.raises(ValueError, match=r"on_close\(\) was given <BaseCOMP /gone> as owner, "
                                         r"which is destroyed"):
        host.on_close(print, owner=comp)
    assert host.remove_hooks(comp) == 0


class FailsAfterHooking(Counting):
    made: ClassVar[list[Counting]] = []

    def onCreate(self) -> None:
        super().onCreate()
        self.made.append(self)
        raise RuntimeError("onCreate failed after registering its hooks")


def test_a_comp_whose_oncreate_fails_leaves_no_hook(host: Host) -> None:
    with pytest.raises(RuntimeError, match="after registering its hooks"):
        host.root.create(FailsAfterHooking, "broken")
    broken = FailsAfterHooking.made.pop()
    host.step(2)
    assert host.op("broken") is None
    assert broken.cooks == 0
    assert not broken.cook_hook.active and not broken.close_hook.active
