"""``framehost check FILE...``: list the framehost-only idioms in operator code.

Each finding is one line, ``file:line:col: CODE what differs; portable: the form that
behaves the same in TouchDesigner/LOPs`` (the rules are `host.portability.RULES`). A
folder stands for the ``.py`` files under it. Exit status: 0 when every file is clean,
1 when something was found, 2 when a file cannot be read or parsed (the others are
still checked, and reported).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from host.portability import Finding, check_source

__all__ = ["EXIT_CLEAN", "EXIT_FOUND", "EXIT_UNREADABLE", "check_paths", "run_check"]

EXIT_CLEAN = 0
EXIT_FOUND = 1
EXIT_UNREADABLE = 2


def _files(paths: Iterable[str]) -> Iterator[tuple[str, Path]]:
    """Each argument as given, or for a folder each ``.py`` file under it, sorted."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(path.rglob("*.py")):
                yield str(file), file
        else:
            yield given, path


def check_paths(paths: Iterable[str]) -> tuple[list[Finding], list[str]]:
    """The findings in every file, and one sentence per file that could not be checked."""
    findings: list[Finding] = []
    problems: list[str] = []
    for shown, path in _files(paths):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problems.append(f"{shown}: cannot read it ({reason}); expected a Python file "
                            f"or a folder of them")
            continue
        try:
            findings += check_source(source, shown)
        except SyntaxError as exc:
            problems.append(f"{shown}: not Python (line {exc.lineno}: {exc.msg}); expected "
                            f"operator code to check")
        except ValueError as exc:  # Python 3.11's answer to a NUL byte in the source
            problems.append(f"{shown}: not Python ({exc}); expected operator code to check")
    return findings, problems


def run_check(paths: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Check ``paths``, print the findings to ``out`` and problems to ``err``; the
    exit status (see the module docstring)."""
    findings, problems = check_paths(paths)
    for finding in findings:
        print(finding, file=out)
    for problem in problems:
        print(f"framehost check: {problem}", file=err)
    if problems:
        return EXIT_UNREADABLE
    return EXIT_FOUND if findings else EXIT_CLEAN
