"""The ``cluster_table`` DAT of a `DaskFarm`: one row per Dask worker.

The farm polls the scheduler a few times per second; `worker_rows` turns one poll's
answer into immutable rows, and `ClusterTable.update` writes only the cells that
changed since the last poll, so a steady cluster costs the table nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from td.table import TableDAT

__all__ = ["HEADER", "ClusterTable", "WorkerRow", "worker_rows"]

HEADER = ("address", "threads", "memory", "tasks")


@dataclass(frozen=True, slots=True)
class WorkerRow:
    """One worker as the table shows it."""

    address: str
    threads: int
    #: Process memory in use, as text ("123 MiB"): rounded, so it changes rarely.
    memory: str
    #: Tasks the scheduler has assigned to the worker and not yet seen finish.
    tasks: int

    def cells(self) -> tuple[str, ...]:
        return (self.address, str(self.threads), self.memory, str(self.tasks))


def _mebibytes(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value / 2**20:.0f} MiB"
    return ""


def worker_rows(workers: Mapping[str, Mapping[str, Any]],
                processing: Mapping[str, Iterable[object]]) -> list[WorkerRow]:
    """Rows from the scheduler's ``identity()["workers"]`` and ``processing()``, by address."""
    rows = []
    for address in sorted(workers):
        info = workers[address]
        metrics = info.get("metrics") or {}
        rows.append(WorkerRow(address, int(info.get("nthreads", 0)),
                              _mebibytes(metrics.get("memory")),
                              len(list(processing.get(address, ())))))
    return rows


class ClusterTable:
    """Keeps a `TableDAT` equal to the latest worker rows, writing only what changed."""

    def __init__(self, dat: TableDAT) -> None:
        self._dat = dat
        self._shown: list[WorkerRow] = []
        dat.clear()
        dat.appendRow(HEADER)

    @property
    def rows(self) -> tuple[WorkerRow, ...]:
        """What the table shows now, in table order."""
        return tuple(self._shown)

    def update(self, rows: list[WorkerRow]) -> int:
        """Show ``rows`` (sorted by address); the number of cells written."""
        dat = self._dat
        if not dat.valid:
            return 0
        if [r.address for r in rows] != [r.address for r in self._shown]:
            # Workers came or went (rare): rewrite the body once.
            dat.clear(keepFirstRow=True)
            for row in rows:
                dat.appendRow(row.cells())
            self._shown = list(rows)
            return len(rows) * len(HEADER)
        written = 0
        for index, (new, old) in enumerate(zip(rows, self._shown, strict=True), start=1):
            if new == old:
                continue
            for col, (value, before) in enumerate(zip(new.cells(), old.cells(), strict=True)):
                if value != before:
                    dat[index, col] = value
                    written += 1
        self._shown = list(rows)
        return written

    def clear(self) -> None:
        """No workers (the client closed)."""
        self.update([])
