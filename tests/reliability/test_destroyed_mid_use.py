"""An operator destroyed while something still uses it: a task awaiting its change,
a run() naming it, its own expression, its own task, a write to it, its replaced
parameter. Each use raises a clear error or ends cleanly; nothing waits for ever."""

from __future__ import annotations

import asyncio

import pytest

from asyncio_comp import TaskStatus
from host import BaseCOMP, Host, OperatorDestroyed, Par, TableDAT

# -- awaiting a change of an operator that is destroyed meanwhile -----------------------

def test_awaiting_a_change_of_a_destroyed_operator_raises_instead_of_waiting_for_ever(
        ) -> None:
    # A task not owned by the operator (here the host's) has nothing left to wake it
    # once the operator is gone: it fails rather than stay 'running' for ever.
    host = Host(fps=60, realtime=False)
    try:
        comp = host.root.create(BaseCOMP, "watched")
        table = comp.create(TableDAT, "table")
        (gain,) = comp.appendCustomPage("Knobs").appendFloat("Gain")
        (go,) = comp.appendCustomPage("Buttons").appendPulse("Go")
        ids = [host.tasks.Run(gain.changed()), host.tasks.Run(go.pulsed()),
               host.tasks.Run(table.changed())]
        host.step(2)
        comp.destroy()
        host.step(2)
        for task_id in ids:
            info = host.tasks.GetTaskInfo(task_id)
            assert info["status"] is TaskStatus.FAILED, info
            assert isinstance(info["error"], OperatorDestroyed)
            assert "/watched" in str(info["error"])
    finally:
        host.close()


# -- run(): a destroyed operator as fromOP or delayRef ----------------------------------

@pytest.mark.parametrize("what", ["fromOP", "delayRef"])
def test_run_refuses_a_destroyed_operator(what: str) -> None:
    # Accepted, it would run a frame later with `me` a destroyed operator.
    from host.td import run

    host = Host(fps=60, realtime=False)
    try:
        dead = host.root.create(TableDAT, "dead")
        dead.destroy()
        ran: list[str] = []
        with pytest.raises(ValueError, match=rf"^run\(\) was given <TableDAT /dead> as "
                                             rf"{what}, which is destroyed$"):
            run(ran.append, "ran", **{what: dead})
        host.step(3)
        assert ran == []
    finally:
        host.close()


# -- destroyed during its own callbacks ---------------------------------------------------

def test_an_expression_that_destroys_its_own_operator_leaves_the_other_expressions_be(
        ) -> None:
    # Reporting its error must not touch the destroyed operator: an OperatorDestroyed
    # out of the frame-start watch would leave the expressions after it unevaluated.
    host = Host(fps=60, realtime=False)
    try:
        doomed = host.root.create(BaseCOMP, "doomed")
        other = host.root.create(BaseCOMP, "other")
        (gone,) = doomed.appendCustomPage("P").appendFloat("Gain")
        (follows,) = other.appendCustomPage("P").appendFloat("Frame")
        gone.expr = "me.destroy() if absTime.frame >= 3 else 1"
        follows.expr = "absTime.frame"
        host.step(4)
        assert not doomed.valid
        assert follows.eval() == host.frame
        assert host.stats.callback_errors == 0
    finally:
        host.close()


def test_tdasyncio_destroyed_by_its_own_task_closes_its_loop_at_the_frame_end() -> None:
    # Its onDestroy runs inside the loop's step, where the loop cannot close: it
    # closes at the frame's end, its tasks cancelled (the component's close hook goes
    # with it, so nothing later would close it).
    host = Host(fps=60, realtime=False)
    comp = host.asyncio_comp
    ended: list[str] = []

    async def sleeper() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            ended.append("cancelled")
            raise

    async def destroys_its_component() -> None:
        comp.destroy()
        await asyncio.sleep(0)

    loop = host.loop
    host.tasks.Run(sleeper())
    host.tasks.Run(destroys_its_component())
    host.step(2)
    try:
        assert not comp.valid
        assert loop.is_closed()
        assert ended == ["cancelled"]
        assert host.stats.callback_errors == 0
    finally:
        host.close()


# -- writes to a destroyed table, a replaced parameter ---------------------------------

def test_a_destroyed_table_refuses_writes() -> None:
    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "t")
        dat.appendRow(["a"])
        dat.destroy()
        for write in (lambda: dat.appendRow(["b"]), lambda: dat.__setitem__((0, 0), "z"),
                      lambda: dat.clear()):
            with pytest.raises(OperatorDestroyed, match=r"<TableDAT /t> was destroyed"):
                write()


def test_a_replaced_parameter_no_longer_fires_its_operator() -> None:
    changes: list[str] = []

    class Comp(BaseCOMP):
        def onValueChange(self, par: Par, prev: object) -> None:
            changes.append(f"{par.name}={par.eval()}")

    with Host(fps=60, realtime=False) as host:
        comp = host.root.create(Comp, "c")
        page = comp.appendCustomPage("Config")
        (old,) = page.appendFloat("Gain")
        (new,) = page.appendFloat("Gain", replace=True)
        with pytest.raises(RuntimeError, match=r"/c par\.Gain was replaced; use the "
                                               r"operator's par\.Gain now"):
            old.val = 2.0
        assert changes == [] and old.eval() == 0.0
        new.val = 3.0
        assert changes == ["Gain=3.0"] and comp.par.Gain is new
