"""framehost's application and public face: the assembled ``Host`` (the frame
engine with TDAsyncIO in place), the CLI, the scene loader, the pytest plugin and
the views, standing on ``td`` (the ground) and ``asyncio_comp`` (TDAsyncIO). The
bundled scenes it loads use ``operators``; nothing here imports them.

    from host import Host, BaseCOMP, TableDAT
"""

from __future__ import annotations

# First, for its effect: under ``python -m host`` it holds SIGINT and SIGTERM while the
# rest of the package imports, until ``host.__main__`` can end the process cleanly.
import host._start_signals  # noqa: F401
from host.assemble import Host as Host
from td.clock import FrameClock as FrameClock
from td.core import HostCore as HostCore
from td.dat import DAT as DAT
from td.destroyed import OperatorDestroyed as OperatorDestroyed
from td.hooks import Hook as Hook
from td.network import OP as OP
from td.network import BaseCOMP as BaseCOMP
from td.params import FloatPar as FloatPar
from td.params import IntPar as IntPar
from td.params import MenuPar as MenuPar
from td.params import Par as Par
from td.params import PulsePar as PulsePar
from td.params import StrPar as StrPar
from td.params import TogglePar as TogglePar
from td.stats import FrameStats as FrameStats
from td.table import Cell as Cell
from td.table import TableDAT as TableDAT
from td.text_dat import TextDAT as TextDAT
from td.thread_guard import ThreadViolation as ThreadViolation

__all__ = [
    "DAT",
    "OP",
    "BaseCOMP",
    "Cell",
    "FloatPar",
    "FrameClock",
    "FrameStats",
    "Hook",
    "Host",
    "HostCore",
    "IntPar",
    "MenuPar",
    "OperatorDestroyed",
    "Par",
    "PulsePar",
    "StrPar",
    "TableDAT",
    "TextDAT",
    "ThreadViolation",
    "TogglePar",
]
