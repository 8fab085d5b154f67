"""The per-task fast paths and the general ones leave the same trace.

``Run`` of one new coroutine registers it inline, and the common ending (a running
task completing while no listener is attached) is told to the registry in a batch;
``Run`` of a list takes the general registration (`validate_run`), and with a task
listener attached every ending goes through `TaskLifecycle.finish`, told at once.
For any mix of tasks (returning, raising, cancelled while pending or while running,
over a few frames, with or without a completion callback) both ways must give the
same records, the same rows (views and ``task_table``) and the same callbacks, in the
same order, frame by frame.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from asyncio_comp import TaskOutcome
from host import Host

KINDS = ("return", "raise", "cancel_pending", "cancel_running", "sleep")

task_specs = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 3), st.booleans(), st.integers(0, 2)),
    min_size=1, max_size=8,
)


async def _work(host: Host, kind: str, frames: int, value: int) -> int:
    for _ in range(frames):
        await host.next_frame()
    if kind == "raise":
        raise ValueError(f"failed with {value}")
    if kind == "cancel_running":
        await asyncio.sleep(3600)
    return value


def _error(error: BaseException | None) -> tuple[str, str] | None:
    return None if error is None else (type(error).__name__, str(error))


def _outcome(outcome: TaskOutcome) -> tuple[Any, ...]:
    return (outcome.task_id, outcome.status, outcome.description, outcome.result,
            _error(outcome.error), _error(outcome.exception), outcome.created_at,
            outcome.completed_at, outcome.coroutine is not None, outcome.task is not None)


def _info(info: dict[str, Any]) -> dict[str, Any]:
    return {**info, "error": _error(info["error"])}


def _trace(specs: list[tuple[str, int, bool, int]], general: bool) -> list[Any]:
    """Run ``specs`` (submitted at the frames they name) and snapshot every frame."""
    snapshots: list[Any] = []
    called: list[tuple[Any, ...]] = []
    told: list[Any] = []
    with Host(fps=60.0, realtime=False) as host:
        tasks = host.tasks
        if general:
            tasks.add_task_listener(told.append)
        ids: dict[int, int] = {}
        for frame in range(6):
            for index, (kind, frames, with_callback, at) in enumerate(specs):
                if at == frame:
                    coro = _work(host, kind, frames, index)
                    callback = (lambda o: called.append(_outcome(o))) if with_callback else None
                    given_ = [coro] if general else coro
                    task_id = tasks.Run(given_, completion_callback=callback)
                    assert isinstance(task_id, int)
                    ids[index] = task_id
                    if kind == "cancel_pending":
                        assert tasks.CancelTask(task_id)
                if kind == "cancel_running" and index in ids and at + frames + 1 == frame:
                    tasks.CancelTask(ids[index])
            host.step()
            snapshots.append((
                [_info(info) for info in tasks.GetAllTasksInfo()],
                tasks.rows(), tasks.ordered_rows(), tasks.counts(), tasks.GetLifetimeCounts(),
                tasks.GetActiveTasksCount(), host.asyncio_comp.task_table.values(),
                [tasks.GetTaskResult(task_id) for task_id in ids.values()],
                list(called),
            ))
    if general:
        assert told, "the listener heard every change: the general path ran"
    return snapshots


@settings(max_examples=40, deadline=None)
@given(task_specs)
def test_fast_and_general_paths_give_the_same_records_rows_and_callbacks(
        specs: list[tuple[str, int, bool, int]]) -> None:
    assert _trace(specs, general=False) == _trace(specs, general=True)
