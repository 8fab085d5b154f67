"""A catalogue of bad input: every entry point says what it got and what it expected.

Each case is one wrong call a user might make. The test pins the error's type and
text (`match=`), then checks that the whole host — every operator's parameters and
tables, the task registry, the frame counter, the error counter — is exactly as it
was, and that any coroutine handed over was closed rather than left un-awaited.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import re
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from reliability_probes import host_state

from asyncio_comp import report_progress
from host import (
    BaseCOMP,
    FloatPar,
    Host,
    IntPar,
    MenuPar,
    PulsePar,
    StrPar,
    TableDAT,
    ThreadViolation,
    TogglePar,
)
from operators import DotLOPUtils
from td.core import HostCore


async def sleeper() -> None:
    await asyncio.sleep(3600)


async def coroutine_function() -> None:
    """Passed without calling it: the commonest slip."""


class Knob(DotLOPUtils, BaseCOMP):
    parameters = (
        FloatPar("Gain", 1.0, min=0.0, max=10.0),
        IntPar("Count", 3, min=0),
        TogglePar("Enabled", True),
        MenuPar("Mode", ["fast", "slow"]),
        StrPar("Label", "knob"),
        PulsePar("Go"),
    )


@dataclass
class World:
    host: Host
    knob: Knob
    table: TableDAT
    given: list[Coroutine[Any, Any, Any]] = field(default_factory=list)

    def coro(self) -> Coroutine[Any, Any, None]:
        """A fresh coroutine whose fate the test checks afterwards."""
        c = sleeper()
        self.given.append(c)
        return c


@pytest.fixture
def world(host: Host) -> Iterator[World]:
    knob = host.root.create(Knob, "knob")
    table = knob.create(TableDAT, "data")
    table.appendRow(["name", "value"])
    table.appendRow(["a", 1])
    table.appendRow(["b", 2])
    # A task already running, so "nothing changed" covers a live registry too.
    host.tasks.Run(sleeper(), description="bystander")
    host.step()
    yield World(host, knob, table)


Action = Callable[[World], object]


def _off_thread(w: World) -> None:
    coro = w.coro()
    caught: list[BaseException] = []

    def touch() -> None:
        try:
            w.host.tasks.Run(coro)
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=touch, name="intruder")
    thread.start()
    thread.join(5)
    # Refused before anything was touched: the coroutine is still the caller's to
    # run or close.
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CREATED
    coro.close()
    raise caught[0]


def _run_async_task_without_tdasyncio(w: World) -> None:
    bare = HostCore(fps=60, realtime=False)
    try:
        loner = bare.root.create(Knob, "loner")
        loner.run_async_task(w.coro())
    finally:
        bare.close()


def _set(attr: str, value: object) -> Action:
    return lambda w: setattr(w.knob.par, attr, value)


def _tdasyncio_set(attr: str, value: object) -> Action:
    return lambda w: setattr(w.host.asyncio_comp.par, attr, value)


#: (id, action, exception type, regex the message must match)
CASES: list[tuple[str, Action, type[BaseException], str]] = [
    # -- Run ----------------------------------------------------------------------
    ("run-uncalled-coroutine-function", lambda w: w.host.tasks.Run(coroutine_function),
     TypeError, r"expected a coroutine or a list of coroutines, got <function "
                r"coroutine_function.*call it: Run\(coroutine_function\(\)\)"),
    ("run-int", lambda w: w.host.tasks.Run(42),
     TypeError, r"expected a coroutine or a list of coroutines, got 42$"),
    ("run-none", lambda w: w.host.tasks.Run(None),  # type: ignore[arg-type]
     TypeError, r"expected a coroutine or a list of coroutines, got None"),
    ("run-empty-list", lambda w: w.host.tasks.Run([]),
     ValueError, r"expected at least one coroutine, got an empty list"),
    ("run-list-with-non-coroutine", lambda w: w.host.tasks.Run([w.coro(), w.coro(), 5]),
     TypeError, r"expected a list of coroutines, but item 2 is 5"),
    ("run-same-coroutine-twice", lambda w: w.host.tasks.Run([c := w.coro(), c]),
     ValueError, r"given the same coroutine object twice"),
    ("run-future", lambda w: w.host.tasks.Run(w.host.loop.create_future()),
     TypeError, r"got <Future pending( created at [^>]*)?>; Run takes coroutines"),  # (debug mode)
    ("run-negative-timeout", lambda w: w.host.tasks.Run(w.coro(), timeout=-1),
     ValueError, r"expected timeout in seconds \(a number >= 0\) or None, got -1"),
    ("run-nan-timeout", lambda w: w.host.tasks.Run(w.coro(), timeout=float("nan")),
     ValueError, r"expected timeout .* got nan"),
    ("run-string-timeout", lambda w: w.host.tasks.Run(w.coro(), timeout="5"),
     TypeError, r"expected timeout in seconds .* got '5'"),
    ("run-bool-timeout", lambda w: w.host.tasks.Run(w.coro(), timeout=True),
     TypeError, r"expected timeout in seconds .* got True"),
    ("run-callback-not-callable",
     lambda w: w.host.tasks.Run(w.coro(), completion_callback="done"),
     TypeError, r"expected completion_callback to be a callable .* got 'done'"),
    ("run-string-zero-timeout", lambda w: w.host.tasks.Run(w.coro(), timeout="0"),
     TypeError, r"expected timeout in seconds \(a number >= 0\) or None, got '0'"),
    ("run-from-another-thread", _off_thread,
     ThreadViolation, r"was touched from thread 'intruder'.*host's thread 'MainThread'"),
    # -- run_async_task (DotLOPUtils) ------------------------------------------------
    ("run_async_task-bad-list", lambda w: w.knob.run_async_task([w.coro(), "x"]),
     TypeError, r"expected a list of coroutines, but item 1 is 'x'"),
    ("run_async_task-bad-timeout", lambda w: w.knob.run_async_task(w.coro(), timeout=-0.5),
     ValueError, r"got -0\.5"),
    ("run_async_task-without-tdasyncio", _run_async_task_without_tdasyncio,
     LookupError, r"/loner found no TDAsyncIO at '/ChatTD/TDAsyncIO' \(found None\)"),
    # -- parameters -----------------------------------------------------------------
    ("par-float-given-string", _set("Gain", "2"),
     TypeError, r"/knob par\.Gain expected a number, got '2'"),
    ("par-float-above-max", _set("Gain", 11),
     ValueError, r"/knob par\.Gain expected a number <= 10\.0, got 11"),
    ("par-float-nan", _set("Gain", float("nan")),
     ValueError, r"par\.Gain expected a finite number, got nan"),
    ("par-int-given-float", _set("Count", 2.5),
     TypeError, r"par\.Count expected an integer, got 2\.5"),
    ("par-int-below-min", _set("Count", -1),
     ValueError, r"par\.Count expected an integer >= 0, got -1"),
    ("par-toggle-given-2", _set("Enabled", 2),
     TypeError, r"par\.Enabled expected True/False \(or 1/0\), got 2"),
    ("par-menu-unknown-item", _set("Mode", "medium"),
     ValueError, r"par\.Mode expected one of \['fast', 'slow'\], got 'medium'"),
    ("par-str-given-none", _set("Label", None),
     TypeError, r"par\.Label expected a string, got None"),
    ("par-unknown-name", _set("Gian", 1.0),
     AttributeError, r"/knob has no parameter 'Gian'; its parameters are: Gain, Count"),
    ("par-clearafter-negative", _tdasyncio_set("Clearafter", -5),
     ValueError, r"/ChatTD/TDAsyncIO par\.Clearafter expected a number >= 0\.0, got -5"),
    ("par-framebudget-zero", _tdasyncio_set("Framebudget", 0),
     ValueError, r"par\.Framebudget expected a number >= 0\.05, got 0"),
    # -- pulses ------------------------------------------------------------------------
    ("pulse-a-value-parameter", lambda w: w.knob.par.Gain.pulse(),
     TypeError, r"/knob par\.Gain is a float parameter, not a pulse"),
    ("assign-a-pulse", _tdasyncio_set("Cancelactive", 1),
     TypeError, r"par\.Cancelactive is a pulse and holds no value; fire it with \.pulse\(\)"),
    # -- op() paths and creating operators ---------------------------------------------
    ("op-path-not-string", lambda w: w.host.op(5.0),  # type: ignore[arg-type]
     TypeError, r"op\(\) expected a path string like .* or an operator id, got 5.0"),
    ("op-empty-path", lambda w: w.knob.op(""),
     ValueError, r"op\(\) expected a path .* got an empty string"),
    ("create-not-an-operator-class", lambda w: w.knob.create(dict, "x"),  # type: ignore[type-var]
     TypeError, r"create\(\) expected an operator class .* got <class 'dict'>"),
    ("create-bad-name", lambda w: w.knob.create(BaseCOMP, "2fast"),
     ValueError, r"create\(\) expected a name of letters.* got '2fast'"),
    ("create-taken-name", lambda w: w.knob.create(BaseCOMP, "data"),
     ValueError, r"/knob already has a child named 'data'"),
    ("parent-zero-levels", lambda w: w.knob.parent(0),
     ValueError, r"parent\(\) expected a whole number of levels >= 1, got 0"),
    # -- TableDAT --------------------------------------------------------------------
    # Reading a missing cell gives None, as in TD; writing one raises.
    ("table-row-out-of-range", lambda w: w.table.__setitem__((9, 0), "x"),
     IndexError, r"/knob/data has 3 rows \(0\.\.2\); row 9 is out of range"),
    ("table-unknown-column-name", lambda w: w.table.__setitem__((1, "colour"), "x"),
     KeyError, r"/knob/data has no column named 'colour'; its header is: name, value"),
    ("table-column-out-of-range", lambda w: w.table.__setitem__((1, 5), "x"),
     IndexError, r"/knob/data has 2 columns; column 5 is out of range"),
    ("table-row-given-float", lambda w: w.table[1.0, 0],  # type: ignore[index]
     TypeError, r"/knob/data expected a row index \(int\) or label \(str\), got 1\.0"),
    ("table-single-index", lambda w: w.table[1],  # type: ignore[index]
     TypeError, r"/knob/data\[\.\.\.\] expected \[row, col\], got 1"),
    ("table-set-out-of-range", lambda w: w.table.__setitem__((3, 0), "x"),
     IndexError, r"row 3 is out of range"),
    ("table-append-a-string", lambda w: w.table.appendRow("abc"),
     TypeError, r"appendRow\(\) expected a list of cell values, got 'abc'"),
    ("table-insert-past-end", lambda w: w.table.insertRow(["c", 3], 7),
     IndexError, r"insertRow\(\) expected an index from 0 to 3, got 7"),
    ("table-delete-missing-row", lambda w: w.table.deleteRow(-4),
     IndexError, r"row -4 is out of range"),
    # -- driving the host --------------------------------------------------------------
    ("step-negative", lambda w: w.host.step(-1),
     ValueError, r"step\(\) expected a whole number of frames >= 0, got -1"),
    ("step-float", lambda w: w.host.step(1.5),  # type: ignore[arg-type]
     ValueError, r"got 1\.5"),
    ("run-seconds-infinite", lambda w: w.host.run(seconds=float("inf")),
     ValueError, r"run\(\) expected seconds as a finite number >= 0, got inf"),
    ("run-until-not-callable", lambda w: w.host.run(frames=3, until=True),  # type: ignore[arg-type]
     TypeError, r"run\(\) expected until to be a callable returning a bool, got True"),
    ("on-frame-start-not-callable", lambda w: w.host.on_frame_start("draw"),  # type: ignore[arg-type]
     TypeError, r"on_frame_start\(\) expected a callable taking the host, got 'draw'"),
    ("step-inside-a-frame", lambda w: _step_inside_frame(w),
     RuntimeError, r"step\(\) called from inside a frame; frames cannot nest"),
    ("blocking-threshold-zero", lambda w: setattr(w.host.tasks, "blocking_threshold", 0),
     ValueError, r"blocking_threshold expected seconds > 0, got 0"),
    ("report-progress-outside-a-task", lambda w: report_progress(0.5),
     RuntimeError, r"report_progress\(\) must be called from a task started with Run\(\)"),
    ("report-progress-above-one", lambda w: report_progress(1.5),
     ValueError, r"report_progress\(\) expected a fraction from 0 to 1, got 1\.5"),
    ("host-fps-zero", lambda w: Host(fps=0, realtime=False),
     ValueError, r"fps expected a positive finite number, got 0"),
    ("host-fps-string", lambda w: Host(fps="60", realtime=False),  # type: ignore[arg-type]
     TypeError, r"fps expected a positive number of frames per second, got '60'"),
]


def _step_inside_frame(w: World) -> None:
    caught: list[BaseException] = []

    def nested(host: HostCore) -> None:
        try:
            host.step()
        except RuntimeError as exc:
            caught.append(exc)

    # Remove the callback again before the state is compared.
    w.host.on_frame_end(nested)
    try:
        w.host.step()
    finally:
        w.host.remove_callback(nested)
    raise caught[0]


def test_catalogue_has_at_least_25_kinds() -> None:
    assert len(CASES) >= 25
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(("action", "exc_type", "pattern"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_bad_input_is_named_and_changes_nothing(
        world: World, action: Action, exc_type: type[BaseException], pattern: str) -> None:
    before = host_state(world.host)
    frame = world.host.frame
    with pytest.raises(exc_type, match=pattern):
        action(world)
    after = host_state(world.host)
    if world.host.frame != frame:  # the nested-step case runs one real frame around it
        assert world.host.frame == frame + 1
        before = (world.host.frame, *before[1:])
    assert after == before
    for coro in world.given:
        assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED, coro
    world.given.clear()
    gc.collect()  # an un-awaited coroutine would warn here (an error in this suite)
    # The host still works after the rejection.
    world.host.step()


def test_stepping_a_closed_host_says_so() -> None:
    host = Host(fps=60, realtime=False)
    host.close()
    with pytest.raises(RuntimeError, match=r"step\(\) called on a closed host; create a new"):
        host.step()
    coro = sleeper()
    with pytest.raises(RuntimeError, match=r"Run\(\) called after the host closed"):
        host.tasks.Run(coro)
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED


# -- SerialWorker.submit --------------------------------------------------------------
def test_worker_submit_rejects_what_it_cannot_run(host: Host) -> None:
    worker_comp = pytest.importorskip("asyncio_comp.worker.comp")
    comp = worker_comp.create_worker(host, "Worker")
    worker = comp.worker
    with pytest.raises(TypeError, match=r"submit\(\) expected a callable followed by its "
                                        r"arguments, got 42"):
        worker.submit(42)
    with pytest.raises(TypeError, match=r"got the coroutine function 'sleeper'; run it with "
                                        r"TDAsyncIO's Run\(\)"):
        worker.submit(sleeper)
    with pytest.raises(TypeError, match=r"expected description to be a string or None, got 3"):
        worker.submit(print, description=3)
    assert worker.get_task_pending_count() == 0
    assert worker.get_completed_task_history() == []
    assert worker.get_current_task() is None
    with pytest.raises(ValueError, match=r"create_worker\(\) history_size expected an "
                                         r"integer >= 0, got -1"):
        worker_comp.create_worker(host, "Other", history_size=-1)
    assert host.op("/ChatTD/Other") is None


# -- scene files -------------------------------------------------------------------
SCENES: list[tuple[str, str, str]] = [
    ("syntax-error", "def build(host)\n    pass\n",
     r"has a syntax error at line 1: expected ':'"),
    ("no-build", "x = 1\n", r"defines no build\(host\) function"),
    ("async-build", "async def build(host):\n    pass\n",
     r"build is an async function, expected a plain function"),
    ("raises-on-import", "import json\nraise ImportError('no module named frobnicate')\n",
     r"raised ImportError: no module named frobnicate while loading at line 2"),
    ("build-raises", "def build(host):\n    host.root.create(1, 'x')\n",
     r"build\(host\) raised TypeError: create\(\) expected an operator class .* at line 2"),
    ("build-wrong-signature", "def build():\n    pass\n",
     r"build\(\) cannot be called with the host"),
]


@pytest.mark.parametrize(("name", "source", "pattern"), SCENES, ids=[s[0] for s in SCENES])
def test_bad_scene_file_is_named(tmp_path: Path, host: Host, name: str, source: str,
                                 pattern: str) -> None:
    loader = pytest.importorskip("host.scene_loader")
    path = tmp_path / f"bad_{name.replace('-', '_')}.py"
    path.write_text(source)
    before = host_state(host)
    with pytest.raises(loader.SceneError, match=re.escape(str(path)) + ".*" + pattern):
        scene = loader.load_scene(str(path))
        loader.build_scene(scene, host)
    assert host_state(host) == before


def test_missing_scene_names_what_exists(tmp_path: Path) -> None:
    loader = pytest.importorskip("host.scene_loader")
    with pytest.raises(loader.SceneError, match=r"'nosuchscene' is neither a bundled scene "
                                                r"nor a file; bundled scenes: .*chat"):
        loader.load_scene("nosuchscene")
    with pytest.raises(loader.SceneError, match=r"scene file '.*missing\.py' does not exist"):
        loader.load_scene(str(tmp_path / "missing.py"))
    with pytest.raises(loader.SceneError, match=r"is a directory; expected a \.py file"):
        loader.load_scene(str(tmp_path) + "/")


# -- CLI flags -----------------------------------------------------------------------
CLI: list[tuple[list[str], str]] = [
    (["run", "chat", "--frames", "0"], r"--frames: expected a whole number of frames >= 1, "
                                       r"got '0'"),
    (["run", "chat", "--frames", "ten"], r"got 'ten'"),
    (["run", "chat", "--fps", "-5"], r"--fps: expected a positive number of frames per "
                                     r"second, got '-5'"),
    (["run", "chat", "--seconds", "nan"], r"expected a positive number of seconds, got 'nan'"),
    (["run", "chat", "--terminal", "--headless"], r"not allowed with argument"),
    (["run", "chat", "--arg", "=3"], r"expected KEY=VALUE with KEY a Python name, got '=3'"),
    (["run", "chat", "--headless", "--screenshot", "x.png"],
     r"--screenshot needs the window view; it cannot be used with --headless"),
    (["run", "chat", "--window", "--screenshot", "x.jpg"],
     r"--screenshot expected a \.png file, got 'x\.jpg'"),
    (["run", "no_such_scene_here", "--headless", "--frames", "1"],
     r"'no_such_scene_here' is neither a bundled scene nor a file"),
    (["fly"], r"invalid choice: 'fly'"),
]


@pytest.mark.parametrize(("argv", "pattern"), CLI, ids=[" ".join(a) for a, _ in CLI])
def test_bad_cli_flags_exit_2_with_a_message(argv: list[str], pattern: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    cli = pytest.importorskip("host.cli")
    threads = set(threading.enumerate())
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert re.search(pattern, " ".join(err.split())), err
    assert "Traceback" not in err
    assert set(threading.enumerate()) <= threads  # nothing started and left running


# -- names and numbers at the edges ----------------------------------------------------

def test_run_with_a_huge_delay_names_run_and_the_value() -> None:
    from td.environment import run

    with Host(fps=60, realtime=False):
        with pytest.raises(ValueError, match=r"run\(\) expected delayMilliSeconds as a "
                                             r"finite number >= 0, got 1000000"):
            run(print, delayMilliSeconds=10**400)


@pytest.mark.parametrize("name", ["Gain\n", "Gain\r", "Ga\nin"])
def test_a_parameter_name_with_a_newline_is_refused(name: str) -> None:
    with Host(fps=60, realtime=False) as host:
        comp = host.root.create(BaseCOMP, "c")
        page = comp.appendCustomPage("Config")
        page.appendFloat("Gain")
        with pytest.raises(ValueError, match=r"parameter name expected a capital letter"):
            page.appendFloat(name)
        with pytest.raises(ValueError, match=r"parameter name expected a capital letter"):
            FloatPar(name)
        assert [p.name for p in comp.par if p.isCustom] == ["Gain"]


def test_an_operator_name_with_a_trailing_newline_is_refused() -> None:
    with Host(fps=60, realtime=False) as host:
        with pytest.raises(ValueError, match="name"):
            host.root.create(TableDAT, "t\n")
        assert host.root.op("t\n") is None and host.root.op("t") is None


@pytest.mark.parametrize("spec", [FloatPar, IntPar])
def test_min_above_max_is_blamed_on_the_bounds(spec: type[FloatPar] | type[IntPar]) -> None:
    with pytest.raises(ValueError, match=r"Speed expected min <= max, got min=5 and max=1"):
        spec("Speed", min=5, max=1)


@pytest.mark.parametrize("name", ["1bad", "t\n", "", "a b"])
def test_copy_with_a_bad_name_names_copy_and_leaves_nothing(name: str) -> None:
    # The error names copy(), the call the user made, not the create() inside it.
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
