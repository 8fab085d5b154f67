"""TextDAT: free-form text, TouchDesigner's text DAT.

Scripts, notes and callbacks live in text DATs: ``dat.text`` reads and replaces the
whole text, ``dat.write(...)`` appends (``print(..., file=dat)`` prints into it),
``dat.clear()`` empties it. ``mod`` (see the TD environment) runs a text DAT's text
as a module; `version` grows on every change so that module is compiled again only
after an edit. With ``par.file`` set, the text is the file's, read again whenever the
file changes (TD's File parameter with Sync to File on), so a project's extension
code can live in external ``.py`` files, as TD projects keep it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, ClassVar

from td.dat import DAT, check_clear_flags
from td.par_specs import BuiltinStrPar, ParSpec
from td.projects import project_of

if TYPE_CHECKING:
    from td.network import BaseCOMP, OperatorHost

__all__ = ["TextDAT"]


class TextDAT(DAT):
    """A DAT holding one string: ``dat.text``, ``dat.write()``, ``dat.clear()``."""

    OPType: ClassVar[str] = "textDAT"
    parameters: ClassVar[tuple[ParSpec, ...]] = (
        BuiltinStrPar("file", "", label="File",
                      help="a .py (or any text) file whose text becomes this DAT's, read "
                           "again when it changes (TD's Sync to File); a relative path "
                           "is from the project's folder"),
    )

    def __init__(self, host: OperatorHost, parent: BaseCOMP | None, name: str) -> None:
        super().__init__(host, parent, name)
        self._text = ""
        self._version = 0
        self._file_stamp: tuple[str, float] | None = None

    @property
    def text(self) -> str:
        self.guard.check(self)
        self.sync_file()
        return self._text

    @text.setter
    def text(self, text: str) -> None:
        self.guard.check(self)
        if not isinstance(text, str):
            raise TypeError(f"{self.path}.text expected a string, got {text!r}")
        if text != self._text:
            self._text = text
            self._version += 1

    def sync_file(self) -> None:
        """With ``par.file`` set, take the file's text if the file changed since it was
        last read (reading ``text``, ``version`` or ``module`` asks first). A file that
        cannot be read is reported once, the text kept."""
        self.guard.check(self)
        path = self.par.file.eval()
        if not path:
            return
        full = path if os.path.isabs(path) else os.path.join(project_of(self.host)[1], path)
        try:
            stamp = (full, os.stat(full).st_mtime)
            if stamp == self._file_stamp:
                return
            with open(full, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            if self._file_stamp != (full, -1.0):
                self._file_stamp = (full, -1.0)
                self.host.report_exception(f"{self.path} par.file {path!r}", exc)
            return
        self._file_stamp = stamp
        if text != self._text:
            self._text = text
            self._version += 1

    @property
    def version(self) -> int:
        self.guard.check(self)
        self.sync_file()
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
