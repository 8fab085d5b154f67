"""The one way framehost writes an exception as text: ``Type: message``.

Tables, callbacks, the worker and the scene loader all show errors; they share this
so a user reads the same form everywhere. It never raises: an exception whose
``__str__`` fails is still described (by its type and the failure), because a task
must be able to end with its real error whatever that error's text does.
"""

from __future__ import annotations

__all__ = ["describe_error"]


def describe_error(exc: BaseException) -> str:
    """`ValueError: bad value`, or just `ValueError` when the message is empty."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except Exception as failure:
        return f"{name}: <str() failed: {type(failure).__name__}>"
    return f"{name}: {text}" if text else name
