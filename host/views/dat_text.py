"""A DAT as text for the terminal and headless views (``framehost run ... --show PATH``).

`read_dat` takes a copy of the DAT's contents on the host's thread (before the host
closes); `render_dat` lays that copy out for rich: a table DAT as a table whose
first row is its header, a text DAT as its lines, numbered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

__all__ = ["DatShown", "read_dat", "render_dat"]


@dataclass(frozen=True, slots=True)
class DatShown:
    """A DAT's contents, copied: ``rows`` for a table, ``text`` for a text DAT."""

    path: str
    rows: tuple[tuple[str, ...], ...] | None
    text: str | None


def read_dat(host: Any, path: str) -> DatShown | str:
    """A copy of the DAT at ``path``, or one sentence saying why there is none."""
    try:
        op = host.op(path)
    except (TypeError, ValueError) as exc:
        return f"--show {path!r}: {exc}"
    if op is None:
        return (f"--show expected the path of a DAT, such as /ChatTD/TDAsyncIO/task_table; "
                f"there was no operator at {path!r} when the run ended")
    if getattr(op, "family", None) != "DAT":
        return (f"--show expected the path of a DAT; {path!r} is a "
                f"{getattr(op, 'family', type(op).__name__)} ({type(op).__name__})")
    if getattr(op, "isTable", hasattr(op, "values")):
        return DatShown(op.path, tuple(tuple(row) for row in op.values()), None)
    return DatShown(op.path, None, str(op.text))


def render_dat(shown: DatShown) -> RenderableType:
    if shown.rows is not None:
        rows = shown.rows
        title = f"{shown.path} · {len(rows)} row{'s' if len(rows) != 1 else ''}"
        if not rows:
            return Group(Text(title, style="bold"), Text("(empty table)", style="dim"))
        width = max(len(row) for row in rows)
        table = Table(title=title, title_justify="left", show_lines=False)
        for i in range(width):
            table.add_column(rows[0][i] if i < len(rows[0]) else "", overflow="fold")
        for row in rows[1:]:
            table.add_row(*row, *([""] * (width - len(row))))
        return table
    lines = (shown.text or "").splitlines()
    body = Text()
    for i, line in enumerate(lines, 1):
        body.append(f"{i:>4} ", style="dim")
        body.append(line + "\n")
    title = f"{shown.path} · {len(lines)} line{'s' if len(lines) != 1 else ''}"
    return Group(Text(title, style="bold"), body if lines else Text("(empty text)",
                                                                    style="dim"))
