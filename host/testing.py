"""pytest plugin for operator authors: hosts in exact virtual time, and waits that end.

Registered through the ``pytest11`` entry point, so any project that installs
framehost gets these with no conftest:

Fixtures:
    ``host``: a non-realtime `Host` at 60 fps, closed after the test. Each frame
        advances host time by exactly 1/60 s, so ``asyncio.sleep(0.5)`` inside a
        task completes after 30 frames and timeouts fire on an exact frame.
    ``realtime_host``: a realtime `Host` at 60 fps, for the rare test about pacing.
    ``framehost_profile``: the TDAsyncIO profile those hosts take: ``framehost``, or
        what ``pytest --framehost-profile=lops`` says (LOPs's behaviour, so a test
        fails here when its code would fail in TouchDesigner).

Marker: ``@pytest.mark.both_profiles`` runs a test once per profile (its ``host`` is
each in turn); `parametrize_profiles` does the same for every test of a folder, from
its conftest's ``pytest_generate_tests``.

    ``task_trace``: a `TaskTrace` recording the ``host`` fixture's task events.
    ``work_clock``: a `WorkClock` installed as the ``host`` fixture's wall clock, so
        a test says how long a step took (``work_clock.spend(0.050)``) and frame
        blame, late frames and the collector's timing see exactly that.

Helpers (import them from ``host.testing``):
    `run_until` runs frames until a condition holds, at most a given number.
    `wait_for_tasks` runs frames until the given tasks have ended.
    `assert_task_status` checks one task's status with a message that says why not.
    `trace_scene` runs a scene's first frames in virtual time and returns its trace.

Trace snapshots: a `TaskTrace` is every task event as a
``(frame, task_id, description, status)`` line. In virtual time the frame of every
event depends only on the program, so comparing the trace with a stored snapshot
(syrupy's ``snapshot`` fixture: ``assert trace.text() == snapshot``; create or
refresh it with ``pytest --snapshot-update``) catches any change in what an
operator does, when, in one assertion.

Work done by real threads, processes or sockets takes wall time, while virtual
frames take microseconds; wait for it with `run_until` and a generous frame bound,
never with ``time.sleep``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

from asyncio_comp.profile import PROFILES
from asyncio_comp.status import TaskStatus
from td.errors import describe_error

if TYPE_CHECKING:
    from host.assemble import Host

__all__ = [
    "FramesExhausted",
    "TaskTrace",
    "WorkClock",
    "assert_task_status",
    "framehost_profile",
    "host",
    "parametrize_profiles",
    "realtime_host",
    "run_until",
    "task_trace",
    "trace_scene",
    "wait_for_tasks",
    "work_clock",
]


class FramesExhausted(AssertionError):
    """A condition did not become true within the frames a test allowed."""


_MARKER = "both_profiles"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--framehost-profile", choices=PROFILES, default="framehost",
        help="the TDAsyncIO profile of the host fixtures: framehost (default) or lops, "
             "which behaves as the LOPs manager does in TouchDesigner")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{_MARKER}: run the test once per TDAsyncIO profile "
                   f"({', '.join(PROFILES)}); its host fixture takes each")


def parametrize_profiles(metafunc: pytest.Metafunc) -> None:
    """Run ``metafunc``'s test once per profile, if it uses a host fixture: for a
    conftest's ``pytest_generate_tests``, so every test of its folder runs under both.
    A test marked ``both_profiles`` already does."""
    if (metafunc.definition.get_closest_marker(_MARKER) is None
            and "framehost_profile" in metafunc.fixturenames):
        metafunc.parametrize("framehost_profile", PROFILES, indirect=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker(_MARKER) is not None:
        if "framehost_profile" not in metafunc.fixturenames:
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid} is marked {_MARKER} but uses no host "
                f"fixture (host, realtime_host or framehost_profile)")
        metafunc.parametrize("framehost_profile", PROFILES, indirect=True)


@pytest.fixture
def framehost_profile(request: pytest.FixtureRequest) -> str:
    """The profile of this test's hosts (see the module docstring)."""
    profile: str = getattr(request, "param", None) or request.config.getoption(
        "--framehost-profile")
    return profile


@pytest.fixture
def host(framehost_profile: str) -> Iterator[Host]:
    """A non-realtime `Host` at 60 fps, closed after the test."""
    from host.assemble import Host

    h = Host(fps=60.0, realtime=False, profile=framehost_profile)
    try:
        yield h
    finally:
        h.close()


@pytest.fixture
def realtime_host(framehost_profile: str) -> Iterator[Host]:
    """A realtime `Host` at 60 fps (frames paced to the wall clock), closed after the test."""
    from host.assemble import Host

    h = Host(fps=60.0, realtime=True, profile=framehost_profile)
    try:
        yield h
    finally:
        h.close()


class WorkClock:
    """A wall clock that stands still unless ``spend(seconds)`` moves it.

    The host times work (blame, late frames, the collector's budget) with its wall
    clock; a real one makes those figures depend on the machine's load. With this
    one a test states the cost of each step and the figures follow exactly.
    """

    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def spend(self, seconds: float) -> None:
        """Move the clock on by ``seconds``, as if the running code took that long."""
        if seconds < 0:
            raise ValueError(f"spend() takes a duration of 0 s or more, got {seconds!r}")
        self.now += seconds


@pytest.fixture
def work_clock(host: Host) -> WorkClock:
    """A `WorkClock` installed as the ``host`` fixture's wall clock."""
    clock = WorkClock()
    host.wall_clock = clock
    return clock


def run_until(host: Host, predicate: Callable[[], object], frames: int = 10_000,
              what: str | None = None) -> int:
    """Run frames until ``predicate()`` is true; the number of frames that took.

    The predicate is checked before the first frame too, so a condition that
    already holds costs no frame (and returns 0).

    Raises:
        FramesExhausted: when it is still false after ``frames`` frames; the
            message names the condition (``what`` or the predicate) and the host time.
    """
    if not callable(predicate):
        raise TypeError(f"run_until() expected a callable returning a bool, got {predicate!r}")
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 0:
        raise ValueError(f"run_until() expected frames as a whole number >= 0, got {frames!r}")
    if predicate():
        return 0
    ran = host.run(until=predicate, frames=frames)
    if not predicate():
        name = what or getattr(predicate, "__qualname__", None) or repr(predicate)
        raise FramesExhausted(
            f"{name} was still false after {ran} frames (host frame {host.frame}, "
            f"{host.seconds:.3f} s); allow more frames or check that the work can finish"
        )
    return ran


def wait_for_tasks(host: Host, task_ids: int | Iterable[int],
                   frames: int = 10_000) -> dict[int, TaskStatus]:
    """Run frames until every given task has ended; their final statuses by id.

    Raises:
        FramesExhausted: when some are still active after ``frames`` frames; the
            message lists them with their statuses.
        KeyError: for an id the host does not track (never submitted, or already
            removed by Clear After).
    """
    ids = [task_ids] if isinstance(task_ids, int) else list(task_ids)
    manager = host.tasks

    def status_of(task_id: int) -> TaskStatus:
        info = manager.GetTaskInfo(task_id)
        if info is None:
            raise KeyError(f"task {task_id!r} is not tracked by this host (never submitted, "
                           f"or removed after Clearafter={host.asyncio_comp.par.Clearafter.eval()}"
                           f" s); wait for it sooner or raise Clearafter")
        return TaskStatus(info["status"])  # a plain str in the lops profile

    def all_finished() -> bool:
        return all(status_of(i).is_finished for i in ids)

    try:
        run_until(host, all_finished, frames)
    except FramesExhausted:
        active = ", ".join(f"{i}: {status_of(i).value}" for i in ids
                           if not status_of(i).is_finished)
        raise FramesExhausted(f"tasks still active after {frames} frames: {active}") from None
    return {i: status_of(i) for i in ids}


def assert_task_status(host: Host, task_id: int, status: TaskStatus | str) -> None:
    """Assert that task ``task_id`` is in ``status`` (a `TaskStatus` or its value).

    Raises:
        AssertionError: naming the task, the status it has, and its error if any.
        ValueError: when ``status`` is not a task status.
    """
    try:
        expected = TaskStatus(status)
    except ValueError:
        names = ", ".join(s.value for s in TaskStatus)
        raise ValueError(f"assert_task_status() expected one of {names}, "
                         f"got {status!r}") from None
    info = host.tasks.GetTaskInfo(task_id)
    if info is None:
        raise AssertionError(f"task {task_id!r} is not tracked by this host; "
                             f"expected it to be {expected.value}")
    actual = TaskStatus(info["status"])  # a plain str in the lops profile
    if actual is not expected:
        error = f" (error: {describe_error(info['error'])})" if info["error"] else ""
        raise AssertionError(f"task {task_id} ({info['description']}) is {actual.value}, "
                             f"expected {expected.value}{error}")


class TaskTrace:
    """Records a host's task events as ``(frame, task_id, description, status)``.

    An event is a task being submitted (``pending``), started (``running``) or
    ending (its final status), stamped with the frame it happened in (0 for work
    submitted before the first frame, e.g. by a scene's ``build``). Recording
    starts at once and stops at `stop()` (or when the host closes).
    """

    def __init__(self, host: Host) -> None:
        self._host = host
        self.events: list[tuple[int, int, str, str]] = []
        self._recording = True
        host.tasks.add_task_change_listener(self._record)

    def _record(self, task_id: int, status: TaskStatus, description: str,
                parent_id: int | None, error: str | None) -> None:
        self.events.append((self._host.frame, task_id, description, status.value))

    def stop(self) -> None:
        """Stop recording (idempotent); the events so far stay."""
        if self._recording and not self._host.closed:
            self._host.tasks.remove_task_listener(self._record)
        self._recording = False

    def lines(self) -> list[str]:
        """One line per event: frame, task id, status, description."""
        return [f"{frame:>6} {task_id:>6} {status:<9} {description}"
                for frame, task_id, description, status in self.events]

    def text(self) -> str:
        """The lines joined, newline-ended: what a snapshot stores."""
        return "".join(line + "\n" for line in self.lines())

    def __len__(self) -> int:
        return len(self.events)


@pytest.fixture
def task_trace(host: Host) -> Iterator[TaskTrace]:
    """A `TaskTrace` of the ``host`` fixture, from the start of the test."""
    trace = TaskTrace(host)
    try:
        yield trace
    finally:
        trace.stop()


def trace_scene(name: str, frames: int = 300, args: Mapping[str, Any] | None = None,
                fps: float = 60.0) -> TaskTrace:
    """Build scene ``name`` (a bundled name or a path) in a fresh virtual-time host,
    run ``frames`` frames, close the host; the trace of those frames.

    Raises:
        ValueError: ``frames`` is not a whole number >= 0.
        host.scene_loader.SceneError: the scene cannot be loaded or built.
    """
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 0:
        raise ValueError(f"trace_scene() expected frames as a whole number >= 0, "
                         f"got {frames!r}")
    from host.assemble import Host
    from host.scene_loader import build_scene, load_scene

    scene = load_scene(name)
    with Host(fps=fps, realtime=False) as h:
        trace = TaskTrace(h)
        build_scene(scene, h, args)
        h.run(frames=frames)
        trace.stop()
    return trace
