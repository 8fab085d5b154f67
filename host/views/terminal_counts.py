"""The terminal view's count lines: tasks per status now, and endings over the run.

Each fits its line by trying wider then tighter forms (gaps, short labels, no
bullets) until one fits the console's width, so the counts never wrap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from host.views.palette import SHORT_STATUS, STATUS_ORDER, status_style

if TYPE_CHECKING:
    from asyncio_comp.status import TaskStatus

__all__ = ["Counts", "Lifetime", "counts_by_value", "render_counts", "render_lifetime"]


def counts_by_value(counts: Mapping[TaskStatus, int]) -> dict[str, int]:
    """Counts keyed by status value (``"running"``), whatever the keys given."""
    return {str(status): int(n) for status, n in counts.items()}


def render_counts(counts: Mapping[TaskStatus, int]) -> RenderableType:
    """``● pending 1  ● running 3  ...  total 12`` on one line, whatever the width:
    narrower consoles get tighter gaps, then short labels."""
    return Counts(counts_by_value(counts))




class Counts:
    def __init__(self, by_status: dict[str, int]) -> None:
        self._by_status = by_status

    def text(self, gap: int, short: bool, bullet: bool = True) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        total = 0
        for status in STATUS_ORDER:
            n = self._by_status.get(status, 0)
            total += n
            style = status_style(status)
            if bullet:
                text.append("● ", style=style)
            label = SHORT_STATUS[status] if short else status
            text.append(f"{label} ", style=style if n else "dim")
            text.append(f"{n}", style="bold" if n else "dim")
            text.append(" " * gap)
        text.append(f"total {total}", style="bold")
        return text

    def lines(self, width: int) -> list[Text]:
        for gap, short, bullet in ((3, False, True), (2, False, True), (2, True, True),
                                   (1, True, True), (1, True, False)):
            text = self.text(gap, short, bullet)
            if text.cell_len <= width:
                break
        return [text]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)


def render_lifetime(lifetime: Mapping[TaskStatus, int]) -> Text:
    """``whole run  completed 120  failed 1  ...  ended 130`` at full width."""
    return Lifetime(counts_by_value(lifetime)).text(3, False)


class Lifetime:
    """``whole run  completed 120  failed 1  ...  ended 130``: the tasks that ended in
    each final status since the start, however many Clear After has removed."""

    def __init__(self, ended: dict[str, int]) -> None:
        self._ended = ended

    def text(self, gap: int, short: bool) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("run " if short else "whole run  ", style="grey70")
        for status in STATUS_ORDER:
            if status not in self._ended:
                continue
            n = self._ended[status]
            text.append(f"{SHORT_STATUS[status] if short else status} ",
                        style=status_style(status) if n else "dim")
            text.append(f"{n}", style="bold" if n else "dim")
            text.append(" " * gap)
        text.append(f"ended {sum(self._ended.values())}", style="bold")
        return text

    def lines(self, width: int) -> list[Text]:
        for gap, short in ((3, False), (2, False), (2, True), (1, True)):
            text = self.text(gap, short)
            if text.cell_len <= width:
                break
        return [text]


