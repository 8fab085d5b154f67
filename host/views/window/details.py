"""The strip under the table: the full text of the hovered or selected row, or of
whatever abbreviated text the pointer is over anywhere in the window.

Table cells truncate long errors with "…", and the header, the tiles and the
parameter labels abbreviate what does not fit; this is where the whole text is read.
"""

from __future__ import annotations

import textwrap

from asyncio_comp.records import TaskRow
from host.views._format import format_duration
from host.views.window.canvas import Canvas, Span
from host.views.window.colors import STATUS_COLORS, UI, Color
from host.views.window.layout import Box
from host.views.window.table_model import format_time

__all__ = ["DetailsStrip"]

HINT = "Hover a row to read its full error and info; click to select it, click its ✕ to cancel."


class DetailsStrip:
    """Up to a few wrapped lines about one row; rewritten only when that row changes."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.lines: list[Span] = []
        self._shown: tuple[TaskRow | str | None, bool] | None = None

    def layout(self, box: Box, lines: int) -> None:
        c = self.canvas
        c.rect(box.x, box.y, box.w, box.h, UI.panel)
        chars = int((box.w - 12) // c.char_width)
        top = box.top - 4
        self.lines = [c.span(box.x + 6, top - (i + 1) * c.line_height - c.atlas.descent, chars,
                             UI.text) for i in range(lines)]
        self._shown = None

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
        budget = max(0, len(self.lines) - 1)
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
