"""framehost's host: frame clock, operator network, parameters, tables, views."""

from typing import TYPE_CHECKING, Any

from host.engine.clock import FrameClock as FrameClock
from host.engine.core import HostCore as HostCore
from host.engine.hooks import Hook as Hook
from host.engine.network import OP as OP
from host.engine.network import BaseCOMP as BaseCOMP
from host.engine.params import FloatPar as FloatPar
from host.engine.params import IntPar as IntPar
from host.engine.params import MenuPar as MenuPar
from host.engine.params import Par as Par
from host.engine.params import PulsePar as PulsePar
from host.engine.params import StrPar as StrPar
from host.engine.params import TogglePar as TogglePar
from host.engine.stats import FrameStats as FrameStats
from host.engine.table import Cell as Cell
from host.engine.table import TableDAT as TableDAT
from host.engine.thread_guard import ThreadViolation as ThreadViolation

if TYPE_CHECKING:
    from host.app.assemble import Host as Host


def __getattr__(name: str) -> Any:
    # The assembled Host stands on asyncio_comp, which stands on this package's
    # core modules; importing it lazily lets either package be imported first.
    if name == "Host":
        from host.app.assemble import Host

        return Host
    raise AttributeError(f"module 'host' has no attribute {name!r}")

__all__ = [
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
    "Par",
    "PulsePar",
    "StrPar",
    "TableDAT",
    "ThreadViolation",
    "TogglePar",
]
