"""TextDAT: free-form text, TouchDesigner's text DAT.

Scripts, notes and callbacks live in text DATs: ``dat.text`` reads and replaces the
whole text, ``dat.write(...)`` appends (``print(..., file=dat)`` prints into it),
``dat.clear()`` empties it. ``mod`` (see the TD environment) runs a text DAT's text
as a module; `version` grows on every change so that module is compiled again only
after an edit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, ClassVar

from td.dat import DAT, check_clear_flags
from td.par_specs import BuiltinStrPar, ParSpec

if TYPE_CHECKING:
    from td.network import BaseCOMP, OperatorHost

__all__ = ["TextDAT", "set_module_factory"]

_module_factory: list[Callable[[TextDAT], ModuleType]] = []


def set_module_factory(factory: Callable[[TextDAT], ModuleType]) -> None:
    """Tell text DATs how their text becomes a module (`td.environment.module_of`,
    which stands above them, does at import)."""
    _module_factory[:] = [factory]


class TextDAT(DAT):
    """A DAT holding one string: ``dat.text``, ``dat.write()``, ``dat.clear()``."""

    OPType: ClassVar[str] = "textDAT"
    parameters: ClassVar[tuple[ParSpec, ...]] = (
        BuiltinStrPar("file", "", label="File",
                      help="a .py (or any text) file whose text becomes this DAT's, read "
                           "again when it changes (TD's Sync to File)"),
    )

    def __init__(self, host: OperatorHost, parent: BaseCOMP | None, name: str) -> None:
        super().__init__(host, parent, name)
        self._text = ""
        self._version = 0
        self._file_stamp: tuple[str, float] | None = None

    @property
    def text(self) -> str:
        self.guard.check(self)
        return self._text

    @text.setter
    def text(self, text: str) -> None:
        self.guard.check(self)
        if not isinstance(text, str):
            raise TypeError(f"{self.path}.text expected a string, got {text!r}")
        if text != self._text:
            self._text = text
            self._version += 1

    @property
    def module(self) -> ModuleType:
        """The text run as a module with ``me`` this DAT (TD's ``dat.module``; the
        same module ``mod`` gives), run again only after the text changed. An
        extension class kept here (``comp.addExtension(op('MyExt').module.MyExt)``,
        TD's layout, the DAT's ``file`` naming the .py) sees ``me`` as this DAT and
        ``parent()`` as its COMP."""
        self.guard.check(self)
        return _module_factory[0](self)

    def sync_file(self) -> None:
        """With ``par.file`` set, take the file's text if the file changed since it was
        last read (a module built from this DAT asks first: ``module``, ``mod``,
        callbacks). A file that cannot be read is reported once, the text kept."""
        self.guard.check(self)
        path = self.par.file.eval()
        if not path:
            return
        full = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
        try:
            stamp = (full, os.stat(full).st_mtime)
        except OSError as exc:
            if self._file_stamp != (full, -1.0):
                self._file_stamp = (full, -1.0)
                self.host.report_exception(f"{self.path} par.file {path!r}", exc)
            return
        if stamp != self._file_stamp:
            self._file_stamp = stamp
            with open(full, encoding="utf-8") as handle:
                self.text = handle.read()

    @property
    def version(self) -> int:
        self.guard.check(self)
        return self._version

    @property
    def numRows(self) -> int:
        """The number of lines (TD counts a text DAT's lines as its rows)."""
        self.guard.check(self)
        return len(self._text.splitlines())

    @property
    def numCols(self) -> int:
        """1 when there is text, else 0 (a text DAT's lines are its one column)."""
        self.guard.check(self)
        return 1 if self._text else 0

    def clear(self, keepSize: bool = False, keepFirstRow: bool = False,
              keepFirstCol: bool = False) -> None:
        """Empty the text. As in TD, a text DAT is a table of one column whose rows
        are its lines: ``keepFirstRow`` keeps the first line, ``keepFirstCol`` keeps
        every line (each is its row's first cell), ``keepSize`` keeps the number of
        lines, emptied."""
        self.guard.check(self)
        check_clear_flags(self.path, keepSize=keepSize, keepFirstRow=keepFirstRow,
                          keepFirstCol=keepFirstCol)
        if keepFirstCol:
            return
        lines = self._text.splitlines(keepends=True)
        kept = lines[:1] if keepFirstRow else []
        if keepSize:
            kept += ["\n"] * (len(lines) - len(kept))
        self.text = "".join(kept)
