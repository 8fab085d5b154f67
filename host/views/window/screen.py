"""Screen: the parts of the window laid out together, fed one frame at a time, and
the routing of pyglet's input events to the part under the pointer.

The side column stacks the network editor, the inspector (the selected operator's
parameter pages, a DAT's contents) and, while the host has them, the worker queues
and the cluster panel (`layout.SIDE_PANES`); the window is laid out again when the
first worker or farm appears or the last one goes, never otherwise.

Keys go to the focused field first; then ``i``/``u`` to the network editor (dive
in, go up, as in TouchDesigner); then the scrolling keys to the pane under the
pointer, the task table by default. Wherever the pointer rests on text that was
abbreviated to fit, the details strip shows it whole.

It reads the host (stats, task rows, network) and acts on it only through what a
user could do: pulse a parameter, set a parameter, cancel a task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyglet.window import key

from host.views.window.canvas import Canvas
from host.views.window.cluster_panel import ClusterPanel
from host.views.window.details import DetailsStrip
from host.views.window.header import HeaderView
from host.views.window.layout import DETAILS_LINES, PAD, Layout, split_side, split_window
from host.views.window.network_editor import NetworkEditor
from host.views.window.param_panel import ParamPanel, read_only_refusal
from host.views.window.table_renderer import TableRenderer
from host.views.window.timeline_pane import TimelinePane, split_timeline
from host.views.window.widgets import Button, NumberField
from host.views.window.worker_panel import WorkerPanel

if TYPE_CHECKING:
    from host.views._host import ViewedHost as Host

__all__ = ["Screen"]


def _write_unless_read_only(par: Any, value: float) -> None:
    """The toolbar's Clear After field sets its parameter as the inspector would: a
    read-only one is refused (the field shows why), as TD's UI refuses it."""
    if par.readOnly:
        raise ValueError(read_only_refusal(par))
    par.val = value


class Screen:
    """Header, toolbar, task table, details strip, network editor, inspector and
    worker queues on one canvas."""

    def __init__(self, host: Host, canvas: Canvas, *, timeline: bool = False) -> None:
        self.host = host
        self.canvas = canvas
        #: The timeline pane under the table while it is shown (``T`` toggles it).
        self.timeline: TimelinePane | None = TimelinePane(canvas, host) if timeline else None
        comp = host.asyncio_comp
        self.header = HeaderView(canvas, host)
        self.buttons = [
            Button(canvas, "Cancel Active Tasks", comp.par.Cancelactive.pulse),
            Button(canvas, "Clear Finished Tasks", comp.par.Clearfinished.pulse),
            Button(canvas, "Cancel & Clear All", comp.par.Clearall.pulse),
        ]
        self.clear_after = NumberField(
            canvas, "Clear After", "s",
            read=comp.par.Clearafter.eval,
            write=lambda value: _write_unless_read_only(comp.par.Clearafter, value),
        )
        self.table = TableRenderer(canvas, host.tasks, lambda: host.seconds)
        self.details = DetailsStrip(canvas, where=host.tasks.where,
                                    children=host.tasks.children)
        self.network = NetworkEditor(canvas, host)
        self.params = ParamPanel(canvas, host)
        self.workers = WorkerPanel(canvas, host)
        self.workers.discover()  # workers a scene built before the window opened
        self.cluster = ClusterPanel(canvas, host)
        self.cluster.discover()
        self.layout: Layout | None = None
        self._size = (0, 0)
        self._pointer = (-1.0, -1.0)
        self._tip = ""
        self._shift = False
        self._hovered_frame: int | None = None  # a bar of the header's frame-time graph

    def relayout(self, width: int, height: int) -> None:
        """Lay every part out afresh for a window of this size."""
        c = self.canvas
        c.reset()
        self._size = (width, height)
        lay = self.layout = split_window(width, height, c.line_height)
        self.header.layout(lay.header)
        bar = lay.toolbar
        x = bar.x + PAD
        for button in self.buttons:
            x = button.layout(x, bar.y + 5, bar.h - 10) + PAD
        remaining = int((bar.right - x - PAD) // c.char_width) - 30
        self.clear_after.layout(x + 2 * PAD, bar.y + 5, bar.h - 10, max(0, remaining))
        table = lay.table
        if self.timeline is not None:
            table, pane = split_timeline(table, c.line_height)
            self.timeline.layout(pane)
        self.table.layout(table)
        self.details.layout(lay.details, DETAILS_LINES)
        present = {"network", "inspector"}
        if self.workers.has_workers:
            present.add("workers")
        if self.cluster.has_farms:
            present.add("cluster")
        panes = split_side(lay.panel, present)
        self.network.layout(panes["network"])
        self.params.layout(panes["inspector"])
        self.workers.layout(panes.get("workers"))
        self.cluster.layout(panes.get("cluster"))
        self._tip = ""

    def update(self) -> None:
        """Read this frame's state into the canvas; cheap when little changed."""
        workers = self.workers
        if workers.discover() and workers.has_workers != (workers.box is not None):
            self.relayout(*self._size)
        cluster = self.cluster
        if cluster.discover() and cluster.has_farms != (cluster.box is not None):
            self.relayout(*self._size)
        self.header.update()
        self.clear_after.update()
        self.table.update()
        if self.timeline is not None:
            self.timeline.update()
        self.network.update()
        self.params.select(self.network.selected_op())
        self.params.update()
        if self._hovered_frame is not None:
            frame = self._hovered_frame
            report = next((r for r in self.host.stats.late_frame_reports if r.frame == frame),
                          None)
            self.details.show_frame(frame, report)
        else:
            self.details.show(self.table.focus_row(), self.host.seconds, self._tip)
        workers.update()
        cluster.update()

    def draw(self) -> None:
        self.canvas.draw()

    def set_timeline(self, shown: bool) -> None:
        """Show or hide the timeline pane (its model listens to the host only while
        it is shown), and lay the window out again."""
        if shown == (self.timeline is not None):
            return
        if self.timeline is not None:
            self.timeline.close()
            self.timeline = None
        else:
            self.timeline = TimelinePane(self.canvas, self.host)
        self.relayout(*self._size)

    def close(self) -> None:
        """Stop what listens to the host (the timeline's model)."""
        if self.timeline is not None:
            self.timeline.close()

    # -- pyglet events (pushed onto the window with push_handlers) -----------------
    def on_mouse_press(self, x: int, y: int, button: int, modifiers: int) -> None:
        if self.params.on_mouse_press(x, y):
            return
        if self.clear_after.on_mouse_press(x, y):
            return
        if self.network.on_mouse_press(x, y):
            return
        for b in self.buttons:
            if b.on_mouse_press(x, y):
                return
        self.table.on_mouse_press(x, y)

    def on_mouse_release(self, x: int, y: int, button: int, modifiers: int) -> None:
        for b in self.buttons:
            b.on_mouse_release()
        self.table.on_mouse_release()

    def on_mouse_drag(self, x: int, y: int, dx: int, dy: int, buttons: int,
                      modifiers: int) -> None:
        self.table.on_mouse_drag(x, y)

    def on_mouse_motion(self, x: int, y: int, dx: int, dy: int) -> None:
        self._pointer = (x, y)
        for b in self.buttons:
            b.on_mouse_motion(x, y)
        self.table.on_mouse_motion(x, y)
        self._hovered_frame = self.header.frame_at(x, y)
        self._tip = "" if self._hovered_frame is not None else self.canvas.tip_at(x, y)

    def on_mouse_leave(self, x: int, y: int) -> None:
        self.on_mouse_motion(-1, -1, 0, 0)

    def on_mouse_scroll(self, x: int, y: int, scroll_x: float, scroll_y: float) -> None:
        if self.network.on_mouse_scroll(x, y, scroll_y):
            return
        if self.params.on_mouse_scroll(x, y, scroll_x, scroll_y, self._shift):
            return
        if self.workers.on_mouse_scroll(x, y, scroll_y):
            return
        if self.timeline is not None and self.timeline.on_mouse_scroll(x, y, scroll_y):
            return
        self.table.on_mouse_scroll(x, y, scroll_y)

    def on_text(self, text: str) -> None:
        if not self.params.on_text(text):
            self.clear_after.on_text(text)

    def on_text_motion(self, motion: int) -> None:
        if not self.params.on_text_motion(motion):
            self.clear_after.on_text_motion(motion)

    def on_key_press(self, symbol: int, modifiers: int) -> bool | None:
        """Keys go to the focused field, else to the network editor (``i``, ``u``),
        else ``T`` toggles the timeline pane, else they scroll the pane under the
        pointer (the table by default). Every key stops here: pyglet's default handler
        would close the window on Escape, and the window closes only from its close
        button (or Ctrl-C where the run started)."""
        self._shift = bool(modifiers & key.MOD_SHIFT)
        if self.params.on_key_press(symbol) or self.clear_after.on_key_press(symbol):
            return True
        if self.network.on_key_press(symbol):
            return True
        if symbol == key.T:
            self.set_timeline(self.timeline is None)
            return True
        x, y = self._pointer
        params = self.params.box
        if params is not None and params.contains(x, y) and self.params.on_hover_key(symbol):
            return True
        self.table.on_key_press(symbol)
        return True

    def on_key_release(self, symbol: int, modifiers: int) -> None:
        self._shift = bool(modifiers & key.MOD_SHIFT) and symbol not in (key.LSHIFT,
                                                                          key.RSHIFT)
