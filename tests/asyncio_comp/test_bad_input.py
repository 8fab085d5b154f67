"""Bad input to Run and to parameters: a clear error, nothing changed, nothing leaked.

Every case checks the message with ``match=``, that no task was registered (or the
parameter kept its value), and that every coroutine handed over was closed, so no
"coroutine ... was never awaited" warning can appear.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import re
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from unawaited_checks import no_unawaited_warning

from host import Host


async def work() -> int:
    await asyncio.sleep(0)
    return 1


def closed(coro: Coroutine[Any, Any, Any]) -> bool:
    return inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED


def _given_run(make: Callable[..., dict[str, Any]],
               ) -> tuple[dict[str, Any], list[Coroutine[Any, Any, Any]]]:
    """Build Run's kwargs, keeping every coroutine made so the test can check it closed."""
    made: list[Coroutine[Any, Any, Any]] = []

    def coro() -> Coroutine[Any, Any, Any]:
        c = work()
        made.append(c)
        return c

    return make(coro), made


# (id, kwargs factory taking a coroutine maker, exception, message pattern)
RUN_CASES: list[tuple[str, Callable[..., dict[str, Any]], type[Exception], str]] = [
    ("int", lambda c: {"coroutines": 42}, TypeError,
     r"expected a coroutine or a list of coroutines, got 42"),
    ("none", lambda c: {"coroutines": None}, TypeError,
     r"expected a coroutine or a list of coroutines, got None"),
    ("coroutine function not called", lambda c: {"coroutines": work}, TypeError,
     r"got <function work.*call it: Run\(work\(\)\)"),
    ("string", lambda c: {"coroutines": "work()"}, TypeError,
     r"got 'work\(\)'"),
    ("empty list", lambda c: {"coroutines": []}, ValueError,
     r"expected at least one coroutine, got an empty list"),
    ("list with a non-coroutine", lambda c: {"coroutines": [c(), c(), 3]}, TypeError,
     r"item 2 is 3"),
    ("list with a function", lambda c: {"coroutines": [c(), work]}, TypeError,
     r"item 1 is <function work.*call it"),
    ("same coroutine twice", lambda c: (lambda x: {"coroutines": [x, x]})(c()), ValueError,
     r"same coroutine object twice"),
    ("negative timeout", lambda c: {"coroutines": c(), "timeout": -1}, ValueError,
     r"timeout in seconds \(a number >= 0\) or None, got -1"),
    ("nan timeout", lambda c: {"coroutines": c(), "timeout": math.nan}, ValueError,
     r"got nan"),
    ("string timeout", lambda c: {"coroutines": c(), "timeout": "5"}, TypeError,
     r"timeout in seconds .* got '5'"),
    ("bool timeout", lambda c: {"coroutines": c(), "timeout": True}, TypeError,
     r"timeout in seconds .* got True"),
    ("non-callable callback", lambda c: {"coroutines": c(), "completion_callback": "cb"},
     TypeError, r"completion_callback to be a callable .* got 'cb'"),
    ("non-callable callback in list",
     lambda c: {"coroutines": [c(), c()], "completion_callback": 5},
     TypeError, r"completion_callback .* got 5"),
]


@pytest.mark.parametrize(("kwargs_of", "exc", "pattern"),
                         [pytest.param(k, e, p, id=i) for i, k, e, p in RUN_CASES])
def test_run_rejects(host: Host, kwargs_of: Callable[..., dict[str, Any]],
                     exc: type[Exception], pattern: str) -> None:
    with no_unawaited_warning():
        kwargs, made = _given_run(kwargs_of)
        version = host.tasks.version
        with pytest.raises(exc, match=pattern) as raised:
            host.tasks.Run(**kwargs)
        assert "Run()" in str(raised.value)
        assert host.tasks.task_count() == 0
        assert host.tasks.GetAllTasksInfo() == []
        assert host.tasks.version == version
        assert host.asyncio_comp.task_table.numRows == 1
        assert all(closed(c) for c in made)
        del kwargs, made
        host.step(2)
        assert host.tasks.task_count() == 0


def test_run_rejects_a_future_with_a_hint(host: Host) -> None:
    future = host.loop.create_future()
    with pytest.raises(TypeError, match=r"Run takes coroutines, await futures inside one"):
        host.tasks.Run(future)
    assert host.tasks.task_count() == 0


def test_good_run_after_bad_ones_still_works(host: Host) -> None:
    with pytest.raises(ValueError):
        host.tasks.Run([])
    task_id = host.tasks.Run(work())
    host.step(2)
    assert task_id == 1
    assert host.tasks.GetTaskResult(task_id) == 1


def test_run_after_close_raises_and_closes_the_coroutine() -> None:
    host = Host(fps=60, realtime=False)
    manager = host.tasks
    host.close()
    with no_unawaited_warning():
        coro = work()
        with pytest.raises(RuntimeError, match=r"Run\(\) called after the host closed"):
            manager.Run(coro)
        assert closed(coro)
        del coro


# -- parameters -----------------------------------------------------------------

PAR_CASES: list[tuple[str, str, object, type[Exception], str]] = [
    ("float from string", "Clearafter", "abc", TypeError,
     r"/ChatTD/TDAsyncIO par\.Clearafter expected a number, got 'abc'"),
    ("float from None", "Clearafter", None, TypeError,
     r"par\.Clearafter expected a number, got None"),
    ("float NaN", "Clearafter", math.nan, ValueError,
     r"par\.Clearafter expected a finite number, got nan"),
    ("float infinity", "Clearafter", math.inf, ValueError,
     r"par\.Clearafter expected a finite number, got inf"),
    ("float from bool", "Clearafter", True, TypeError,
     r"par\.Clearafter expected a number, got True"),
    ("float below minimum", "Clearafter", -1.0, ValueError,
     r"par\.Clearafter expected a number >= 0.0, got -1.0"),
    ("budget above maximum", "Framebudget", 5000, ValueError,
     r"par\.Framebudget expected a number <= 1000.0, got 5000"),
    ("budget zero", "Framebudget", 0, ValueError,
     r"par\.Framebudget expected a number >= 0.05, got 0"),
    ("toggle from 2", "Active", 2, TypeError,
     r"par\.Active expected True/False \(or 1/0\), got 2"),
    ("toggle from string", "Updatetable", "yes", TypeError,
     r"par\.Updatetable expected True/False \(or 1/0\), got 'yes'"),
    ("assign to a pulse", "Clearall", 1, TypeError,
     r"par\.Clearall is a pulse and holds no value; fire it with \.pulse\(\)"),
]


@pytest.mark.parametrize(("name", "value", "exc", "pattern"),
                         [pytest.param(n, v, e, p, id=i) for i, n, v, e, p in PAR_CASES])
def test_parameter_rejects_and_keeps_value(host: Host, name: str, value: object,
                                           exc: type[Exception], pattern: str) -> None:
    comp = host.asyncio_comp
    par = getattr(comp.par, name)
    before = None if par.isPulse else par.eval()
    with pytest.raises(exc, match=pattern):
        setattr(comp.par, name, value)
    if not par.isPulse:
        assert par.eval() == before
    with pytest.raises(exc, match=pattern):
        par.val = value
    if not par.isPulse:
        assert par.eval() == before


def test_unknown_parameter_names_the_known_ones(host: Host) -> None:
    comp = host.asyncio_comp
    with pytest.raises(AttributeError, match=r"/ChatTD/TDAsyncIO has no parameter 'Clearafterr'"
                                             r"; its parameters are: Clearafter, "):
        comp.par.Clearafterr = 1.0
    with pytest.raises(AttributeError, match=r"no parameter 'clearafter'"):
        comp.par.clearafter.eval()
    assert comp.par.Clearafter.eval() == 60.0


def test_pulse_on_a_value_parameter(host: Host) -> None:
    with pytest.raises(TypeError, match=re.escape(
            "/ChatTD/TDAsyncIO par.Clearafter is a float parameter, not a pulse")):
        host.asyncio_comp.par.Clearafter.pulse()


def test_rejected_parameter_fires_no_value_change(host: Host) -> None:
    table_rows = host.asyncio_comp.task_table.numRows
    host.tasks.Run(work())
    with pytest.raises(TypeError):
        host.asyncio_comp.par.Updatetable = "off"
    host.step()
    # Updatetable stayed on: the table still follows the tasks.
    assert host.asyncio_comp.task_table.numRows == table_rows + 1

