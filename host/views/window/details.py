"""The strip under the table: the full text of the hovered or selected row, or of
whatever abbreviated text the pointer is over anywhere in the window.

Table cells truncate long errors with "…", and the header, the tiles and the
parameter labels abbreviate what does not fit; this is where the whole text is read.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from asyncio_comp.records import TaskRow
from host.views._format import format_duration
from host.views.row_text import format_time
from host.views.window.canvas import Canvas, Span
from host.views.window.colors import STATUS_COLORS, UI, Color
from host.views.window.layout import Box

if TYPE_CHECKING:
    from td.blame import LateFrameReport

__all__ = ["DetailsStrip"]

HINT = "Hover a row to read its full error and info; click to select it, click its ✕ to cancel."


#: Host seconds a row's list of children is kept before it is looked up again (the
#: look-up scans every task).
CHILDREN_REFRESH_SECONDS = 0.5


class DetailsStrip:
    """Up to a few wrapped lines about one row; rewritten only when that row changes.

    Given ``where`` (`AsyncIOManager.where`) and ``children``
    (`AsyncIOManager.children`), it also says where a running task waits and which
    tasks it started.
    """

    def __init__(self, canvas: Canvas, *, where: Callable[[int], list[str]] | None = None,
                 children: Callable[[int], list[int]] | None = None) -> None:
        self.canvas = canvas
        self.lines: list[Span] = []
        self._shown: tuple[TaskRow | str | None, bool] | None = None
        self._where = where
        self._children = children
        self._kids: tuple[int, float, list[int]] | None = None  # task id, when, ids

    def layout(self, box: Box, lines: int) -> None:
        c = self.canvas
        c.rect(box.x, box.y, box.w, box.h, UI.panel)
        chars = int((box.w - 12) // c.char_width)
        top = box.top - 4
        self.lines = [c.span(box.x + 6, top - (i + 1) * c.line_height - c.atlas.descent, chars,
                             UI.text) for i in range(lines)]
        self._shown = None

    def show_frame(self, frame: int, report: LateFrameReport | None) -> None:
        """What the frame-time graph's hovered bar was: an over-budget frame's top
        costs, or that the frame kept to its budget."""
        self._shown = None  # the row's lines come back when the pointer leaves
        if report is None:
            texts = [(f"frame {frame}: within its budget (frames that take longer keep "
                      f"their top costs)", UI.text_dim)]
        else:
            texts = [(f"frame {report.frame} over budget: {report.duration * 1000:.1f} ms; "
                      f"its top costs:", UI.warn)]
            texts += [(f"  {e.kind:8} {e.name}  {e.seconds * 1000:.1f} ms", UI.text)
                      for e in report.top[:len(self.lines) - 1]]
        for i, span in enumerate(self.lines):
            text, color = texts[i] if i < len(texts) else ("", UI.text)
            span.set(text, color)

    def show(self, row: TaskRow | None, now: float, tip: str = "") -> None:
        """Show ``tip`` (the whole of an abbreviated text under the pointer) if any,
        else ``row``."""
        # An active row's duration ticks; its line is rebuilt each frame, cheaply.
        key = (tip or row, not tip and row is not None and row.status.is_active)
        if key == self._shown and not key[1]:
            return
        self._shown = key
        texts = self._tip(tip) if tip else self._texts(row, now)
        for i, span in enumerate(self.lines):
            text, color = texts[i] if i < len(texts) else ("", UI.text)
            span.set(text, color)

    def _tip(self, tip: str) -> list[tuple[str, Color]]:
        width = self.lines[0].chars if self.lines else 80
        lines = textwrap.wrap(tip.replace("\n", " | "), max(1, width)) or [""]
        if len(lines) > len(self.lines):
            lines = lines[: len(self.lines)]
            lines[-1] = lines[-1][: width - 1] + "…"
        return [(line, UI.text) for line in lines]

    def _texts(self, row: TaskRow | None, now: float) -> list[tuple[str, Color]]:
        if row is None:
            return [(text, UI.text_dim) for text, _ in self._tip(HINT)]
        width = self.lines[0].chars if self.lines else 80
        head = (f"#{row.task_id}  {row.status.value}  {row.description}  ·  "
                f"duration {format_duration(row.duration(now))}  created "
                f"{format_time(row.created_at)}"
                + (f"  completed {format_time(row.completed_at)}" if row.completed_at is not None
                   else "")
                + (f"  timeout {row.timeout:g}s" if row.timeout is not None else ""))
        out: list[tuple[str, Color]] = [(head, STATUS_COLORS[row.status])]
        lineage = self._lineage(row, now)
        if lineage:
            out.append((lineage, UI.text_dim))
        if self._where is not None and row.status.is_active:
            chain = self._where(row.task_id)
            if chain:
                # Innermost first: where it waits matters more than how it got there;
                # files by their name, the folders cost the line its width.
                frames = [line.rsplit("/", 1)[-1] for line in reversed(chain[:-1])]
                text = "waits: " + " ← ".join([chain[-1], *frames])
                room = max(1, len(self.lines) - len(out) - (1 if row.error else 0))
                wrapped = textwrap.wrap(text, width)[:room]
                out.extend((line, UI.accent) for line in wrapped)
        budget = max(0, len(self.lines) - len(out))
        if row.error:
            wrapped = textwrap.wrap("error: " + row.error.replace("\n", " | "), width) or [""]
            if row.info:
                budget -= 1
            if len(wrapped) > budget:
                wrapped = wrapped[:budget]
                wrapped[-1] = wrapped[-1][: width - 1] + "…"
            out.extend((line, UI.error_text) for line in wrapped)
        if row.info and len(out) < len(self.lines):
            out.append(("info: " + row.info.replace("\n", " "), UI.text_dim))
        return out

    def _lineage(self, row: TaskRow, now: float) -> str:
        """``parent #3 · children #5 #6``: empty when the task has neither."""
        parts = []
        if row.parent_id is not None:
            parts.append(f"parent #{row.parent_id}")
        if self._children is not None:
            kids = self._kids
            if kids is None or kids[0] != row.task_id or now - kids[1] >= CHILDREN_REFRESH_SECONDS:
                kids = self._kids = (row.task_id, now, self._children(row.task_id))
            ids = kids[2]
            if ids:
                shown = " ".join(f"#{i}" for i in ids[:12])
                parts.append(f"children {shown}" + (f" (+{len(ids) - 12})" if len(ids) > 12
                                                    else ""))
        return " · ".join(parts)
