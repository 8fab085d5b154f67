"""The ``framehost`` command line: its parser, its flags' values and the checks
argparse cannot make by itself.

Every bad flag is one line on stderr and exit status 2: argparse's own errors too
(`OneLineParser`), with no abbreviated flags accepted (``--headles`` is an error,
not ``--headless``), so a flag added later can never change what an old command
line means. Flags are grouped (view, run bounds, the scene, what is shown), so
flags added by later work go in the group they belong to.
"""

from __future__ import annotations

import argparse
import ast
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from asyncio_comp.profile import PROFILES

__all__ = ["DEFAULT_BOUNDED_SECONDS", "DEFAULT_SIZE", "MIN_FPS", "MIN_SIZE", "OneLineParser",
           "UsageError", "build_parser", "check_run_flags"]

#: Host seconds run by --headless, and by the terminal view when stdout is not a
#: terminal, when neither --frames nor --seconds is given.
DEFAULT_BOUNDED_SECONDS = 10.0

#: The slowest frame rate accepted: a frame every ~17 minutes. Slower ones make
#: frame periods no clock can sleep (``--fps 1e-300`` is a period of 1e300 s).
MIN_FPS = 0.001


#: The window's size when --size is not given, and the smallest it lays out.
DEFAULT_SIZE = (1280, 720)
MIN_SIZE = (800, 450)


class UsageError(Exception):
    """A flag combination argparse cannot check by itself; reported like its errors."""


class OneLineParser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line: what was wrong, and where help is.

    argparse prints its usage (several lines for ``run``) before the error; the line
    that matters is lost in it. Abbreviated long flags are refused (``allow_abbrev``).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")

    def print_usage(self, file: object = None) -> None:
        """Usage goes only where asked for (``--help``); errors carry one line."""
        if file is None or file is sys.stdout:
            super().print_usage(file)  # type: ignore[arg-type]


def build_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The command's parser and its ``run`` subparser."""
    parser = OneLineParser(
        prog="framehost",
        description="A TouchDesigner-like frame-driven host with a tracked asyncio runtime.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     parser_class=OneLineParser)
    run = commands.add_parser(
        "run", help="run a scene and watch its tasks",
        description="Run a scene: a .py file defining build(host), or a bundled scene's name. "
                    "With no view flag, the window opens where someone can see it (a "
                    "display); with no display the terminal view is used, with one line "
                    "saying which and why. --window with no display still draws, off-screen "
                    "through EGL (for --screenshot), and says so. Ctrl-C or closing the "
                    "window ends the run cleanly.",
    )
    run.add_argument("scene", metavar="SCENE",
                     help="path to a scene file, or a bundled scene name (see `framehost scenes`)")
    views = run.add_mutually_exclusive_group()
    views.add_argument("--window", dest="view", action="store_const", const="window",
                       help="the pyglet window (off-screen through EGL where there is no "
                            f"display, then bounded to {DEFAULT_BOUNDED_SECONDS:g} s like "
                            "--headless; fails if no window can open)")
    views.add_argument("--terminal", dest="view", action="store_const", const="terminal",
                       help="the rich terminal view")
    views.add_argument("--headless", dest="view", action="store_const", const="headless",
                       help="no view; print a summary of the task table at the end. Runs "
                            f"{DEFAULT_BOUNDED_SECONDS:g} s of frames unless --frames or "
                            "--seconds says otherwise")
    bounds = run.add_argument_group("frames and time")
    bounds.add_argument("--frames", type=_frames, metavar="N",
                        help="stop after N frames")
    bounds.add_argument("--seconds", type=_positive("seconds"), metavar="S",
                        help="stop after S seconds of host time")
    bounds.add_argument("--fps", type=_positive("frames per second", MIN_FPS), default=60.0,
                        metavar="F", help=f"frame rate (default 60, at least {MIN_FPS:g})")
    bounds.add_argument("--no-realtime", action="store_true",
                        help="run frames back to back in exact virtual time instead of "
                             "pacing them to the wall clock")
    bounds.add_argument("--profile", choices=PROFILES, default="framehost",
                        help="how TDAsyncIO behaves: framehost (default) or lops, as the LOPs "
                             "manager does in TouchDesigner (ids from 0, plain-string statuses, "
                             "callbacks on completed and failed only, ...)")
    scene = run.add_argument_group("the scene")
    scene.add_argument("--arg", dest="scene_args", type=_scene_arg, action="append",
                       default=[], metavar="KEY=VALUE",
                       help="pass KEY=VALUE to the scene's build(host, **args); repeatable "
                            "(`framehost scenes NAME` lists a scene's). VALUE is read as a "
                            "Python literal (3, 0.5, True, 'x') or else kept as text")
    scene.add_argument("--watch", action="store_true",
                       help="reload the scene when its file, or a file of its folder that it "
                            "imports, is saved; the host keeps running (a save that fails "
                            "keeps the previous scene and says why)")
    scene.add_argument("--traceback", action="store_true",
                       help="print the full traceback of an error raised by the scene "
                            "(by default one line naming the file:line that raised it)")
    shown = run.add_argument_group("what is shown")
    shown.add_argument("--size", type=_size, metavar="WxH",
                       help=f"(window view) the window's size, default "
                            f"{DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]}, at least "
                            f"{MIN_SIZE[0]}x{MIN_SIZE[1]}")
    shown.add_argument("--screenshot", type=Path, metavar="FILE.png",
                       help="(window view) save the last frame drawn to FILE.png")
    shown.add_argument("--trace", type=Path, metavar="FILE.json",
                       help="write the run in the Trace Event Format (tasks, frames, "
                            "callbacks, collections, task lineage), to open in Perfetto's UI")
    shown.add_argument("--show", metavar="PATH",
                       help="(terminal and headless views) print the DAT at PATH (a table or "
                            "text DAT, e.g. /chat/conversations) whole when the run ends; the "
                            "window shows any DAT when its tile is selected")
    run.epilog = (f"When stdout is not a terminal the terminal view, like --headless, stops "
                  f"after {DEFAULT_BOUNDED_SECONDS:g} s of host time unless --frames or "
                  f"--seconds is given.")
    scenes = commands.add_parser(
        "scenes", help="list the bundled scenes, or describe one",
        description="List the bundled scenes with a line about each; with NAME, describe "
                    "that scene and the --arg KEY=VALUE arguments its build() takes.")
    scenes.add_argument("name", nargs="?", metavar="NAME", help="a bundled scene's name")
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


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    try:
        size = (int(width), int(height)) if sep else None
    except ValueError:
        size = None
    if size is None:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels such as 1280x720, "
                                         f"got {text!r}")
    if size[0] < MIN_SIZE[0] or size[1] < MIN_SIZE[1]:
        raise argparse.ArgumentTypeError(
            f"expected at least {MIN_SIZE[0]}x{MIN_SIZE[1]} (the smallest the window lays "
            f"out), got {text!r}")
    return size


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
    """Checks across flags: a repeated ``--arg``, a flag used with a view it does not
    apply to, ``--trace``'s file, ``--screenshot``'s file."""
    keys = [key for key, _ in args.scene_args]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise UsageError(f"--arg {repeated[0]} given more than once")
    if args.size is not None and args.view in ("terminal", "headless"):
        raise UsageError(f"--size sets the window's size; it cannot be used with --{args.view}")
    if args.show is not None and args.view == "window":
        raise UsageError("--show prints a DAT in the terminal and headless views; in the "
                         "window, select the DAT's tile to see it")
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
