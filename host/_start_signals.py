"""SIGINT and SIGTERM held while ``python -m host`` imports the ``host`` package.

Python imports a package before it runs the package's ``__main__``, so under
``python -m host`` nothing of the command runs until ``import host`` (most of the
command's start) is over: a Ctrl-C there would raise `KeyboardInterrupt` inside some
import (a traceback, then death by the signal) and a SIGTERM would end the process
at once. So the package imports this module first, and importing it calls
`hold_for_python_m_host`, which blocks both signals for the main thread when, and
only when, the module being run is ``host`` itself; a signal that arrives meanwhile
waits, pending. ``host.__main__`` (`host.launch.entry`) puts
`host.launch.exit_while_starting` in place and calls `release`: the pending signal is
delivered and the process ends with one line and 130 or 143, as the ``framehost``
script's does (`framehost.launch` holds the signals before it imports ``host``).

This module imports only ``signal`` and ``sys``, so the signals are held before the
package imports anything that takes time. In any other process (a test, a scene,
``python -m host.something``) importing it changes nothing. Where the platform has no
signal masks (Windows) ``python -m host`` is covered from ``host.__main__`` on.
"""

from __future__ import annotations

import signal
import sys

__all__ = ["hold_for_python_m_host", "release"]

_HELD = (signal.SIGINT, signal.SIGTERM)

# The mask before `hold_for_python_m_host` blocked the signals, kept until `release`
# puts it back: the mask is the process's main thread's, so its owner is this module.
_previous: set[int | signal.Signals] | None = None


def _running_python_m_host() -> bool:
    """True while Python locates the module of ``python -m host``: it has set
    ``sys.argv[0]`` to ``-m`` and the command line's module is ``host``."""
    if sys.argv[:1] != ["-m"]:
        return False
    given = getattr(sys, "orig_argv", [])
    # What follows the module's name on the command line is sys.argv[1:].
    before = given[:len(given) - (len(sys.argv) - 1)]
    return before[-2:] == ["-m", "host"] or before[-1:] == ["-mhost"]


def hold_for_python_m_host() -> None:
    """Under ``python -m host``, block SIGINT and SIGTERM until `release`."""
    global _previous
    if _previous is None and hasattr(signal, "pthread_sigmask") and _running_python_m_host():
        _previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)


def release() -> None:
    """Put back the mask `hold_for_python_m_host` replaced; a held signal is then
    delivered. Nothing happens if no signal was held."""
    global _previous
    previous, _previous = _previous, None
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# The hold itself: ``host/__init__`` imports this module before anything else.
hold_for_python_m_host()
