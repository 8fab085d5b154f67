"""Where ``dat[row, col]`` points: row indices and labels, column indices and names.

TouchDesigner addresses a table DAT's cells by index or by name: a row by its label
(the text of its first cell, e.g. a task id in ``task_table``), a column by its
header name. Reads answer None when nothing is there (TD's way); writes need a cell
and raise, naming the table, the key and what exists. These functions work on the
table's plain rows, so the rules live in one place apart from the storage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from td.td_error import TDIndexError, TDKeyError

__all__ = ["find_col", "find_row", "require_col", "require_row"]


def find_row(path: str, labels: Mapping[str, int], n_rows: int, index: object) -> int | None:
    """The row an index or label names, None when none; TypeError for other keys."""
    if isinstance(index, str):
        return labels.get(index)
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"{path} expected a row index (int) or label (str), got {index!r}")
    return index % n_rows if -n_rows <= index < n_rows else None


def find_col(path: str, header: Sequence[str], width: int, col: object) -> int | None:
    """The column an index or header name names, None when none."""
    if isinstance(col, str):
        return header.index(col) if col in header else None
    if isinstance(col, bool) or not isinstance(col, int):
        raise TypeError(f"{path} expected a column index or header name, got {col!r}")
    return col % width if -width <= col < width else None


def require_row(path: str, labels: Mapping[str, int], n_rows: int, index: object) -> int:
    """As `find_row`, but a missing row raises (KeyError for a label, else IndexError;
    both are also TD's ``tdError``)."""
    found = find_row(path, labels, n_rows, index)
    if found is not None:
        return found
    if isinstance(index, str):
        raise TDKeyError(f"{path} has no row labelled {index!r} (first column)")
    raise TDIndexError(f"{path} has {n_rows} rows (0..{n_rows - 1}); row {index} is out of range")


def require_col(path: str, header: Sequence[str], width: int, col: object) -> int:
    """As `find_col`, but a missing column raises (KeyError for a name, else IndexError)."""
    found = find_col(path, header, width, col)
    if found is not None:
        return found
    if isinstance(col, str):
        names = ", ".join(header) if header else "no header row"
        raise TDKeyError(f"{path} has no column named {col!r}; its header is: {names}")
    raise TDIndexError(f"{path} has {width} columns; column {col} is out of range")
