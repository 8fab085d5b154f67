"""Awaiting TD events: par.changed(), par.pulsed(), dat.changed(), host.frames(n),
each resolving on a known frame in virtual time, and each cancellable."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from host import BaseCOMP, Host, TableDAT
from td.params import FloatPar, PulsePar


class Knob(BaseCOMP):
    parameters = (FloatPar("Gain", 1.0), PulsePar("Go"))


def test_frames_resolves_at_the_start_of_the_frame_n_frames_from_now(host: Host) -> None:
    host.step(3)
    seen: list[tuple[int, int]] = []

    async def wait() -> None:
        asked = host.frame
        got = await host.frames(5)
        seen.append((asked, got))
        seen.append((host.frame, host.frame))

    host.tasks.Run(wait())
    host.step(1)  # frame 4: the task starts and asks
    host.step(4)  # frames 5..8
    assert seen == []
    host.step(1)  # frame 9 = 4 + 5
    assert seen == [(4, 9), (9, 9)]


def test_frames_refuses_a_count_below_one(host: Host) -> None:
    async def wait() -> str:
        try:
            await host.frames(0)
        except ValueError as exc:
            return str(exc)
        return "no error"

    task_id = host.tasks.Run(wait())
    host.step(2)
    assert host.tasks.GetTaskResult(task_id) == (
        "frames() expected a whole number of frames >= 1, got 0")


def test_par_changed_resolves_with_the_new_value_on_the_next_frame(host: Host) -> None:
    knob = host.root.create(Knob, "knob")
    got: list[tuple[Any, int]] = []

    async def watch() -> None:
        value = await knob.par.Gain.changed()
        got.append((value, host.frame))

    host.tasks.Run(watch())
    host.step(2)  # waiting since frame 1
    knob.par.Gain = 1.0  # no change: nothing
    host.step(1)
    assert got == []
    knob.par.Gain = 4.5  # between frames 3 and 4
    host.step(1)
    assert got == [(4.5, 4)]


def test_par_pulsed_resolves_on_the_frame_after_the_pulse(host: Host) -> None:
    knob = host.root.create(Knob, "knob")
    frames: list[int] = []

    async def watch() -> None:
        await knob.par.Go.pulsed()
        frames.append(host.frame)

    host.tasks.Run(watch())
    host.step(3)
    knob.par.Go.pulse()
    host.step(1)
    assert frames == [4]
    with pytest.raises(TypeError, match=r"is a pulse and holds no value; await par\.pulsed"):
        asyncio.run(knob.par.Go.changed())


def test_dat_changed_resolves_at_the_start_of_the_frame_after_the_change(
        host: Host) -> None:
    table = host.root.create(TableDAT, "data")
    frames: list[int] = []

    async def watch() -> None:
        dat = await table.changed()
        frames.append(host.frame)
        assert dat is table

    host.tasks.Run(watch())
    host.step(2)
    host.step(3)
    assert frames == []
    table.appendRow(["a", "b"])  # between frames 5 and 6
    table.appendRow(["c", "d"])  # the same frame: one resolution
    host.step(1)
    assert frames == [6]


def test_each_await_is_cancellable_and_forgotten(host: Host) -> None:
    knob = host.root.create(Knob, "knob")
    table = host.root.create(TableDAT, "data")
    awaits = [lambda: knob.par.Gain.changed(), lambda: knob.par.Go.pulsed(),
              lambda: table.changed(), lambda: host.frames(10)]
    ids = [host.tasks.Run(make()) for make in awaits]
    host.step(2)
    for task_id in ids:
        assert host.tasks.CancelTask(task_id)
    host.step(1)
    assert [host.tasks.GetTaskInfo(i)["status"].value for i in ids] == ["cancelled"] * 4
    knob.par.Gain = 3.0
    knob.par.Go.pulse()
    table.appendRow(["x"])
    host.step(12)  # the cancelled futures are skipped: nothing raises, nothing resumes
    assert [host.tasks.GetTaskInfo(i)["status"].value for i in ids] == ["cancelled"] * 4
    assert host.stats.callback_errors == 0
