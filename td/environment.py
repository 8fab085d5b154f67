"""TouchDesigner's globals, so TD and LOPs code runs unchanged: ``op``, ``tableDAT``,
``baseCOMP`` and ``run`` (users import them from the face, `host.td`).

    from host.td import op, run, tableDAT

    op('/ChatTD/TDAsyncIO').Run(fetch())          # by path
    op.TDAsyncIO.CancelTask(task_id)              # by global OP shortcut
    log = op('/project').create(tableDAT, 'log')
    run(log.appendRow, ['started'], delayFrames=1)

They act on the *current* host (see `td.current`): the one whose frame,
callback, hook or task is running, else the only open host. Scene files run by
``framehost run`` see these four names as globals without importing them.
"""

from __future__ import annotations

import difflib
import math
import reprlib
from collections.abc import Callable
from typing import Any, cast

from td.core import HostCore
from td.current import NoCurrentHost, current_host
from td.network import OP, BaseCOMP
from td.table import TableDAT
from td.text_dat import TextDAT

__all__ = ["NoCurrentHost", "PendingRun", "baseCOMP", "op", "run", "scene_globals",
           "tableDAT", "textDAT"]

#: The operator families, by TD's names, for ``comp.create(tableDAT, 'name')``.
tableDAT = TableDAT
textDAT = TextDAT
baseCOMP = BaseCOMP


class OpFinder:
    """``op``: ``op(path)`` finds an operator of the current host by path (None when
    nothing is there); ``op.Name`` finds the COMP whose ``opshortcut`` is ``Name``."""

    __slots__ = ()

    def __call__(self, path: str | OP) -> OP | None:
        if isinstance(path, OP):
            return path
        return _current().root.op(path)

    def __getattr__(self, name: str) -> BaseCOMP:
        if name.startswith("_"):
            raise AttributeError(name)
        root = _current().root
        found = root.shortcut(name)
        if found is not None:
            return found
        known = sorted(root.shortcuts())
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        raise AttributeError(
            f"op.{name}: no COMP has the global OP shortcut {name!r} (parameter "
            f"opshortcut); {hint}known shortcuts: {', '.join(known) or 'none'}")

    def __repr__(self) -> str:
        return "<op: operators of the current host, by path or global OP shortcut>"


op = OpFinder()


class PendingRun:
    """A call scheduled by `run`; ``kill()`` cancels it if it has not run yet."""

    def __init__(self, host: HostCore, fn: Callable[..., object], args: tuple[Any, ...],
                 frame: int, seconds: float) -> None:
        self._host = host
        self._fn = fn
        self._args = args
        self.frame = frame
        self.seconds = seconds
        self._active = True
        host.on_frame_start(self._frame_started)

    @property
    def active(self) -> bool:
        """True until the call ran or was killed, or its host closed (it never runs then)."""
        return self._active and not self._host.closed

    def kill(self) -> bool:
        """Cancel the call; True if it was still pending."""
        if not self.active:
            return False
        self._active = False
        self._host.remove_callback(self._frame_started)
        return True

    def _frame_started(self, host: HostCore) -> None:
        # 1e-9: host seconds are whole frames of 1/fps; a sum of them may round below.
        if host.frame < self.frame or host.seconds < self.seconds - 1e-9:
            return
        self.kill()
        self._fn(*self._args)  # an exception is reported by the host, like any callback

    def __repr__(self) -> str:
        state = "pending" if self.active else "done"
        return f"<PendingRun {self._fn!r} at frame {self.frame} {state}>"


def run(fn: Callable[..., object], *args: Any, delayFrames: int = 0,
        delayMilliSeconds: float = 0) -> PendingRun:
    """Call ``fn(*args)`` on the host thread at the start of the frame ``delayFrames``
    frames from now (0 and 1 both mean the next frame: the current one has started),
    and no earlier than ``delayMilliSeconds`` of host time from now.

    ``fn`` is a callable, as recent TD builds accept; TD's string-of-Python form is
    refused (nothing here evaluates code strings).
    """
    if isinstance(fn, str):
        raise TypeError(f"run() expected a callable, got the string {fn!r}; pass a function "
                        f"instead: run(lambda: ..., delayFrames=1)")
    if not callable(fn):
        raise TypeError(f"run() expected a callable, got {fn!r}")
    if isinstance(delayFrames, bool) or not isinstance(delayFrames, int) or delayFrames < 0:
        raise ValueError(f"run() expected delayFrames as a whole number >= 0, "
                         f"got {delayFrames!r}")
    if (isinstance(delayMilliSeconds, bool) or not isinstance(delayMilliSeconds, int | float)
            or not _finite(delayMilliSeconds) or delayMilliSeconds < 0):
        raise ValueError(f"run() expected delayMilliSeconds as a finite number >= 0, "
                         f"got {reprlib.repr(delayMilliSeconds)}")
    host = _current()
    return PendingRun(host, fn, args, host.frame + max(delayFrames, 1),
                      host.time() + delayMilliSeconds / 1000)


def _finite(number: float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an int too big for a float
        return False


def _current() -> HostCore:
    # Only HostCore registers itself with `current` (in its __init__).
    return cast(HostCore, current_host())


def scene_globals() -> dict[str, Any]:
    """The names a scene file sees without importing them."""
    return {"op": op, "tableDAT": tableDAT, "textDAT": textDAT, "baseCOMP": baseCOMP,
            "run": run}
