"""Suite-wide isolation of process-global state that tests of signals touch, and
Hypothesis without its per-example deadline."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator

import pytest
from hypothesis import settings

# Hypothesis fails an example slower than 200 ms of wall time: a timing assertion,
# which a loaded machine or Python's development mode (CI's `-X dev`, about three
# times slower) trips. The tests bound their work in examples and steps instead.
settings.register_profile("framehost", deadline=None)
settings.load_profile("framehost")

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@pytest.fixture(autouse=True)
def _signal_handlers_restored() -> Iterator[None]:
    """Each test starts with Python's default SIGINT/SIGTERM handling and leaves it so.

    The CLI installs its own handlers (and, run as the command, leaves the signals
    ignored on return); an in-process CLI test that ends while its watchdog thread is
    still winding down must not change how Ctrl-C behaves in the tests after it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    saved = {signum: signal.signal(signum, defaults[signum]) for signum in _SIGNALS}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler if handler is not None else defaults[signum])
