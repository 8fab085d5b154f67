"""The command's first lines: a signal is handled before the heavy imports.

Starting ``framehost`` takes a fraction of a second, most of it importing the host,
asyncio, rich and the views. A Ctrl-C or SIGTERM landing there would raise
`KeyboardInterrupt` inside some import (a long traceback, then Python ends the
process by the signal itself: -2) or kill the process outright (-15). So the entry
points (``framehost``, ``python -m host``) come here first: this module imports
nothing but the standard library's small modules, installs a handler that ends the
process at once with one line and the shell's status (130, 143), and only then
imports the command. `host.interrupts` takes over once the command runs. (Before
this module's first line the interpreter itself is starting; nothing of ours can
act there.)
"""

from __future__ import annotations

import os
import signal
from types import FrameType

__all__ = ["entry", "exit_on_signal"]

_WORDS: dict[int, str] = {signal.SIGINT: "interrupted",
                          signal.SIGTERM: "terminated (SIGTERM)"}


def _exit_now(signum: int, frame: FrameType | None) -> None:
    # Nothing has run yet, so nothing needs undoing: one line, the status, no unwinding
    # (an exception here would land inside whatever import is under way).
    os.write(2, f"framehost: {_WORDS.get(signum, 'signalled')} while starting; "
                f"nothing ran\n".encode())
    os._exit(128 + signum)


def exit_on_signal() -> None:
    """Until the command installs its own, SIGINT and SIGTERM end the process at once."""
    for signum in _WORDS:
        signal.signal(signum, _exit_now)


def entry() -> None:
    """The ``framehost`` console script: `exit_on_signal`, then the command."""
    exit_on_signal()
    from host.cli import entry as command

    command()
