"""The ``framehost`` console script: no signal is fatal while the host imports.

Importing ``host`` (the engine, asyncio, TDAsyncIO) is most of the command's start.
A Ctrl-C or SIGTERM then would raise `KeyboardInterrupt` inside some import (a long
traceback, then death by the signal: -2) or end the process at once (-15). So this
module, which imports only the standard library's ``signal``, blocks both signals for
the main thread before ``host`` is imported; a signal that arrives meanwhile waits,
pending. Once `host.launch.exit_while_starting` is in place the previous mask is
restored, the pending signal is delivered, and the process ends with one line and
130 or 143. Threads an import starts inherit the block, so the signal still goes to
the main thread. Where the platform has no signal masks (Windows) the start is
covered from `host.launch` on, as ``python -m host`` is from ``host.__main__`` on.
"""

from __future__ import annotations

import signal

__all__ = ["entry"]

_HELD = (signal.SIGINT, signal.SIGTERM)


def _hold() -> set[int | signal.Signals] | None:
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)


def entry(*, drop_working_folder: bool = False) -> None:
    """Hold SIGINT and SIGTERM, import the host, put its handler in place, let them
    through, run the command.

    Args:
        drop_working_folder: take ``python -m``'s first path entry off ``sys.path``
            (`host.launch.drop_the_working_folder`).
    """
    previous = _hold()
    from host import launch  # the host's imports, with the signals held

    launch.exit_while_starting()
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    launch.run(drop_working_folder=drop_working_folder)
