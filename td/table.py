"""TableDAT: a rectangular table of strings, TouchDesigner's table DAT.

Cells hold strings (values are converted with `str`). Columns may be addressed by
index or by the header name in row 0. Bad indices raise with the given index and
the table's size; nothing is changed by a rejected call. `version` grows on every
change so readers can skip work when nothing changed.

A table can be cooked on demand, as TouchDesigner cooks an operator when something
reads it: its owner registers a refresh with `refresh_on_read` and calls
`mark_stale()` as its source changes; the refresh then runs once, before the next
read or write, however many changes came in between. The task table uses this: a
task that starts and ends between two reads costs the table nothing. A write from
anyone but the refresh (user code editing a generated table) marks the table stale
too, so its owner sees the edit at the next read and can put its content back.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from td.cell import Cell
from td.dat import DAT, check_clear_flags
from td.table_address import find_col, find_row, require_col, require_row

if TYPE_CHECKING:
    from td.network import BaseCOMP, OperatorHost

__all__ = ["Cell", "TableDAT"]


class TableDAT(DAT):
    """A table DAT: ``dat[row, col].val``, ``appendRow``, ``clear`` and friends."""

    OPType: ClassVar[str] = "tableDAT"
    isTable: ClassVar[bool] = True

    def __init__(self, host: OperatorHost, parent: BaseCOMP | None, name: str) -> None:
        super().__init__(host, parent, name)
        # Rows are tuples: a tuple of strings drops out of the cyclic GC's bookkeeping
        # after its first collection, so a 100k-row table costs full collections
        # nothing; a list would be walked by every one of them.
        self._rows: list[tuple[str, ...]] = []
        self._width = 0
        self._version = 0
        self._stale = False
        self._refreshing = False
        self._refresh: Callable[[], object] | None = None
        # Row labels (first-column text -> first row holding it), valid at one version.
        self._labels: dict[str, int] = {}
        self._labels_version = -1

    # -- cooking on demand ----------------------------------------------------
    def refresh_on_read(self, refresh: Callable[[], object] | None) -> None:
        """Run ``refresh()`` before the next read or write after each `mark_stale()`;
        None stops it. ``refresh`` writes through this table's own methods."""
        self.guard.check(self)
        if refresh is not None and not callable(refresh):
            raise TypeError(f"refresh_on_read() expected a callable or None, got {refresh!r}")
        self._refresh = refresh
        self._stale = False

    def mark_stale(self) -> None:
        """Tell the table its source changed: the next read runs the refresh first."""
        if self._refresh is not None:
            self._stale = True

    def refresh(self) -> None:
        """Run the pending refresh now, if the source changed since the last one."""
        self._check()

    @property
    def version(self) -> int:
        """Grows on every change of the table's content."""
        self._check()
        return self._version

    # -- size -----------------------------------------------------------------
    @property
    def numRows(self) -> int:
        self._check()
        return len(self._rows)

    @property
    def numCols(self) -> int:
        self._check()
        return self._width

    # -- reading --------------------------------------------------------------
    def __getitem__(self, key: tuple[int | str, int | str]) -> Cell | None:
        """``dat[row, col]``: ``row`` an index or a row label (first-column text),
        ``col`` an index or a header name; None when there is no such cell."""
        self._check()
        if type(key) is tuple and len(key) == 2:
            row, col = key
            # The common case, plain in-range ints, without the checks below.
            if (type(row) is int and type(col) is int
                    and 0 <= row < len(self._rows) and 0 <= col < self._width):
                return Cell(self, row, col)
        r, c = self._split_key(key)
        found_row, found_col = self._find_row(r), self._find_col(c)
        if found_row is None or found_col is None:
            return None
        return Cell(self, found_row, found_col)

    def __setitem__(self, key: tuple[int | str, int | str], value: object) -> None:
        self._check()
        row, col = self._locate(key)
        self._set(row, col, value)

    def cell(self, row: int | str, col: int | str) -> Cell | None:
        """``dat[row, col]`` as a method (TD's ``dat.cell(r, c)``)."""
        return self[row, col]

    def row(self, index: int | str) -> list[Cell] | None:
        """The cells of a row, by index or label; None when there is no such row."""
        self._check()
        r = self._find_row(index)
        return None if r is None else [Cell(self, r, c) for c in range(self._width)]

    def col(self, name_or_index: int | str) -> list[Cell] | None:
        """The cells of a column, by index or header name; None when there is none."""
        self._check()
        c = self._find_col(name_or_index)
        return None if c is None else [Cell(self, r, c) for r in range(len(self._rows))]

    def rows(self) -> list[list[Cell]]:
        self._check()
        return [[Cell(self, r, c) for c in range(self._width)] for r in range(len(self._rows))]

    def values(self) -> list[list[str]]:
        """A copy of the whole table as lists of strings (cheap to hand to a view)."""
        self._check()
        return [list(r) for r in self._rows]

    @property
    def text(self) -> str:
        """The table as TD shows it: cells tab-separated, every row newline-ended."""
        self._check()
        return "".join("\t".join(r) + "\n" for r in self._rows)

    @text.setter
    def text(self, text: str) -> None:
        self._check()
        if not isinstance(text, str):
            raise TypeError(f"{self.path}.text expected a string of tab-separated rows, "
                            f"got {text!r}")
        self._rows, self._width = [], 0
        for line in text.removesuffix("\n").split("\n") if text else ():
            self._append_fitted(tuple(line.split("\t")))
        self._changed()

    def findCell(self, pattern: object, rows: Iterable[int | str] | None = None,
                 cols: Iterable[int | str] | None = None, valuePattern: bool = True,
                 caseSensitive: bool = False) -> Cell | None:
        """The first cell (row by row) whose text matches, or None (TD's signature:
        a ``*``/``?`` pattern by default, not case sensitive; ``rows``/``cols``
        limit the search to those indices or labels)."""
        self._check()
        wanted = str(pattern) if caseSensitive else str(pattern).casefold()
        row_indices = (range(len(self._rows)) if rows is None
                       else self._existing(rows, self._find_row, "rows"))
        col_indices = (range(self._width) if cols is None
                       else self._existing(cols, self._find_col, "cols"))
        for r in row_indices:
            cells = self._rows[r]
            for c in col_indices:
                text = cells[c] if caseSensitive else cells[c].casefold()
                if (fnmatch.fnmatchcase(text, wanted) if valuePattern else text == wanted):
                    return Cell(self, r, c)
        return None

    def cellValue(self, row: int, col: int) -> str:
        """The text at a position (what a `Cell` reads); IndexError if there is none."""
        self._check()
        try:
            return self._rows[row][col]
        except (IndexError, TypeError):
            self._position(row, col)  # raises, naming the table and what exists
            raise

    def setCellValue(self, row: int, col: int, value: object) -> None:
        """Write at a position (what a `Cell` writes); IndexError if there is none."""
        self._check()
        self._set(*self._position(row, col), value)

    # -- writing --------------------------------------------------------------
    def appendRow(self, values: Iterable[object] = ()) -> int:
        """Append a row (padded to the table's width, widening it if longer); its index."""
        self._check()
        cells = self._as_cells(values, "appendRow")
        if len(cells) != self._width:
            cells = self._fit(cells)
        rows = self._rows
        rows.append(cells)
        index = len(rows) - 1
        if self._labels_version == self._version and cells:
            # The new row's label joins the labels still valid (first row wins).
            self._labels.setdefault(cells[0], index)
            self._labels_version += 1
        self._version += 1  # `_changed()` inlined: the task table appends rows by the 100k
        if not self._refreshing and self._refresh is not None:
            self._stale = True
        return index

    def insertRow(self, values: Iterable[object], index: int) -> int:
        self._check()
        cells = self._as_cells(values, "insertRow")
        if isinstance(index, bool) or not isinstance(index, int) or not (
            0 <= index <= len(self._rows)
        ):
            raise IndexError(f"insertRow() expected an index from 0 to {len(self._rows)}, "
                             f"got {index!r}")
        if len(cells) != self._width:
            cells = self._fit(cells)
        self._rows.insert(index, cells)
        self._changed()
        return index

    def replaceRow(self, index: int, values: Iterable[object]) -> None:
        self._check()
        r = self._row_index(index)
        cells = self._as_cells(values, "replaceRow")
        if len(cells) != self._width:
            cells = self._fit(cells)
        self._rows[r] = cells
        self._changed()

    def deleteRow(self, index: int) -> None:
        self._check()
        r = self._row_index(index)
        del self._rows[r]
        self._changed()

    def appendRows(self, rows: Iterable[Iterable[object]]) -> int:
        """Append several rows at once (each as `appendRow`); the index of the first."""
        self._check()
        if isinstance(rows, str | bytes) or not isinstance(rows, Iterable):
            raise TypeError(f"appendRows() expected a list of rows (lists of cell values), "
                            f"got {rows!r}")
        checked = [self._as_cells(values, "appendRows") for values in rows]
        first = len(self._rows)
        for cells in checked:
            self._append_fitted(cells)
        self._changed()
        return first

    def appendCol(self, values: Iterable[object] = ()) -> int:
        """Append a column (one value per row, from row 0; rows are added when there
        are more values than rows); its index."""
        self._check()
        cells = self._as_cells(values, "appendCol")
        index = self._width
        rows = self._rows
        if len(cells) > len(rows):
            rows.extend([("",) * index] * (len(cells) - len(rows)))
        self._rows = [(*r, cells[i] if i < len(cells) else "") for i, r in enumerate(rows)]
        self._width = index + 1
        self._changed()
        return index

    def setSize(self, numrows: int, numcols: int) -> None:
        """Grow or cut the table to ``numrows`` x ``numcols`` (new cells are empty)."""
        self._check()
        for what, n in (("numrows", numrows), ("numcols", numcols)):
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise ValueError(f"setSize() expected {what} as a whole number >= 0, got {n!r}")
        pad = ("",) * max(0, numcols - self._width)
        rows = [r[:numcols] + pad for r in self._rows[:numrows]]
        rows.extend([("",) * numcols] * (numrows - len(rows)))
        self._rows = rows
        self._width = numcols if numrows else 0
        self._changed()

    def clear(self, keepSize: bool = False, keepFirstRow: bool = False,
              keepFirstCol: bool = False) -> None:
        """Empty the table, TD's way and in TD's order of arguments (``clear(True)``
        is ``keepSize``): remove every row, or keep the header row (``keepFirstRow``)
        and/or each row's first cell (``keepFirstCol``); with ``keepSize`` the size
        stays and the other cells are emptied."""
        self._check()
        check_clear_flags(self.path, keepSize=keepSize, keepFirstRow=keepFirstRow,
                          keepFirstCol=keepFirstCol)
        rows = self._rows
        if keepSize:
            blank = ("",) * self._width
            self._rows = [r if (keepFirstRow and i == 0) else
                          (r[:1] + blank[1:] if keepFirstCol else blank)
                          for i, r in enumerate(rows)]
        elif keepFirstCol:
            head = [rows[0]] if keepFirstRow and rows else []
            width = self._width if head else min(self._width, 1)
            tail = rows[len(head):]
            self._rows = head + [r[:1] + ("",) * (width - 1) for r in tail]
            self._width = width
        else:
            del rows[1 if keepFirstRow else 0:]
            if not rows:
                self._width = 0
        self._changed()

    # -- internals ------------------------------------------------------------
    def _check(self) -> None:
        """The thread check every access makes, then the pending refresh if any."""
        self.guard.check(self)
        if self._stale:
            self._stale = False  # the refresh writes through the checked methods
            self._refreshing = True
            try:
                self._refresh()  # type: ignore[misc]
            finally:
                self._refreshing = False

    def _changed(self) -> None:
        """Every write ends here: the version grows, and an edit from outside the
        refresh makes the next read run it."""
        self._version += 1
        if not self._refreshing and self._refresh is not None:
            self._stale = True

    def _set(self, row: int, col: int, value: object) -> None:
        # Callers have checked the thread and the indices.
        cells = list(self._rows[row])
        cells[col] = value if type(value) is str else str(value)
        self._rows[row] = tuple(cells)
        labels_valid = self._labels_version == self._version
        self._changed()
        if labels_valid and col != 0:
            # Labels are the first column's text: a write elsewhere leaves them valid
            # (else every write by label would rebuild them, O(rows) each).
            self._labels_version = self._version

    def _position(self, row: object, col: object) -> tuple[int, int]:
        """A position given as two indices, checked; raises naming what exists."""
        if isinstance(row, str) or isinstance(col, str):
            raise TypeError(f"{self.path} expected a position as two indices, got "
                            f"({row!r}, {col!r}); use dat[row, col] for labels and names")
        return (require_row(self.path, {}, len(self._rows), row),
                require_col(self.path, self._header(), self._width, col))

    def _append_fitted(self, cells: tuple[str, ...]) -> None:
        fitted = cells if len(cells) == self._width else self._fit(cells)  # may rebind _rows
        self._rows.append(fitted)

    def _fit(self, cells: tuple[str, ...]) -> tuple[str, ...]:
        """``cells`` padded to the table's width, widening the table if it is longer."""
        width = len(cells)
        if width > self._width:
            pad = ("",) * (width - self._width)
            self._rows = [r + pad for r in self._rows]
            self._width = width
            return cells
        return cells + ("",) * (self._width - width)

    @staticmethod
    def _as_cells(values: Iterable[object], where: str) -> tuple[str, ...]:
        # Lists and tuples skip the ABC check: the table sync appends rows by the 100k.
        if type(values) is not list and type(values) is not tuple and (
                isinstance(values, str | bytes) or not isinstance(values, Iterable)):
            raise TypeError(f"{where}() expected a list of cell values, got {values!r}")
        return tuple(map(str, values))

    def _split_key(self, key: Any) -> tuple[Any, Any]:
        if not (isinstance(key, tuple) and len(key) == 2):
            raise TypeError(f"{self.path}[...] expected [row, col], got {key!r}")
        return key[0], key[1]

    def _locate(self, key: Any) -> tuple[int, int]:
        """The cell a write goes to; raises when there is none."""
        if type(key) is tuple and len(key) == 2:
            row, col = key
            # The common case, plain in-range ints, without the checks below.
            if (type(row) is int and type(col) is int
                    and 0 <= row < len(self._rows) and 0 <= col < self._width):
                return row, col
        row, col = self._split_key(key)
        return self._row_index(row), self._col_index(col)

    def _row_labels(self) -> dict[str, int]:
        """First-column text -> first row holding it, rebuilt once per version."""
        if self._labels_version != self._version:
            labels: dict[str, int] = {}
            for i, r in enumerate(self._rows):
                if r:
                    labels.setdefault(r[0], i)
            self._labels = labels
            self._labels_version = self._version
        return self._labels

    def _header(self) -> tuple[str, ...]:
        return self._rows[0] if self._rows else ()

    def _find_row(self, index: object) -> int | None:
        labels = self._row_labels() if isinstance(index, str) else {}
        return find_row(self.path, labels, len(self._rows), index)

    def _find_col(self, col: object) -> int | None:
        return find_col(self.path, self._header(), self._width, col)

    def _existing(self, keys: Iterable[int | str], find: Callable[[object], int | None],
                  what: str) -> list[int]:
        if isinstance(keys, str | bytes) or not isinstance(keys, Iterable):
            raise TypeError(f"findCell() expected {what} as a list of indices or names, "
                            f"got {keys!r}")
        found = (find(key) for key in keys)
        return [i for i in found if i is not None]

    def _row_index(self, index: object) -> int:
        labels = self._row_labels() if isinstance(index, str) else {}
        return require_row(self.path, labels, len(self._rows), index)

    def _col_index(self, col: object) -> int:
        return require_col(self.path, self._header(), self._width, col)
