"""The ``framehost`` command (also ``python -m host``): run a scene in a view, list scenes,
check operator code for framehost-only idioms (`host.check`).

This module dispatches: the parser and its flags are `host.cli_args`, the ``run``
command's phases `host.run_command`. Diagnostics go to stderr, one line (or one
paragraph) each, never a traceback. Exit statuses are listed in `host.run_command`;
a bad flag is 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from host.check import run_check
from host.cli_args import DEFAULT_BOUNDED_SECONDS, UsageError, build_parser, check_run_flags
from host.interrupts import Interrupts
from host.run_command import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, RunCommand
from host.scene_loader import SceneError, describe_scene, list_scenes

__all__ = ["DEFAULT_BOUNDED_SECONDS", "build_parser", "entry", "main"]


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
        args, extra = parser.parse_known_args(argv)
        if extra:  # named by the command they were given to, not by the top level
            (run_parser if args.command == "run" else parser).error(
                f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # argparse has printed its one-line error or the help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    out = Console(highlight=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = 120
    err = Console(stderr=True, highlight=False)
    if args.command == "scenes":
        if args.name is not None:
            return _describe_scene(out, err, args.name)
        return _list_scenes(out)
    if args.command == "check":
        return run_check(args.paths, sys.stdout, sys.stderr)
    if args.command == "run":
        try:
            check_run_flags(args)
        except UsageError as exc:
            print(f"{run_parser.prog}: error: {exc} (see `{run_parser.prog} --help`)",
                  file=sys.stderr)
            return EXIT_USAGE
        with Interrupts(quiet_after=quiet_after) as interrupts:
            return RunCommand(args, out, err, interrupts)()
    parser.print_help(sys.stderr)
    return EXIT_USAGE


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


def _describe_scene(out: Console, err: Console, name: str) -> int:
    try:
        scene = describe_scene(name)
    except SceneError as exc:
        err.print(Text(f"framehost: {exc}", style="red"), soft_wrap=True)
        return EXIT_USAGE
    out.print(Text.assemble((scene.name, "bold cyan"), "  ", (str(scene.path), "dim")),
              soft_wrap=True)
    out.print(Text(scene.description), soft_wrap=True)
    out.print()
    if not scene.arguments:
        out.print(Text("It takes no --arg."))
        return EXIT_OK
    out.print(Text(f"Arguments (framehost run {scene.name} --arg KEY=VALUE):"))
    width = max(len(arg.name) for arg in scene.arguments)
    for arg in scene.arguments:
        default = "required" if arg.default is None else f"default {arg.default}"
        out.print(Text.assemble("  ", (arg.name.ljust(width), "bold"), "  ", default),
                  soft_wrap=True)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    entry()
