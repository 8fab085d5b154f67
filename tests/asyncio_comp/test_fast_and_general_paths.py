"""The per-task fast paths and the general ones leave the same trace.

``Run`` of one new coroutine registers it inline, and the common ending (a running
task completing while no listener is attached) is queued by the lifecycle and told to
the registry in a batch; ``Run`` of a list takes the general registration
(`validate_run`), and with a task listener attached every ending goes through
`TaskLifecycle.finish`, told at once. For any mix of tasks (returning, raising,
cancelled while pending or while running, catching their cancellation, timed out,
submitting a child, over a few frames, with a completion callback, one that submits
a task of its own, or none) and of clears between frames, both ways must give the
same records (what each still holds once it has ended, too: `TaskRecord.release`),
the same rows (views and ``task_table``) and the same callbacks, in the same order,
frame by frame, in both profiles.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncio_comp import TaskOutcome
from host import Host

KINDS = ("return", "raise", "cancel_pending", "cancel_running", "catch_cancel", "timeout",
         "child")
#: What a task's completion callback does: none, note the outcome, or note it and
#: submit a task of its own (which itself has no callback).
CALLBACKS = ("none", "note", "note_and_run")
FRAMES = 8

task_specs = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 3), st.sampled_from(CALLBACKS),
              st.integers(0, 3)),
    min_size=1, max_size=10,
)
#: The frames before which finished tasks are forgotten (`Clearfinished`).
clear_frames = st.sets(st.integers(1, FRAMES - 1), max_size=2)


async def _work(host: Host, kind: str, frames: int, value: int) -> int:
    for _ in range(frames):
        await host.next_frame()
    if kind == "raise":
        raise ValueError(f"failed with {value}")
    if kind in ("cancel_running", "timeout"):
        await asyncio.sleep(3600)
    if kind == "catch_cancel":
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            return -value  # caught: it still ends cancelled, its result kept
    if kind == "child":
        host.tasks.Run(_leaf(value))
    return value


async def _leaf(value: int) -> int:
    return value * 10


def _error(error: object) -> tuple[str, str] | None:
    return None if error is None else (type(error).__name__, str(error))


def _outcome(outcome: Any) -> tuple[Any, ...]:
    """The fields of what a callback got: a `TaskOutcome`, or in the LOPs profile
    its ``AsyncIOTask`` (`LopsTask`, which has no ``exception``)."""
    exception = _error(outcome.exception) if isinstance(outcome, TaskOutcome) else None
    return (outcome.task_id, outcome.status, outcome.description, outcome.result,
            _error(outcome.error), exception, outcome.created_at, outcome.completed_at,
            outcome.coroutine is not None, outcome.task is not None)


def _info(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "error": _error(info["error"])}


def _trace(specs: list[tuple[str, int, str, int]], clears: set[int], profile: str,
           general: bool) -> list[Any]:
    """Run ``specs`` (submitted at the frames they name) and snapshot every frame."""
    snapshots: list[Any] = []
    called: list[tuple[Any, ...]] = []
    told: list[Any] = []
    with Host(fps=60.0, realtime=False, profile=profile) as host:
        tasks = host.tasks
        if profile == "lops":
            # LOPs shows host time as epoch seconds, its epoch read from the wall
            # clock as the host starts: the same one in both runs, so times compare.
            tasks.profile.epoch = 1_700_000_000.0  # type: ignore[attr-defined]

        def run(coro: Any, **kwargs: Any) -> int:
            task_id = tasks.Run([coro] if general else coro, **kwargs)
            assert isinstance(task_id, int)
            return task_id

        def callback_for(how: str, index: int) -> Any:
            def note(outcome: Any) -> None:
                called.append(_outcome(outcome))
                if how == "note_and_run":
                    run(_leaf(index))
            return None if how == "none" else note

        if general:
            tasks.add_task_listener(told.append)
        ids: dict[int, int] = {}
        for frame in range(FRAMES):
            if frame in clears:
                tasks.Clearfinished()
            for index, (kind, frames, how, at) in enumerate(specs):
                if at == frame:
                    coro = _work(host, kind, frames, index)
                    # A timeout of `frames` + 1 frames: it ends while sleeping.
                    timeout = (frames + 1.5) / 60.0 if kind == "timeout" else None
                    ids[index] = run(coro, timeout=timeout,
                                     completion_callback=callback_for(how, index))
                    if kind == "cancel_pending":
                        assert tasks.CancelTask(ids[index])
                if (kind in ("cancel_running", "catch_cancel") and index in ids
                        and at + frames + 1 == frame):
                    tasks.CancelTask(ids[index])
            host.step()
            registry = tasks.registry
            snapshots.append((
                [_info(info) for info in tasks.GetAllTasksInfo()],
                # What each record still holds: let go of by `release` alone.
                [(rec.task_id, rec.coro is not None, rec.task is not None,
                  rec.callback is not None) for rec in registry.records()],
                tasks.rows(), tasks.ordered_rows(), tasks.counts(), tasks.GetLifetimeCounts(),
                tasks.GetActiveTasksCount(), host.asyncio_comp.task_table.values(),
                [tasks.GetTaskResult(task_id) for task_id in ids.values()],
                list(called),
            ))
        assert tasks.callback_errors == 0  # a callback that raised would hide a difference
    if general:
        assert told, "the listener heard every change: the general path ran"
    return snapshots


@pytest.mark.parametrize("profile", ["framehost", "lops"])
@settings(max_examples=60, deadline=None)
@given(task_specs, clear_frames)
def test_fast_and_general_paths_give_the_same_records_rows_and_callbacks(
        profile: str, specs: list[tuple[str, int, str, int]], clears: set[int]) -> None:
    fast = _trace(specs, clears, profile, general=False)
    assert fast == _trace(specs, clears, profile, general=True)
    # The mix ran for real: every task submitted has a record or was cleared ended.
    assert fast[-1][0] or clears
