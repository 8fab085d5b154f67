"""Random sequences of everything a user can do to tasks; the books always balance.

Each task awaits a future the test holds, so the test decides when it completes or
fails; around that, hypothesis interleaves cancels, timeouts, frames, Clear
Finished, Cancel Active, Clear All and Clear After changes. After every step:

- no completion callback has fired twice, and a finished task's callback has fired
  once with the status the registry shows;
- a finished task never changes status again;
- after a frame, ``task_table`` (without its header) equals the registry
  (``GetAllTasksInfo``) in ids and statuses, row for row;
- pulse-style calls return exactly how many tasks they touched;
- status counts never go negative and always equal a recount of the registry.

Two kinds of abuse are mixed in: a KeyboardInterrupt (what Ctrl-C
raises) at random points of a frame (a frame-start or frame-end callback, inside a
task's step, inside a completion callback), and ``host.close()`` from anywhere (the
test, a frame callback, a task, a completion callback). After a close nothing more
is done; the books must still balance and the loop must be closed.

At the end the host closes, and every task ever submitted has had exactly one
callback, with a status its story allows.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host

FINISHED = {TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.TIMEOUT}


async def controlled(future: asyncio.Future[Any]) -> Any:
    return await future


@dataclass
class Story:
    """What the test did to one task, which bounds how it may end."""

    future: asyncio.Future[Any]
    timeout: float | None
    resolved: str | None = None  # "ok" or "fail", if the task was there to see it
    cancel_accepted: bool = False
    statuses_seen: set[TaskStatus] = field(default_factory=set)

    def allowed(self) -> set[TaskStatus]:
        if self.cancel_accepted:
            return {TaskStatus.CANCELLED}
        allowed = {TaskStatus.CANCELLED}  # cancelled by close() if still running then
        if self.timeout is not None:
            allowed.add(TaskStatus.TIMEOUT)
        if self.resolved == "ok":
            allowed.add(TaskStatus.COMPLETED)
        elif self.resolved == "fail":
            allowed.add(TaskStatus.FAILED)
        return allowed


class TaskLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.host = Host(fps=60, realtime=False)
        self.stories: dict[int, Story] = {}
        self.calls: Counter[int] = Counter()
        self.outcomes: dict[int, TaskStatus] = {}
        self.synced = True  # the table is only promised current at the end of a frame
        self.interrupts = 0

    # -- helpers --------------------------------------------------------------------
    def _open(self) -> bool:
        return not self.host.closed

    def _frames_until(self, done: Callable[[], bool], frames: int = 120) -> bool:
        """Step up to ``frames`` frames until ``done()``; a KeyboardInterrupt out of a
        frame counts as a step (it is what the abuse rules provoke)."""
        for _ in range(frames):
            if done() or self.host.closed:
                break
            try:
                self.host.step()
            except KeyboardInterrupt:
                self.interrupts += 1
        self.synced = False
        return done()

    def _settled(self) -> asyncio.Future[Any]:
        """A story's future for a task that does not await one (resolve skips it)."""
        future = self.host.loop.create_future()
        future.set_result(None)
        return future

    def _track(self, ids: int | list[int], story: Story) -> None:
        for task_id in ids if isinstance(ids, list) else [ids]:
            self.stories[task_id] = story

    def _status(self, task_id: int) -> TaskStatus | None:
        info = self.host.tasks.GetTaskInfo(task_id)
        return None if info is None else info["status"]

    def _active_ids(self) -> list[int]:
        return [i["task_id"] for i in self.host.tasks.GetAllTasksInfo()
                if i["status"] in (TaskStatus.PENDING, TaskStatus.RUNNING)]

    def _callback(self, outcome: TaskOutcome) -> None:
        self.calls[outcome.task_id] += 1
        self.outcomes[outcome.task_id] = outcome.status

    def _cancel_accepted(self, ids: list[int]) -> None:
        for task_id in ids:
            self.stories[task_id].cancel_accepted = True

    # -- rules ----------------------------------------------------------------------
    @precondition(lambda self: self._open())
    @rule(n=st.integers(1, 3), timeout=st.sampled_from([None, None, 0, 0.05, 0.2]))
    def submit(self, n: int, timeout: float | None) -> None:
        futures = [self.host.loop.create_future() for _ in range(n)]
        coros = [controlled(f) for f in futures]
        result = self.host.tasks.Run(coros if n > 1 else coros[0], timeout=timeout,
                                     completion_callback=self._callback)
        ids = result if isinstance(result, list) else [result]
        assert len(ids) == n
        for task_id, future in zip(ids, futures, strict=True):
            assert task_id not in self.stories
            self.stories[task_id] = Story(future, timeout)
        self.synced = False

    def _running_unresolved(self) -> list[int]:
        return [t for t, s in self.stories.items()
                if not s.future.done() and self._status(t) is TaskStatus.RUNNING
                and not s.cancel_accepted]

    @precondition(lambda self: self._open() and bool(self._running_unresolved()))
    @rule(data=st.data(), ok=st.booleans())
    def resolve(self, data: st.DataObject, ok: bool) -> None:
        task_id = data.draw(st.sampled_from(self._running_unresolved()))
        story = self.stories[task_id]
        if ok:
            story.future.set_result(task_id)
        else:
            story.future.set_exception(ValueError(f"task {task_id} failed on purpose"))
        story.resolved = "ok" if ok else "fail"

    @precondition(lambda self: self._open() and bool(self.stories))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        task_id = data.draw(st.sampled_from(sorted(self.stories)))
        was_active = self._status(task_id) in (TaskStatus.PENDING, TaskStatus.RUNNING)
        accepted = self.host.tasks.CancelTask(task_id)
        assert accepted == was_active
        if accepted:
            self._cancel_accepted([task_id])
        self.synced = False

    @precondition(lambda self: self._open())
    @rule()
    def cancel_unknown_id(self) -> None:
        assert self.host.tasks.CancelTask(10**9) is False

    @precondition(lambda self: self._open())
    @rule(frames=st.integers(1, 15))
    def step(self, frames: int) -> None:
        self.host.step(frames)
        self.synced = True

    @precondition(lambda self: self._open())
    @rule()
    def clear_finished(self) -> None:
        finished = [i for i in self.host.tasks.GetAllTasksInfo() if i["status"] in FINISHED]
        assert self.host.tasks.Clearfinished() == len(finished)
        assert all(self.host.tasks.GetTaskInfo(i["task_id"]) is None for i in finished)
        self.synced = False

    def _uncancelled_active(self) -> list[int]:
        return [t for t in self._active_ids() if not self.stories[t].cancel_accepted]

    @precondition(lambda self: self._open())
    @rule(by_pulse=st.booleans())
    def cancel_active(self, by_pulse: bool) -> None:
        targets = self._uncancelled_active()
        if by_pulse:
            self.host.asyncio_comp.par.Cancelactive.pulse()
        else:
            assert self.host.tasks.Cancelactive() == len(targets)
        self._cancel_accepted(targets)
        self.synced = False

    @precondition(lambda self: self._open())
    @rule()
    def clear_all(self) -> None:
        targets = self._uncancelled_active()
        total = self.host.tasks.task_count()
        assert self.host.tasks.Clearall() == total
        assert self.host.tasks.GetAllTasksInfo() == []
        self._cancel_accepted(targets)
        self.synced = False

    @precondition(lambda self: self._open())
    @rule(seconds=st.sampled_from([0.0, 0.05, 0.5, 60.0]))
    def set_clear_after(self, seconds: float) -> None:
        self.host.asyncio_comp.par.Clearafter = seconds

    # -- abuse: Ctrl-C at random points, close from anywhere -------------------------
    @precondition(lambda self: self._open())
    @rule(where=st.sampled_from(["frame start", "frame end", "task step", "callback"]))
    def ctrl_c(self, where: str) -> None:
        """A KeyboardInterrupt lands at ``where`` during the next frames."""
        host = self.host
        fired = []

        def interrupt(*_: Any) -> None:
            if not fired:
                fired.append(where)
                raise KeyboardInterrupt

        if where in ("frame start", "frame end"):
            def once(h: Any) -> None:
                h.remove_callback(once)
                interrupt()

            (host.on_frame_start if where == "frame start" else host.on_frame_end)(once)
        elif where == "task step":
            async def interrupted() -> None:
                interrupt()

            self._track(host.tasks.Run(interrupted(), completion_callback=self._callback),
                        Story(self._settled(), None, resolved="fail"))
        else:
            async def quick() -> None:
                return None

            def callback(outcome: TaskOutcome) -> None:
                self._callback(outcome)
                interrupt()

            self._track(host.tasks.Run(quick(), completion_callback=callback),
                        Story(self._settled(), None, resolved="ok"))
        before = self.interrupts
        self._frames_until(lambda: bool(fired))
        assert fired == [where]
        assert self.interrupts == before + 1

    @precondition(lambda self: self._open())
    @rule(where=st.sampled_from(["test", "frame callback", "task", "callback"]))
    def close_from(self, where: str) -> None:
        """``host.close()`` from ``where``; nothing is done after it."""
        host = self.host
        if where == "test":
            host.close()
        elif where == "frame callback":
            host.on_frame_end(lambda h: h.close())
        elif where == "task":
            async def closer() -> None:
                host.close()
                await asyncio.sleep(3600)

            self._track(host.tasks.Run(closer(), completion_callback=self._callback),
                        Story(self._settled(), None))
        else:
            async def quick() -> None:
                return None

            def callback(outcome: TaskOutcome) -> None:
                self._callback(outcome)
                host.close()

            self._track(host.tasks.Run(quick(), completion_callback=callback),
                        Story(self._settled(), None, resolved="ok"))
        assert self._frames_until(lambda: host.closed)
        assert host.loop.is_closed()
        self._closed_books_balance()

    @precondition(lambda self: not self._open())
    @rule()
    def use_after_close(self) -> None:
        """A closed host refuses work without leaking it, and closes again quietly."""
        async def late() -> None:
            return None

        coro = late()
        with pytest.raises(RuntimeError, match=r"after the host closed"):
            self.host.tasks.Run(coro)
        assert coro.cr_frame is None  # closed: no "never awaited"
        with pytest.raises(RuntimeError, match=r"closed host"):
            self.host.step()
        self.host.close()

    def _closed_books_balance(self) -> None:
        """After a close: every task ever submitted had exactly one callback, with a
        status its story allows."""
        assert set(self.calls) == set(self.stories)
        assert all(count == 1 for count in self.calls.values()), self.calls
        for task_id, story in self.stories.items():
            assert self.outcomes[task_id] in story.allowed(), (task_id, story)

    # -- invariants -----------------------------------------------------------------
    @invariant()
    def callbacks_fire_at_most_once(self) -> None:
        assert all(count == 1 for count in self.calls.values()), self.calls

    @invariant()
    def a_finished_task_stays_finished_as_it_was(self) -> None:
        for info in self.host.tasks.GetAllTasksInfo():
            story = self.stories[info["task_id"]]
            status = info["status"]
            if status in FINISHED:
                finals = story.statuses_seen & FINISHED
                assert finals <= {status}, (info["task_id"], finals, status)
                assert status in story.allowed(), (info["task_id"], status, story)
            else:
                assert not story.statuses_seen & FINISHED, (info["task_id"], status)
            story.statuses_seen.add(status)

    @invariant()
    def after_a_frame_callbacks_and_table_match_the_registry(self) -> None:
        if not self.synced:
            return
        registry = [(i["task_id"], i["status"].value) for i in self.host.tasks.GetAllTasksInfo()]
        values = self.host.asyncio_comp.task_table.values()
        assert values[0][:2] == ["task_id", "status"]
        table = [(int(row[0]), row[1]) for row in values[1:]]
        assert table == registry
        for task_id, status in registry:
            if TaskStatus(status) in FINISHED:
                assert self.calls[task_id] == 1, (task_id, status)
                assert self.outcomes[task_id] == status

    @invariant()
    def counts_and_view_order_match_the_registry(self) -> None:
        """Counts and the views' order are kept as things change; they must agree
        with a recount and a re-sort of the registry at every step."""
        rows = self.host.tasks.rows()
        recount = dict.fromkeys(TaskStatus, 0)
        for row in rows:
            recount[row.status] += 1
        assert self.host.tasks.counts() == recount
        assert min(recount.values()) >= 0
        ordered = self.host.tasks.ordered_rows()
        assert sorted(r.task_id for r in ordered) == [r.task_id for r in rows]
        active = [r.task_id for r in ordered if r.status.is_active]
        assert [r.task_id for r in ordered[:len(active)]] == active  # active first
        assert active == sorted(active, reverse=True)  # newest first
        finished = ordered[len(active):]
        assert [r.completed_at for r in finished] == sorted(
            (r.completed_at for r in finished), reverse=True)  # latest ending first
        if ordered:
            assert self.host.tasks.ordered_rows(1, 2) == ordered[1:3]

    def teardown(self) -> None:
        self.host.close()
        self.host.close()  # a second close is safe
        assert self.host.loop.is_closed()
        self._closed_books_balance()
        for story in self.stories.values():
            if not story.future.done():
                story.future.cancel()  # the loop is closed; nothing is left waiting
            elif not story.future.cancelled():
                story.future.exception()  # retrieved: no "never retrieved" log at GC


TaskLifecycle.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestTaskLifecycle = TaskLifecycle.TestCase
