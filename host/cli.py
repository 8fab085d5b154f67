"""The ``framehost`` command (also ``python -m host``): run a scene in a view, list scenes.

Exit status: 0 when the run ends (its frames ran, its time passed, or the window
was closed); 2 for a bad flag or a scene that cannot be loaded or built; 130 after
Ctrl-C and 143 after SIGTERM (see `host.interrupts`: one signal always ends
the run within a bounded time, a second one during shutdown is ignored); 1 when
the chosen view fails to open or the screenshot cannot be saved. Diagnostics go to
stderr, one line (or one paragraph) each, never a traceback.

The pyglet window is imported only when it is about to be used, so ``--terminal``
and ``--headless`` runs never load pyglet.
"""

from __future__ import annotations

import argparse
import ast
import math
import os
import signal
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.text import Text

from host.assemble import Host
from host.interrupts import Interrupts
from host.scene_loader import Scene, SceneError, build_scene, list_scenes, load_scene
from host.trace import TraceWriter
from host.views.display import display_available
from host.views.summary import (
    covered_seconds,
    render_summary,
    summary_line,
    worst_frame_lines,
)
from host.views.terminal import TerminalView
from host.views.worker_panel import worker_snapshots

__all__ = ["DEFAULT_BOUNDED_SECONDS", "build_parser", "entry", "main"]

#: Host seconds run by --headless, and by the terminal view when stdout is not a
#: terminal, when neither --frames nor --seconds is given.
DEFAULT_BOUNDED_SECONDS = 10.0

EXIT_OK = 0
EXIT_VIEW_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: The slowest frame rate accepted: a frame every ~17 minutes. Slower ones make
#: frame periods no clock can sleep (``--fps 1e-300`` is a period of 1e300 s).
MIN_FPS = 0.001


class _View(Protocol):
    def close(self) -> None: ...


class _Usage(Exception):
    """A flag combination argparse cannot check by itself; reported like its errors."""


def entry() -> None:
    """The process's entry point (``framehost``, ``python -m host``): runs `main` and
    exits with its status; a signal arriving as the process ends is ignored."""
    try:
        status = main(quiet_after=True)
    except KeyboardInterrupt:  # only if it slipped past the handlers: still one line
        print("framehost: interrupted", file=sys.stderr)
        status = EXIT_INTERRUPTED
    sys.exit(status)


def main(argv: Sequence[str] | None = None, *, quiet_after: bool = False) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    Args:
        quiet_after: leave SIGINT and SIGTERM ignored on return (the process is
            about to end) instead of restoring the previous handlers.
    """
    parser, run_parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage error or the help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    out = Console(highlight=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = 120
    err = Console(stderr=True, highlight=False)
    if args.command == "scenes":
        return _list_scenes(out)
    if args.command == "run":
        try:
            _check_run_flags(args)
        except _Usage as exc:
            run_parser.print_usage(sys.stderr)
            print(f"{run_parser.prog}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        with Interrupts(quiet_after=quiet_after) as interrupts:
            return _run(args, out, err, interrupts)
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def build_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The command's parser and its ``run`` subparser."""
    parser = argparse.ArgumentParser(
        prog="framehost",
        description="A TouchDesigner-like frame-driven host with a tracked asyncio runtime.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run a scene and watch its tasks",
        description="Run a scene: a .py file defining build(host), or a bundled scene's name. "
                    "With no view flag: the window where one can open (a display, or headless "
                    "EGL rendering), otherwise the terminal view. Ctrl-C or closing the window "
                    "ends the run cleanly.",
    )
    run.add_argument("scene", metavar="SCENE",
                     help="path to a scene file, or a bundled scene name (see `framehost scenes`)")
    views = run.add_mutually_exclusive_group()
    views.add_argument("--window", dest="view", action="store_const", const="window",
                       help="the pyglet window (fails if no window can open)")
    views.add_argument("--terminal", dest="view", action="store_const", const="terminal",
                       help="the rich terminal view")
    views.add_argument("--headless", dest="view", action="store_const", const="headless",
                       help="no view; print a summary of the task table at the end. Runs "
                            f"{DEFAULT_BOUNDED_SECONDS:g} s of frames unless --frames or "
                            "--seconds says otherwise")
    run.add_argument("--frames", type=_frames, metavar="N",
                     help="stop after N frames")
    run.add_argument("--seconds", type=_positive("seconds"), metavar="S",
                     help="stop after S seconds of host time")
    run.add_argument("--fps", type=_positive("frames per second", MIN_FPS), default=60.0,
                     metavar="F", help=f"frame rate (default 60, at least {MIN_FPS:g})")
    run.add_argument("--no-realtime", action="store_true",
                     help="run frames back to back in exact virtual time instead of pacing "
                          "them to the wall clock")
    run.add_argument("--screenshot", type=Path, metavar="FILE.png",
                     help="(window view) save the last frame drawn to FILE.png")
    run.add_argument("--trace", type=Path, metavar="FILE.json",
                     help="write the run in the Trace Event Format (tasks, frames, "
                          "callbacks, collections, task lineage), to open in Perfetto's UI")
    run.add_argument("--arg", dest="scene_args", type=_scene_arg, action="append", default=[],
                     metavar="KEY=VALUE",
                     help="pass KEY=VALUE to the scene's build(host, **args); repeatable. VALUE "
                          "is read as a Python literal (3, 0.5, True, 'x') or else kept as text")
    run.epilog = (f"When stdout is not a terminal the terminal view, like --headless, stops "
                  f"after {DEFAULT_BOUNDED_SECONDS:g} s of host time unless --frames or "
                  f"--seconds is given.")
    commands.add_parser("scenes", help="list the bundled scenes",
                        description="List the bundled scenes with a line about each.")
    return parser, run


# -- flag values -----------------------------------------------------------------
def _frames(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of frames >= 1, got {text!r}")
    return value


def _positive(what: str, minimum: float = 0.0) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(
                f"expected a positive number of {what}, got {text!r}")
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected at least {minimum:g} {what}, got {text!r}")
        return value

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def _scene_arg(text: str) -> tuple[str, object]:
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise argparse.ArgumentTypeError(
            f"expected KEY=VALUE with KEY a Python name, got {text!r}")
    try:
        value: object = ast.literal_eval(raw)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        value = raw
    return key, value


def _check_run_flags(args: argparse.Namespace) -> None:
    keys = [key for key, _ in args.scene_args]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise _Usage(f"--arg {repeated[0]} given more than once")
    trace: Path | None = args.trace
    if trace is not None:
        if trace.suffix.lower() != ".json":
            raise _Usage(f"--trace expected a .json file, got {str(trace)!r}")
        if not trace.parent.resolve().is_dir():
            raise _Usage(f"--trace folder {str(trace.parent)!r} does not exist")
    shot: Path | None = args.screenshot
    if shot is None:
        return
    if args.view in ("terminal", "headless"):
        raise _Usage(f"--screenshot needs the window view; it cannot be used with --{args.view}")
    if shot.suffix.lower() != ".png":
        raise _Usage(f"--screenshot expected a .png file, got {str(shot)!r}")
    if not shot.parent.resolve().is_dir():
        raise _Usage(f"--screenshot folder {str(shot.parent)!r} does not exist")


# -- commands --------------------------------------------------------------------
def _list_scenes(out: Console) -> int:
    scenes = list_scenes()
    if not scenes:
        out.print("no bundled scenes")
        return EXIT_OK
    width = max(len(info.name) for info in scenes)
    for info in scenes:
        out.print(Text.assemble((info.name.ljust(width), "bold cyan"), "  ", info.description),
                  soft_wrap=True)
    return EXIT_OK


def _run(args: argparse.Namespace, out: Console, err: Console,
         interrupts: Interrupts) -> int:
    def say(message: str, style: str = "") -> None:
        err.print(Text(f"framehost: {message}", style=style), soft_wrap=True)

    try:
        scene = load_scene(args.scene)
        view_kind, frames, seconds = _choose_view(args, out, say)
        host = Host(fps=args.fps, realtime=not args.no_realtime)
    except SceneError as exc:
        say(str(exc), "red")
        return EXIT_USAGE
    except _Usage:
        return EXIT_USAGE
    except KeyboardInterrupt:
        interrupts.shutting_down()
        say(f"{_signal_word(interrupts)} while loading the scene; nothing ran")
        return interrupts.exit_status or EXIT_INTERRUPTED
    trace = (TraceWriter(host, args.trace, name=f"framehost {scene.name}")
             if args.trace is not None else None)
    view: _View | None = None
    interrupted = False
    stopped_early = False
    status = EXIT_OK
    try:
        build_scene(scene, host, dict(args.scene_args))
        try:
            view = _open_view(view_kind, host, scene, out)
        except Exception as exc:
            say(f"could not open the {view_kind} view: {type(exc).__name__}: {exc}", "red")
            return EXIT_VIEW_FAILED
        interrupts.running(host)
        ran = host.run(frames=frames, seconds=seconds) if interrupts.signum is None else 0
        if interrupts.signum is not None:
            raise KeyboardInterrupt  # the run stopped because of it
        if view_kind == "window" and args.screenshot is not None:
            status = _save_screenshot(view, args.screenshot, say)
        stopped_early = (frames is None and seconds is None) or (
            frames is not None and ran < frames) or (
            seconds is not None and host.seconds + 1.0 / host.fps < seconds - 1e-9)
    except SceneError as exc:
        say(str(exc), "red")
        return EXIT_USAGE
    except KeyboardInterrupt:
        interrupted = True
    finally:
        interrupts.shutting_down()
        active, rows_and_counts = _final_state(host)
        try:
            if view is not None:
                with suppress(KeyboardInterrupt):
                    view.close()
        finally:
            try:
                host.close()
            except Exception as exc:  # a close hook failed; each was logged as it did
                say(f"closing the host: {exc}", "red")
            finally:
                if trace is not None:  # after the close: the tasks it cancelled end in it
                    trace.close()
                    say(f"wrote the trace ({trace.events} events) to {str(args.trace)!r}")
    elapsed = covered_seconds(host.frame, host.seconds, host.fps)
    summary = summary_line(host.stats, elapsed, frames=host.frame)
    if interrupted or interrupts.signum is not None:
        # One line after a signal, which carries the summary every run ends with.
        say(f"{_signal_word(interrupts)} after {summary}; cancelled {active} active "
            f"task{'s' if active != 1 else ''} and closed the loop")
        return interrupts.exit_status or EXIT_INTERRUPTED
    if view_kind == "headless":
        rows, counts, workers, lifetime = rows_and_counts
        out.print(render_summary(rows, counts, host.stats, seconds=elapsed,
                                 fps=host.fps, realtime=host.realtime,
                                 title=f"framehost · {scene.name}", workers=workers,
                                 lifetime=lifetime))
    elif view_kind == "window" and stopped_early:
        say(f"the window was closed after {host.frame} frames; cancelled {active} active "
            f"task{'s' if active != 1 else ''} and closed the loop")
    # The same last lines whatever the view, so runs compare at a glance.
    for line in worst_frame_lines(host.blame.worst()):
        say(line)
    say(summary)
    return status


def _choose_view(args: argparse.Namespace, out: Console, say: Callable[..., None],
                 ) -> tuple[str, int | None, float | None]:
    """The view to open and the run's bounds in frames and seconds; says why if it
    chose for the user. Raises `_Usage` (already reported) if the view cannot open."""
    view_kind: str = args.view
    why = ""
    if view_kind is None and args.screenshot is None:
        visible, where = display_available()
        if not visible:
            # An off-screen window nobody sees is no view at all: use the terminal.
            view_kind, why = "terminal", (f"{where}; using the terminal view (--window "
                                          f"would draw off-screen, unseen)")
    if view_kind in (None, "window"):
        ok, reason = _probe_window()
        if view_kind == "window" or args.screenshot is not None:
            if not ok:
                wanted = "--window" if view_kind == "window" else "--screenshot"
                say(f"{wanted} needs the window, which cannot open here: {reason}; "
                    f"use --terminal or --headless", "red")
                raise _Usage(wanted)
            view_kind = "window"
        elif ok:
            view_kind, why = "window", f"opening the window ({reason})"
        else:
            view_kind, why = "terminal", f"{reason}; using the terminal view"

    frames: int | None = args.frames
    seconds: float | None = args.seconds
    if frames is None and seconds is None and (
            view_kind == "headless" or (view_kind == "terminal" and not out.is_terminal)):
        seconds = DEFAULT_BOUNDED_SECONDS
        if view_kind == "terminal":
            bound = (f"for {seconds:g} s of host time, since stdout is not a terminal "
                     f"(set --frames or --seconds to change that)")
            why = (f"{why}, {bound}" if why
                   else f"running the terminal view {bound}")
    if why:
        say(why)

    return view_kind, frames, seconds


def _probe_window() -> tuple[bool, str]:
    try:
        from host.views.window import window_available
    except ImportError as exc:
        return False, f"the window view cannot be loaded ({exc})"
    return window_available()


def _open_view(kind: str, host: Host, scene: Scene, out: Console) -> _View | None:
    title = f"framehost · {scene.name}"
    if kind == "terminal":
        # A file or pipe is drawn once, at the end: no render thread is needed for it.
        terminal = TerminalView(host, console=out, title=title, threaded=out.is_terminal)
        terminal.start()
        return terminal
    if kind == "window":
        from host.views.window import WindowView

        window: _View = WindowView(host, width=1280, height=720, headless=None, title=title)
        return window
    return None


def _save_screenshot(view: object, path: Path, say: Callable[..., None]) -> int:
    try:
        save = getattr(view, "save_screenshot", None)
        if save is None:
            raise RuntimeError(f"{view!r} cannot save screenshots")
        save(path)
    except Exception as exc:
        say(f"could not save the screenshot to {str(path)!r}: {type(exc).__name__}: {exc}",
            "red")
        return EXIT_VIEW_FAILED
    say(f"saved the screenshot to {str(path)!r}")
    return EXIT_OK


def _signal_word(interrupts: Interrupts) -> str:
    return "terminated (SIGTERM)" if interrupts.signum == signal.SIGTERM else "interrupted"


def _final_state(host: Host) -> tuple[int, tuple[list[Any], dict[Any, int], list[Any],
                                                   dict[Any, int]]]:
    """Active tasks, and the rows, counts, workers and lifetime counts for the summary.

    Taken before close (which fails what workers still queue), whatever state an
    interrupt left: a failure here reads as nothing to report, never blocks close.
    """
    if host.closed:
        return 0, ([], {}, [], {})
    try:
        counts = dict(host.tasks.counts())
        active = sum(n for status, n in counts.items() if status.is_active)
        return max(0, active), (host.tasks.rows(), counts, worker_snapshots(host, 0),
                                host.tasks.GetLifetimeCounts())
    except Exception:
        return 0, ([], {}, [], {})


if __name__ == "__main__":  # pragma: no cover
    entry()
