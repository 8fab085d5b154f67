"""DAT: what every data operator shares, TouchDesigner's DAT class.

TD has two forms of DAT: a table of cells (`td.table.TableDAT`) and free-form text
(`td.text_dat.TextDAT`). Both read and write as text (``dat.text``), append with
``dat.write(...)`` (so ``print(..., file=dat)`` works), empty with ``dat.clear()``
and count their changes in ``dat.version``, so a reader (``mod`` compiling a text
DAT as a module, a view drawing a table) can skip work when nothing changed.
``findChildren(type=DAT)`` finds both.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import ClassVar

from td.network import OP

__all__ = ["DAT", "check_clear_flags", "set_module_loader"]

_module_loader: list[Callable[[DAT], ModuleType]] = []


def set_module_loader(loader: Callable[[DAT], ModuleType]) -> None:
    """Tell DATs how to run their text as a module (`td.environment` does, at import:
    it stands above the DATs and owns TD's scope)."""
    _module_loader[:] = [loader]


class DAT(OP):
    """Base of the data operators; subclasses own their content and its `version`."""

    family: ClassVar[str] = "DAT"
    OPType: ClassVar[str] = "DAT"
    #: True for a table of cells, False for free-form text (TD's ``isTable``/``isText``).
    isTable: ClassVar[bool] = False
    isDAT: ClassVar[bool] = True

    @property
    def isText(self) -> bool:
        return not self.isTable

    @property
    def text(self) -> str:
        raise NotImplementedError

    @text.setter
    def text(self, text: str) -> None:
        raise NotImplementedError

    @property
    def version(self) -> int:
        """Grows on every change of the content."""
        raise NotImplementedError

    @property
    def module(self) -> ModuleType:
        """The DAT's text run as a Python module, as TD's ``dat.module`` (the module
        ``mod`` gives: ``me`` is the DAT; run again only when the text changed). An
        extension class kept here (``comp.addExtension(op('MyExt').module.MyExt)``,
        TD's layout) sees ``me`` as this DAT and ``parent()`` as its COMP."""
        self._guard.check(self)
        if not _module_loader:  # td/__init__ imports td.environment, which sets it
            raise RuntimeError("dat.module needs td.environment; import td first")
        try:
            return _module_loader[0](self)
        except AttributeError as exc:
            # Raised out of a property, it would read as "the DAT has no `module`".
            raise ImportError(f"{self.path}.module: its code raised AttributeError: "
                              f"{exc}") from exc

    async def changed(self) -> DAT:
        """Resolve at the start of the first frame after the content changed (its
        `version` moved since the await began); the DAT. Cancellable. Every change
        made during one frame is seen at the next frame's start, at once.

        Raises:
            OperatorDestroyed: the DAT was destroyed (then, or while awaited).
        """
        self._guard.check(self)
        version = self.version
        # A destroyed DAT changes no more: the await raises OperatorDestroyed then.
        await self._host.until_frame_start(
            lambda: not self.valid or self.version != version)
        self._guard.check(self)
        return self

    def clear(self, keepSize: bool = False, keepFirstRow: bool = False,
              keepFirstCol: bool = False) -> None:
        """Empty the DAT (TD's order of arguments: ``clear(True)`` is ``keepSize``)."""
        raise NotImplementedError

    def write(self, *args: object) -> str:
        """Append ``str()`` of each argument to the content, as a file's ``write``
        does (so ``print(..., file=dat)`` prints into the DAT); the text appended."""
        self.guard.check(self)
        written = "".join(map(str, args))
        if written:
            self.text = self.text + written
        return written

    def flush(self) -> None:
        """Nothing to flush; there for ``print(..., file=dat, flush=True)``."""
        self.guard.check(self)


def check_clear_flags(path: str, **flags: object) -> None:
    """Refuse a ``clear()`` option that is not a flag, before anything is emptied."""
    for what, flag in flags.items():
        if not isinstance(flag, bool | int):
            raise TypeError(f"{path}.clear() expected {what} as True or False, got {flag!r}")
