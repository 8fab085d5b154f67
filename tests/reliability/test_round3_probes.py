"""Reliability round 3, second pass (issue 26): hostile probes where round 3's fixes
landed (close() bounded, destroy during callbacks, the new APIs' bad input).

Each test reproduces one fault as a user meets it.
"""

from __future__ import annotations

import asyncio

import pytest

from asyncio_comp import TaskStatus
from host import BaseCOMP, Host, OperatorDestroyed, TableDAT

# -- close(): tasks started while the others unwind ------------------------------------


def test_a_task_started_by_a_task_as_it_unwinds_is_cancelled_too(
        unraisable: list[str]) -> None:
    # close() cancelled the tasks it found first and stepped only those: a task one of
    # them started in its cleanup was never cancelled; it was closed at the end instead
    # (GeneratorExit), so its own `except CancelledError` cleanup never ran.
    host = Host(fps=60, realtime=False)
    seen: list[str] = []

    async def cleanup_work() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            seen.append("cleanup task cancelled")
            raise

    async def starts_cleanup_as_it_unwinds() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            asyncio.get_running_loop().create_task(cleanup_work())

    host.tasks.Run(starts_cleanup_as_it_unwinds())
    host.step(2)
    host.close()
    assert host.loop.is_closed()
    assert seen == ["cleanup task cancelled"]


def test_close_is_bounded_by_a_task_that_starts_itself_again_whenever_it_ends(
        unraisable: list[str]) -> None:
    # Closing the last one's coroutine started one more, which was never awaited:
    # "RuntimeWarning: coroutine ... was never awaited" as the loop closed.
    host = Host(fps=60, realtime=False)
    started: list[int] = []

    async def respawns() -> None:
        started.append(1)
        try:
            await asyncio.sleep(3600)
        finally:
            asyncio.get_running_loop().create_task(respawns())

    host.tasks.Run(respawns())
    host.step(2)
    host.close()
    assert host.loop.is_closed()
    assert len(started) > 2  # each cancelled one started the next, until close gave up


def test_a_tracked_task_started_while_closing_is_refused_in_one_sentence() -> None:
    host = Host(fps=60, realtime=False)
    refused: list[str] = []

    async def later() -> None:
        await asyncio.sleep(1)

    async def starts_one_as_it_unwinds() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            try:
                host.tasks.Run(later())
            except RuntimeError as exc:
                refused.append(str(exc))
            raise

    host.tasks.Run(starts_one_as_it_unwinds())
    host.step(2)
    host.close()
    assert refused == ["Run() called while the host is closing; nothing was scheduled"]


# -- awaiting a change of an operator that is destroyed meanwhile -----------------------

def test_awaiting_a_change_of_a_destroyed_operator_raises_instead_of_waiting_for_ever(
        ) -> None:
    # The awaits stayed pending for ever: a task not owned by the operator (here
    # the host's) stayed 'running' in the task table with nothing left to wake it.
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


# -- copy(): a bad name is copy()'s error -------------------------------------------

@pytest.mark.parametrize("name", ["1bad", "t\n", "", "a b"])
def test_copy_with_a_bad_name_names_copy_and_leaves_nothing(name: str) -> None:
    # The message named create(), which the user did not call.
    host = Host(fps=60, realtime=False)
    try:
        comp = host.root.create(BaseCOMP, "c")
        table = comp.create(TableDAT, "t")
        with pytest.raises(ValueError, match=r"^/c\.copy\(\) expected name as letters, "
                                             r"digits and underscores .*, got "):
            comp.copy(table, name=name)
        assert [child.name for child in comp.children] == ["t"]
    finally:
        host.close()


# -- run(): a destroyed operator as fromOP or delayRef ----------------------------------

@pytest.mark.parametrize("what", ["fromOP", "delayRef"])
def test_run_refuses_a_destroyed_operator(what: str) -> None:
    # It was accepted and ran a frame later with `me` a destroyed operator.
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
    # Reporting its error touched the destroyed operator: OperatorDestroyed escaped
    # the frame-start watch, and the expressions after it were not evaluated that frame.
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
    # Its onDestroy closed the manager from inside the loop's step, which raised: the
    # error was logged, the loop stayed open with its tasks pending, and nothing
    # closed it later (its close hook went with the operator).
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
