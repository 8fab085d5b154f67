"""The command's first steps once the ``host`` package is imported.

Starting the command takes a fraction of a second, most of it importing the host,
asyncio, rich and the views. A Ctrl-C or SIGTERM landing there would raise
`KeyboardInterrupt` inside some import (a long traceback, then Python ends the
process by the signal itself: -2) or kill the process outright (-15). So both entry
points reach `exit_while_starting` first: until the command installs its own handling
(`host.interrupts`), either signal ends the process at once with one line and the
shell's status (130, 143).

``framehost`` (and ``python -m framehost``) start in `framehost.launch`, which holds
the two signals while ``host`` is imported and lets them through once this handler is
in place, so their whole start is covered. ``python -m host`` starts in `entry`:
Python imports the package before it runs the package's ``__main__``, so the
package's first import (`host._start_signals`) holds the signals meanwhile and
`entry` lets them through once the handler is in place.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from types import FrameType

from host import _start_signals

__all__ = ["STARTING_SIGNALS", "drop_the_working_folder", "entry", "exit_while_starting", "run"]

_WORDS: dict[int, str] = {signal.SIGINT: "interrupted",
                          signal.SIGTERM: "terminated (SIGTERM)"}

#: The signals that end the process while the command starts.
STARTING_SIGNALS = frozenset(_WORDS)

_FRAMEHOST_ROOT = Path(__file__).resolve().parents[1]


def _exit_now(signum: int, frame: FrameType | None) -> None:
    # Nothing has run yet, so nothing needs undoing: one line, the status, no unwinding
    # (an exception here would land inside whatever import is under way).
    os.write(2, f"framehost: {_WORDS.get(signum, 'signalled')} while starting; "
                f"nothing ran\n".encode())
    os._exit(128 + signum)


def exit_while_starting() -> None:
    """Until the command installs its own, SIGINT and SIGTERM end the process at once."""
    for signum in STARTING_SIGNALS:
        signal.signal(signum, _exit_now)


def drop_the_working_folder() -> None:
    """Take the folder ``python -m`` put first on ``sys.path`` off it.

    A project run from there with packages of its own named ``operators`` (which the
    bundled scenes import) or ``scenes`` would otherwise shadow framehost's; the
    ``framehost`` script never has that folder on the path, and ``python -m`` then
    behaves the same. It stays when framehost itself lives there (a checkout run in
    place).
    """
    if not sys.path or sys.path[0] not in ("", os.getcwd()):
        return
    if Path(sys.path[0] or ".").resolve() != _FRAMEHOST_ROOT:
        del sys.path[0]


def run(*, drop_working_folder: bool = False) -> None:
    """Import the command and run it (`host.cli.entry`), once a signal is handled.

    Args:
        drop_working_folder: `drop_the_working_folder` first (``python -m``).
    """
    if drop_working_folder:
        drop_the_working_folder()
    from host.cli import entry as command

    command()


def entry(*, drop_working_folder: bool = False) -> None:
    """``python -m host`` from here on: `exit_while_starting`, a signal held while the
    package imported is let through (`host._start_signals`), then `run`."""
    exit_while_starting()
    _start_signals.release()
    run(drop_working_folder=drop_working_folder)
