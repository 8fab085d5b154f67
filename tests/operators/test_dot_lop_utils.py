"""A custom operator written the way a user would, on DotLOPUtils."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from host import BaseCOMP, FloatPar, Host, Par, PulsePar, StrPar, TableDAT
from operators import DotLOPUtils


class Fetcher(DotLOPUtils, BaseCOMP):
    """Pulse Fetch to start a (pretend) download; results land in a table."""

    parameters = (
        StrPar("Url", "https://example.invalid/data"),
        FloatPar("Delay", 0.25, min=0.0),
        FloatPar("Timeout", 10.0, min=0.0),
        PulsePar("Fetch"),
    )

    def onCreate(self) -> None:
        self.results = self.create(TableDAT, "results")
        self.results.appendRow(["task_id", "status", "url", "body"])
        self.fetches = 0

    def onPulse(self, par: Par) -> None:
        if par.name == "Fetch":
            self.fetches += 1
            url = self.par.Url.eval()
            self.last_task = self.run_async_task(
                self.download(url, self.par.Delay.eval()),
                description=f"fetch {url}",
                completion_callback=self.on_done,
                info={"url": url},
                timeout=self.par.Timeout.eval(),
            )

    async def download(self, url: str, delay: float) -> str:
        await asyncio.sleep(delay)
        if "fail" in url:
            raise ConnectionError(f"cannot reach {url}")
        return f"<body of {url}>"

    def on_done(self, task: TaskOutcome) -> None:
        self.results.appendRow([task.task_id, task.status.value, task.info["url"],
                                task.result if task.status is TaskStatus.COMPLETED
                                else task.error])


def rows(dat: TableDAT) -> list[list[str]]:
    return dat.values()[1:]


def test_pulse_starts_work_and_callback_writes_the_table(host: Host) -> None:
    fetcher = host.root.create(Fetcher, "fetcher")
    assert fetcher.asyncio_comp is host.asyncio_comp
    fetcher.par.Fetch.pulse()
    task_id = fetcher.last_task
    assert isinstance(task_id, int)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    assert info["description"] == "fetch https://example.invalid/data"
    assert info["timeout"] == 10.0
    assert info["status"] is TaskStatus.PENDING
    host.step(15)  # 0.25 s is frame 16
    assert rows(fetcher.results) == []
    host.step()
    assert rows(fetcher.results) == [
        [str(task_id), "completed", "https://example.invalid/data",
         "<body of https://example.invalid/data>"]]


def test_failures_and_timeouts_reach_the_callback(host: Host) -> None:
    fetcher = host.root.create(Fetcher, "fetcher")
    fetcher.par.Url = "https://fail.invalid/"
    fetcher.par.Fetch.pulse()
    fetcher.par.Url = "https://slow.invalid/"
    fetcher.par.Delay = 5.0
    fetcher.par.Timeout = 0.5
    fetcher.par.Fetch.pulse()
    host.step(40)
    assert sorted(r[1:3] for r in rows(fetcher.results)) == [
        ["failed", "https://fail.invalid/"], ["timeout", "https://slow.invalid/"]]
    failed = next(r for r in rows(fetcher.results) if r[1] == "failed")
    # The callback writes task.error, the exception (as in LOPs): its str() is the message.
    assert failed[3] == "cannot reach https://fail.invalid/"


def test_found_from_a_nested_operator(host: Host) -> None:
    outer = host.root.create(BaseCOMP, "project")
    inner = outer.create(BaseCOMP, "tools")
    fetcher = inner.create(Fetcher, "fetcher")
    assert fetcher.path == "/project/tools/fetcher"
    assert fetcher.asyncio_comp is host.op("/ChatTD/TDAsyncIO")
    fetcher.par.Fetch.pulse()
    host.step(20)
    assert [r[1] for r in rows(fetcher.results)] == ["completed"]


def test_run_async_task_returns_what_run_returns(host: Host) -> None:
    fetcher = host.root.create(Fetcher, "fetcher")

    async def n(i: int) -> int:
        return i

    one = fetcher.run_async_task(n(1))
    several = fetcher.run_async_task([n(2), n(3)])
    assert isinstance(one, int)
    assert isinstance(several, list) and len(several) == 2
    host.step(2)
    assert [host.tasks.GetTaskResult(i) for i in [one, *several]] == [1, 2, 3]


def test_bad_input_through_the_mixin_is_rejected(host: Host) -> None:
    fetcher = host.root.create(Fetcher, "fetcher")

    async def n() -> None:
        return None

    coro = n()
    with pytest.raises(ValueError, match=r"timeout in seconds .* got -2"):
        fetcher.run_async_task(coro, timeout=-2)
    assert host.tasks.task_count() == 0
    with pytest.raises(TypeError, match=r"call it: Run\(n\(\)\)"):
        fetcher.run_async_task(n)  # type: ignore[arg-type]


def test_mixin_outside_an_operator_says_how_to_use_it() -> None:
    class NotAnOp(DotLOPUtils):
        pass

    with pytest.raises(TypeError, match=r"must be mixed into an operator class"):
        NotAnOp().asyncio_comp  # noqa: B018


def test_mixin_on_a_bare_core_host_reports_missing_component() -> None:
    from host import HostCore

    core = HostCore(fps=60, realtime=False)
    try:
        fetcher = core.root.create(Fetcher, "fetcher")

        async def n() -> None:
            return None

        coro: Any = n()
        with pytest.raises(LookupError, match=r"found no TDAsyncIO at '/ChatTD/TDAsyncIO'"):
            fetcher.run_async_task(coro)
        assert coro.cr_frame is None  # closed: no "never awaited" warning
    finally:
        core.close()
