"""The cluster panel: the workers of every Dask farm, as its ``cluster_table`` lists them.

A farm is any operator with a child table DAT named ``cluster_table`` (what
``operators.DaskFarm`` keeps); the panel reads only that table, so the window
never imports Dask. It walks the network for farms a few times a second, like
the network panel, and rewrites its lines only when a table's version moved
(the farm itself writes a table at most a few times a second, and only the
cells that changed): a steady cluster costs a frame one version compare per farm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from host.views.window.canvas import Canvas, Span
from host.views.window.colors import UI
from host.views.window.layout import Box
from td.table import TableDAT

if TYPE_CHECKING:
    from td.network import OperatorHost

__all__ = ["CLUSTER_SHARE", "ClusterPanel", "cluster_lines"]

WALKS_PER_SECOND = 4
HEADING = "Dask cluster"
TABLE_NAME = "cluster_table"
#: The share of the box it is given (the network list's) that the panel takes.
CLUSTER_SHARE = 0.45


def find_cluster_tables(host: OperatorHost) -> list[TableDAT]:
    """Every ``cluster_table`` DAT in the network, in creation order."""
    return [op for op in host.root.walk()
            if isinstance(op, TableDAT) and op.name == TABLE_NAME]


def cluster_lines(tables: list[TableDAT]) -> list[tuple[str, bool]]:
    """The panel's lines, each with whether it is a heading (a farm's path)."""
    lines: list[tuple[str, bool]] = []
    for dat in tables:
        rows = dat.values()
        farm = dat.parent()
        workers = rows[1:]
        total = sum(int(r[3]) for r in workers if len(r) > 3 and r[3].isdigit())
        lines.append((f"{farm.path if farm else dat.path}  {len(workers)} workers, "
                      f"{total} tasks", True))
        if not workers:
            lines.append(("not connected", False))
        for address, threads, memory, tasks, *_ in workers:
            host_port = address.split("://", 1)[-1]
            lines.append((f"{host_port}  {threads}t {memory:>8}  {tasks:>4}", False))
    return lines


class ClusterPanel:
    """Lines of text under a heading, one per farm and one per worker."""

    def __init__(self, canvas: Canvas, host: OperatorHost) -> None:
        self.canvas = canvas
        self.host = host
        self.tables: list[TableDAT] = []
        self.box: Box | None = None
        self.lines: list[Span] = []
        self._versions: tuple[int, ...] | None = None
        self._last_walk = -(10**9)

    @property
    def has_farms(self) -> bool:
        return bool(self.tables)

    def discover(self) -> bool:
        """Walk the network for cluster tables (at most `WALKS_PER_SECOND`, or at once
        when one was destroyed); True when the set of tables changed."""
        host = self.host
        every = max(1, round(host.fps / WALKS_PER_SECOND))
        destroyed = any(not dat.valid for dat in self.tables)
        if host.frame - self._last_walk < every and not destroyed:
            return False
        self._last_walk = host.frame
        tables = find_cluster_tables(host)
        if tables == self.tables:
            return False
        self.tables = tables
        self._versions = None
        return True

    def split(self, box: Box) -> tuple[Box, Box | None]:
        """``box`` less the panel's part at its bottom, and that part (None without farms)."""
        if not self.tables:
            return box, None
        own = round(box.h * CLUSTER_SHARE)
        return Box(box.x, box.y + own, box.w, box.h - own), Box(box.x, box.y, box.w, own)

    def layout(self, box: Box | None) -> None:
        """Allocate a text line for every line that fits in ``box``; None shows nothing."""
        self.box = box
        self.lines = []
        self._versions = None
        if box is None:
            return
        c = self.canvas
        lh = c.line_height
        c.rect(*box.xywh, UI.panel)
        head_h = lh + 8
        c.rect(box.x, box.top - head_h, box.w, head_h, UI.header)
        c.text(box.x + 10, c.baseline(box.top - head_h, head_h), HEADING, UI.accent)
        top = box.top - head_h - 4
        count = max(0, int((top - box.y - 4) // lh))
        chars = max(8, int((box.w - 20) // c.char_width))
        self.lines = [c.span(box.x + 10, c.baseline(top - (i + 1) * lh, lh), chars, UI.text)
                      for i in range(count)]

    def update(self) -> None:
        """Rewrite the lines when any table changed since the last frame."""
        if not self.lines:
            return
        tables = [dat for dat in self.tables if dat.valid]
        versions = tuple(dat.version for dat in tables)
        if versions == self._versions:
            return
        self._versions = versions
        lines = cluster_lines(tables)
        for i, span in enumerate(self.lines):
            if i < len(lines):
                text, heading = lines[i]
                span.set(text, UI.accent if heading else UI.text)
            else:
                span.set("")

    def texts(self) -> list[str]:
        """The text of each line as shown, for tests."""
        return [span.text for span in self.lines]
