"""TaskOutcome: read-only, readable as an object, a mapping (LOPs dict code) and a tuple
(code that indexes or unpacks it)."""

from __future__ import annotations

import pickle

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from asyncio_comp.outcome import OUTCOME_FIELDS
from host import Host


async def answer() -> int:
    return 42


async def fails() -> None:
    raise ValueError("no")


def _outcome(host: Host, coro: object, **kwargs: object) -> TaskOutcome:
    outcomes: list[TaskOutcome] = []
    host.tasks.Run(coro, completion_callback=outcomes.append, **kwargs)  # type: ignore[arg-type]
    host.step(2)
    (outcome,) = outcomes
    return outcome


def test_every_field_reads_as_an_attribute_a_key_and_a_position(host: Host) -> None:
    outcome = _outcome(host, answer(), description="answer", info={"k": 1}, timeout=5.0)
    values = list(outcome)
    assert len(outcome) == len(values) == len(OUTCOME_FIELDS) == 14
    assert list(outcome.keys()) == list(OUTCOME_FIELDS) == list(TaskOutcome._fields)
    for index, name in enumerate(OUTCOME_FIELDS):
        assert outcome[name] is getattr(outcome, name) or outcome[name] == getattr(outcome, name)
        assert outcome[index] == values[index] == outcome._asdict()[name]
    task_id, status, description, info, result, *_ = outcome
    assert (status, description, info, result) == (TaskStatus.COMPLETED, "answer", {"k": 1}, 42)
    assert outcome.timeout == 5.0 and outcome.duration == outcome.completed_at - outcome.created_at
    assert outcome.task is not None and outcome.task.done()
    assert outcome.completion_callback is not None and outcome.coroutine is not None
    assert outcome[-1] is outcome.task and outcome[1:3] == (TaskStatus.COMPLETED, "answer")
    assert outcome == tuple(values) and outcome == outcome
    with pytest.raises(TypeError, match="unhashable"):
        hash(outcome)  # as a tuple holding a dict: its info is one
    assert repr(outcome).startswith(f"TaskOutcome(task_id={task_id}, status=")


def test_a_failure_carries_the_exception_as_error_and_exception(host: Host) -> None:
    outcome = _outcome(host, fails())
    assert hash(outcome) == hash(tuple(outcome))
    assert outcome.status is TaskStatus.FAILED
    assert isinstance(outcome.error, ValueError) and outcome.exception is outcome.error
    assert outcome.get("exception") is outcome.error and outcome.get("nope") is None


def test_it_cannot_be_changed_made_or_pickled(host: Host) -> None:
    outcome = _outcome(host, answer())
    for name in OUTCOME_FIELDS:
        with pytest.raises(AttributeError):
            setattr(outcome, name, None)
        with pytest.raises(AttributeError):
            delattr(outcome, name)
    with pytest.raises(AttributeError):
        outcome.extra = 1  # type: ignore[attr-defined]
    assert outcome.result == 42 and outcome.status is TaskStatus.COMPLETED
    with pytest.raises(TypeError, match="made by TDAsyncIO"):
        TaskOutcome()
    with pytest.raises(TypeError, match=r"cannot be pickled .* pickle the fields you need"):
        pickle.dumps(outcome)
    fields = {name: outcome[name] for name in ("task_id", "status", "result")}
    assert pickle.loads(pickle.dumps(fields))["result"] == 42


def test_it_stays_as_it_was_when_its_task_is_forgotten(host: Host) -> None:
    outcome = _outcome(host, answer(), description="kept")
    before = outcome._asdict()
    host.tasks.Clearall()
    host.step()
    assert outcome._asdict() == before and host.tasks.GetTaskInfo(outcome.task_id) is None
