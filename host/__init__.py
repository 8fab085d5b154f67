"""framehost's application and public face: the assembled ``Host`` (the frame
engine with TDAsyncIO in place), the CLI, the scene loader, the pytest plugin and
the views, on top of ``td`` (the ground), ``asyncio_comp`` and ``operators``.

    from host import Host, BaseCOMP, TableDAT

The names are imported on first use (PEP 562's module ``__getattr__``), so importing
``host.launch``, the command's first module, costs no more than the standard library:
a Ctrl-C in the command's first fraction of a second is then handled (see there).
``from host import Host`` and ``host.Host`` work as with plain imports.
"""

from __future__ import annotations

import importlib

# Not `typing.TYPE_CHECKING`: importing typing alone costs milliseconds; type checkers
# read this name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
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

#: Each exported name and the module it comes from.
_SOURCES = {
    "Host": "host.assemble",
    "FrameClock": "td.clock",
    "HostCore": "td.core",
    "DAT": "td.dat",
    "OperatorDestroyed": "td.destroyed",
    "Hook": "td.hooks",
    "OP": "td.network",
    "BaseCOMP": "td.network",
    "FloatPar": "td.params",
    "IntPar": "td.params",
    "MenuPar": "td.params",
    "Par": "td.params",
    "PulsePar": "td.params",
    "StrPar": "td.params",
    "TogglePar": "td.params",
    "FrameStats": "td.stats",
    "Cell": "td.table",
    "TableDAT": "td.table",
    "TextDAT": "td.text_dat",
    "ThreadViolation": "td.thread_guard",
}

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


def __getattr__(name: str) -> object:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'host' has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value  # imported once: later reads are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
