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

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from host.engine.network import OP

if TYPE_CHECKING:
    from host.engine.network import BaseCOMP, OperatorHost

__all__ = ["Cell", "TableDAT"]


class Cell:
    """One cell, addressed by its row and column at the time it was taken."""

    __slots__ = ("_col", "_dat", "_row")

    def __init__(self, dat: TableDAT, row: int, col: int) -> None:
        self._dat = dat
        self._row = row
        self._col = col

    @property
    def row(self) -> int:
        return self._row

    @property
    def col(self) -> int:
        return self._col

    @property
    def val(self) -> str:
        self._dat._check()
        return self._dat._rows[self._row][self._col]

    @val.setter
    def val(self, value: object) -> None:
        self._dat._check()
        self._dat._set(self._row, self._col, value)

    def __str__(self) -> str:
        return self.val

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Cell):
            return self.val == other.val
        if isinstance(other, str):
            return self.val == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.val)

    def __repr__(self) -> str:
        return f"<Cell {self._dat.path}[{self._row}, {self._col}] {self.val!r}>"


class TableDAT(OP):
    """A table DAT: ``dat[row, col].val``, ``appendRow``, ``clear`` and friends."""

    family = "DAT"

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
    def __getitem__(self, key: tuple[int, int | str]) -> Cell:
        self._check()
        row, col = self._locate(key)
        return Cell(self, row, col)

    def __setitem__(self, key: tuple[int, int | str], value: object) -> None:
        self._check()
        row, col = self._locate(key)
        self._set(row, col, value)

    def row(self, index: int) -> list[Cell]:
        self._check()
        r = self._row_index(index)
        return [Cell(self, r, c) for c in range(self._width)]

    def col(self, name_or_index: int | str) -> list[Cell]:
        self._check()
        c = self._col_index(name_or_index)
        return [Cell(self, r, c) for r in range(len(self._rows))]

    def rows(self) -> list[list[Cell]]:
        self._check()
        return [[Cell(self, r, c) for c in range(self._width)] for r in range(len(self._rows))]

    def values(self) -> list[list[str]]:
        """A copy of the whole table as lists of strings (cheap to hand to a view)."""
        self._check()
        return [list(r) for r in self._rows]

    # -- writing --------------------------------------------------------------
    def appendRow(self, values: Iterable[object] = ()) -> int:
        """Append a row (padded to the table's width, widening it if longer); its index."""
        self._check()
        cells = self._as_cells(values, "appendRow")
        if len(cells) != self._width:
            cells = self._fit(cells)
        rows = self._rows
        rows.append(cells)
        self._version += 1  # `_changed()` inlined: the task table appends rows by the 100k
        if not self._refreshing and self._refresh is not None:
            self._stale = True
        return len(rows) - 1

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

    def clear(self, keepFirstRow: bool = False) -> None:
        """Remove every row, or every row but the header with ``keepFirstRow=True``."""
        self._check()
        del self._rows[1 if keepFirstRow else 0:]
        if not self._rows:
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
        self._changed()

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

    def _locate(self, key: Any) -> tuple[int, int]:
        if type(key) is tuple and len(key) == 2:
            row, col = key
            # The common case, plain in-range ints, without the checks below.
            if (type(row) is int and type(col) is int
                    and 0 <= row < len(self._rows) and 0 <= col < self._width):
                return row, col
        if not (isinstance(key, tuple) and len(key) == 2):
            raise TypeError(f"{self.path}[...] expected [row, col], got {key!r}")
        return self._row_index(key[0]), self._col_index(key[1])

    def _row_index(self, index: object) -> int:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"{self.path} expected a row index (int), got {index!r}")
        n = len(self._rows)
        if not -n <= index < n:
            raise IndexError(f"{self.path} has {n} rows (0..{n - 1}); row {index} is out of range")
        return index % n

    def _col_index(self, col: object) -> int:
        if isinstance(col, str):
            if self._rows:
                header = self._rows[0]
                if col in header:
                    return header.index(col)
            names = ", ".join(self._rows[0]) if self._rows else "no header row"
            raise KeyError(f"{self.path} has no column named {col!r}; its header is: {names}")
        if isinstance(col, bool) or not isinstance(col, int):
            raise TypeError(f"{self.path} expected a column index or header name, got {col!r}")
        w = self._width
        if not -w <= col < w:
            raise IndexError(f"{self.path} has {w} columns; column {col} is out of range")
        return col % w
