"""A check shared by the bad-input tests: that nothing handed to a rejected call was
left un-awaited or unclosed."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_unawaited_warning() -> Iterator[None]:
    """Fail if the block (or the collection after it) warns a coroutine was never
    awaited, or a resource was left open: every coroutine given was closed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()
    bad = [w for w in caught if issubclass(w.category, RuntimeWarning | ResourceWarning)]
    assert bad == [], [str(w.message) for w in bad]
