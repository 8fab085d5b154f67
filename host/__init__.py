"""framehost's host: frame clock, operator network, parameters, tables, views."""

from typing import TYPE_CHECKING, Any

from host.clock import FrameClock as FrameClock
from host.core import HostCore as HostCore
from host.network import OP as OP
from host.network import BaseCOMP as BaseCOMP
from host.params import FloatPar as FloatPar
from host.params import IntPar as IntPar
from host.params import MenuPar as MenuPar
from host.params import Par as Par
from host.params import PulsePar as PulsePar
from host.params import StrPar as StrPar
from host.params import TogglePar as TogglePar
from host.stats import FrameStats as FrameStats
from host.table import Cell as Cell
from host.table import TableDAT as TableDAT
from host.thread_guard import ThreadViolation as ThreadViolation

if TYPE_CHECKING:
    from host.assemble import Host as Host


def __getattr__(name: str) -> Any:
    # The assembled Host stands on asyncio_comp, which stands on this package's
    # core modules; importing it lazily lets either package be imported first.
    if name == "Host":
        from host.assemble import Host

        return Host
    raise AttributeError(f"module 'host' has no attribute {name!r}")

__all__ = [
    "OP",
    "BaseCOMP",
    "Cell",
    "FloatPar",
    "FrameClock",
    "FrameStats",
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
