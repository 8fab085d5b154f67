"""Views: read-only pictures of a running host, drawn at the end of frames.

The terminal view and the end-of-run summary are re-exported here. The pyglet
window lives in ``host.views.window`` and is never imported from this module, so a
``--terminal`` or ``--headless`` run does not load pyglet or touch GL.
"""

from host.views.summary import render_summary as render_summary
from host.views.summary import summary_line as summary_line
from host.views.terminal import STATUS_STYLES as STATUS_STYLES
from host.views.terminal import TerminalView as TerminalView
from host.views.terminal import render_task_view as render_task_view

__all__ = [
    "STATUS_STYLES",
    "TerminalView",
    "render_summary",
    "render_task_view",
    "summary_line",
]
