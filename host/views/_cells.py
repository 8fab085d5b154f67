"""A cell shared by the terminal view's task table and its worker panel."""

from __future__ import annotations

from rich.text import Text

__all__ = ["bouncing_bar"]

_BOUNCE_LENGTH = 3


def bouncing_bar(now: float, width: int, style: str) -> Text:
    """Work of unknown size: a short block sliding to and fro, placed by host time."""
    span = width - _BOUNCE_LENGTH
    step = int(now * 8) % (2 * span) if span > 0 else 0
    start = step if step <= span else 2 * span - step
    bar = Text("─" * start, style="grey30")
    bar.append("━" * _BOUNCE_LENGTH, style=style)
    bar.append("─" * (width - start - _BOUNCE_LENGTH), style="grey30")
    return bar
