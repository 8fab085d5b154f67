"""The one duration formatter and the one milliseconds formatter of every view.

The terminal table, the window's table, details strip and worker panel, the
end-of-run summary and the one-line summary all print times through these two, so
the same duration reads the same everywhere. Each keeps a steady width while the
value ticks (a fixed number of significant characters), so a column does not jitter.
"""

from __future__ import annotations

__all__ = ["format_duration", "format_ms"]


def format_duration(seconds: float) -> str:
    """``0.25s``, ``59.99s``, ``2m05.3s``, ``1h02m``: at most 8 characters below 10 hours."""
    if seconds < 0:
        seconds = 0.0
    if seconds < 60:
        # 59.996 would round to "60.00s"; show it as the minute it nearly is.
        text = f"{seconds:.2f}s"
        if text != "60.00s":
            return text
        seconds = 60.0
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        if round(rest, 1) >= 60:
            minutes, rest = minutes + 1, 0.0
        if minutes < 60:
            return f"{int(minutes)}m{rest:04.1f}s"
        seconds = 3600.0
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_ms(seconds: float) -> str:
    """A time in milliseconds with three significant digits: ``0.42 ms``, ``16.7 ms``,
    ``173 ms``."""
    ms = seconds * 1000.0
    if ms < 9.995:
        return f"{ms:.2f} ms"
    if ms < 99.95:
        return f"{ms:.1f} ms"
    return f"{ms:.0f} ms"
