"""The ``framehost`` command line: its parser, its flags' values and the checks
argparse cannot make by itself.

Every bad flag is one line on stderr (after the usage line) and exit status 2.
"""

from __future__ import annotations

import argparse
import ast
import math
from collections.abc import Callable
from pathlib import Path

from asyncio_comp.profile import PROFILES

__all__ = ["DEFAULT_BOUNDED_SECONDS", "MIN_FPS", "UsageError", "build_parser",
           "check_run_flags"]

#: Host seconds run by --headless, and by the terminal view when stdout is not a
#: terminal, when neither --frames nor --seconds is given.
DEFAULT_BOUNDED_SECONDS = 10.0

#: The slowest frame rate accepted: a frame every ~17 minutes. Slower ones make
#: frame periods no clock can sleep (``--fps 1e-300`` is a period of 1e300 s).
MIN_FPS = 0.001


class UsageError(Exception):
    """A flag combination argparse cannot check by itself; reported like its errors."""


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
    run.add_argument("--profile", choices=PROFILES, default="framehost",
                     help="how TDAsyncIO behaves: framehost (default) or lops, as the LOPs "
                          "manager does in TouchDesigner (ids from 0, plain-string statuses, "
                          "callbacks on completed and failed only, ...)")
    run.add_argument("--screenshot", type=Path, metavar="FILE.png",
                     help="(window view) save the last frame drawn to FILE.png")
    run.add_argument("--trace", type=Path, metavar="FILE.json",
                     help="write the run in the Trace Event Format (tasks, frames, "
                          "callbacks, collections, task lineage), to open in Perfetto's UI")
    run.add_argument("--watch", action="store_true",
                     help="reload the scene when its file, or a file of its folder that it "
                          "imports, is saved; the host keeps running (a save that fails "
                          "keeps the previous scene and says why)")
    run.add_argument("--arg", dest="scene_args", type=_scene_arg, action="append", default=[],
                     metavar="KEY=VALUE",
                     help="pass KEY=VALUE to the scene's build(host, **args); repeatable. VALUE "
                          "is read as a Python literal (3, 0.5, True, 'x') or else kept as text")
    run.epilog = (f"When stdout is not a terminal the terminal view, like --headless, stops "
                  f"after {DEFAULT_BOUNDED_SECONDS:g} s of host time unless --frames or "
                  f"--seconds is given.")
    commands.add_parser("scenes", help="list the bundled scenes",
                        description="List the bundled scenes with a line about each.")
    check = commands.add_parser(
        "check", help="list the framehost-only idioms in operator code",
        description="Read operator code (nothing is run) and list the framehost-only idioms "
                    "that would behave differently or fail in TouchDesigner/LOPs, one line "
                    "each: file:line, what differs, the portable form. Exit status 0 when "
                    "clean, 1 when something was found, 2 when a file cannot be read.")
    check.add_argument("paths", metavar="FILE", nargs="+",
                       help="a Python file, or a folder (its .py files)")
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


def check_run_flags(args: argparse.Namespace) -> None:
    """Checks across flags: a repeated ``--arg``, ``--trace``'s file, ``--screenshot``
    with its view and file."""
    keys = [key for key, _ in args.scene_args]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise UsageError(f"--arg {repeated[0]} given more than once")
    trace: Path | None = args.trace
    if trace is not None:
        if trace.suffix.lower() != ".json":
            raise UsageError(f"--trace expected a .json file, got {str(trace)!r}")
        if not trace.parent.resolve().is_dir():
            raise UsageError(f"--trace folder {str(trace.parent)!r} does not exist")
    shot: Path | None = args.screenshot
    if shot is None:
        return
    if args.view in ("terminal", "headless"):
        raise UsageError(f"--screenshot needs the window view; it cannot be used with "
                         f"--{args.view}")
    if shot.suffix.lower() != ".png":
        raise UsageError(f"--screenshot expected a .png file, got {str(shot)!r}")
    if not shot.parent.resolve().is_dir():
        raise UsageError(f"--screenshot folder {str(shot.parent)!r} does not exist")
