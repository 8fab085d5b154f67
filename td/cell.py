"""Cell: one cell of a table DAT, which behaves as its text as TouchDesigner's does."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

__all__ = ["Cell", "CellSource"]


class CellSource(Protocol):
    """What a cell needs of its table (`TableDAT` fits it); a protocol, so this module
    stands below ``table`` without importing it."""

    @property
    def path(self) -> str: ...

    @property
    def numRows(self) -> int: ...

    @property
    def numCols(self) -> int: ...

    def cellValue(self, row: int, col: int) -> str: ...

    def setCellValue(self, row: int, col: int, value: object) -> None: ...


class Cell:
    """One cell, addressed by its row and column at the time it was taken.

    As in TouchDesigner a cell casts to its value: ``str(cell)``, ``int(cell)``,
    ``float(cell)``; ``cell == value`` compares as ``value``'s type (``cell == 3``
    is numeric, ``cell == '3'`` textual), and so do ``<``, ``<=``, ``>``, ``>=``.

    A cell is not hashable: it equals both its text and its number, which no one
    hash can agree with, and its value changes with the table.
    """

    __slots__ = ("_col", "_dat", "_row")

    def __init__(self, dat: CellSource, row: int, col: int) -> None:
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
        return self._dat.cellValue(self._row, self._col)

    @val.setter
    def val(self, value: object) -> None:
        self._dat.setCellValue(self._row, self._col, value)

    def __str__(self) -> str:
        return self.val

    def __float__(self) -> float:
        text = self.val
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{self!r} holds {text!r}, not a number") from None

    def __int__(self) -> int:
        text = self.val
        try:
            return int(text)
        except ValueError:
            number = float(self)
            if not number.is_integer():
                raise ValueError(f"{self!r} holds {text!r}, not a whole number") from None
            return int(number)

    def _as_type_of(self, other: object) -> object:
        """This cell's value as ``other``'s type: str, float for numbers, else None."""
        if isinstance(other, Cell):
            return self.val
        if isinstance(other, str):
            return self.val
        if isinstance(other, int | float):
            try:
                return float(self.val)
            except ValueError:
                return None
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        mine = self._as_type_of(other)
        if mine is NotImplemented:
            return NotImplemented
        theirs = other.val if isinstance(other, Cell) else other
        return mine is not None and bool(mine == theirs)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def _order(self, other: object) -> tuple[Any, Any]:
        mine = self._as_type_of(other)
        if mine is None or mine is NotImplemented:
            raise TypeError(f"cannot order {self!r} against {other!r}")
        return mine, other.val if isinstance(other, Cell) else other

    def __lt__(self, other: object) -> bool:
        mine, theirs = self._order(other)
        return bool(mine < theirs)

    def __le__(self, other: object) -> bool:
        mine, theirs = self._order(other)
        return bool(mine <= theirs)

    def __gt__(self, other: object) -> bool:
        mine, theirs = self._order(other)
        return bool(mine > theirs)

    def __ge__(self, other: object) -> bool:
        mine, theirs = self._order(other)
        return bool(mine >= theirs)

    __hash__: ClassVar[None]  # type: ignore[assignment]
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        where = f"{self._dat.path}[{self._row}, {self._col}]"
        try:
            text = repr(self.val)
        except IndexError:  # its row or column was deleted since it was taken
            dat = self._dat
            text = f"(no such cell: {dat.path} has {dat.numRows} rows and {dat.numCols} columns)"
        except Exception as exc:  # a repr never raises (a destroyed table refuses reads)
            text = f"(unreadable: {type(exc).__name__})"
        return f"<Cell {where} {text}>"
