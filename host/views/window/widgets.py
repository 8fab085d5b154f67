"""The toolbar's controls: push buttons and an editable number field.

They draw through the `Canvas` like the table and act through callables handed in,
so they know nothing of the host; the window wires them to pulses and parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from pyglet.window import key

from host.views.window.canvas import Canvas, Span
from host.views.window.colors import UI
from host.views.window.layout import Box

__all__ = ["Button", "EditBuffer", "NumberField", "ScrollBar"]


class EditBuffer:
    """The text of a field being edited. Focusing a field selects all of it, as a
    desktop field does: the first character typed replaces the old value, Backspace
    clears it, an arrow key keeps it and puts the cursor at its end."""

    __slots__ = ("all_selected", "text")

    def __init__(self) -> None:
        self.text = ""
        self.all_selected = False

    def focus(self, text: str) -> None:
        self.text = text
        self.all_selected = True

    def type(self, text: str) -> None:
        typed = "".join(ch for ch in text if ch.isprintable())
        if not typed:
            return
        self.text = typed if self.all_selected else self.text + typed
        self.all_selected = False

    def motion(self, motion: int) -> None:
        if motion in (key.MOTION_BACKSPACE, key.MOTION_DELETE):
            self.text = "" if self.all_selected else self.text[:-1]
        self.all_selected = False

    def shown(self, chars: int) -> str:
        """What the field shows in ``chars`` slots: all of the text while it is
        selected, else its end and a cursor."""
        if self.all_selected:
            return self.text[-chars:] if chars > 0 else ""
        keep = max(0, chars - 1)
        return (self.text[-keep:] if keep else "") + "_"


class ScrollBar:
    """A vertical track and thumb for a pane that shows ``visible`` of ``total`` lines
    from ``first``; a click on the track pages, the pane applies the new first line."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.track = Box(0, 0, 0, 0)
        self.thumb = Box(0, 0, 0, 0)
        self._thumb_rect = -1

    def layout(self, box: Box) -> None:
        self.track = box
        self.canvas.rect(*box.xywh, UI.scroll_track)
        self._thumb_rect = self.canvas.rect(0, 0, 0, 0, UI.scroll_thumb)
        self.thumb = Box(0, 0, 0, 0)

    def place(self, first: int, visible: int, total: int) -> None:
        track = self.track
        if total <= visible or visible <= 0 or track.h <= 0:
            thumb = Box(0, 0, 0, 0)
        else:
            h = max(12.0, track.h * visible / total)
            top = track.top - (track.h - h) * first / (total - visible)
            thumb = Box(track.x + 1, top - h, track.w - 2, h)
        if thumb != self.thumb:
            self.thumb = thumb
            self.canvas.rects.set(self._thumb_rect, *thumb.xywh)

    def page(self, x: float, y: float) -> int:
        """-1 (a click above the thumb), +1 (below it) or 0 (elsewhere)."""
        if not self.track.contains(x, y) or self.thumb.contains(x, y) or not self.thumb.h:
            return 0
        return 1 if y < self.thumb.y else -1


class Button:
    """A labelled button; a press inside it calls ``on_click``."""

    def __init__(self, canvas: Canvas, label: str, on_click: Callable[[], object]) -> None:
        self.canvas = canvas
        self.label = label
        self.on_click = on_click
        self.box = Box(0, 0, 0, 0)
        self._rect = -1
        self._hover = False

    def layout(self, x: float, y: float, h: float) -> float:
        """Place the button with its left edge at x; returns its right edge."""
        c = self.canvas
        self.box = Box(x, y, (len(self.label) + 2) * c.char_width, h)
        self._rect = c.rect(x, y, self.box.w, h, UI.button)
        c.text(x + c.char_width, c.baseline(self.box.y, self.box.h), self.label, UI.text)
        return self.box.right

    def on_mouse_press(self, x: float, y: float) -> bool:
        if not self.box.contains(x, y):
            return False
        self.canvas.rects.set(self._rect, *self.box.xywh, UI.button_pressed)
        self.on_click()
        return True

    def on_mouse_release(self) -> None:
        self._paint()

    def on_mouse_motion(self, x: float, y: float) -> None:
        hover = self.box.contains(x, y)
        if hover != self._hover:
            self._hover = hover
            self._paint()

    def _paint(self) -> None:
        color = UI.button_hover if self._hover else UI.button
        self.canvas.rects.set(self._rect, *self.box.xywh, color)


class NumberField:
    """A labelled field holding a number ≥ 0: click to edit, Enter (or a click elsewhere)
    to apply, Escape to give up. Bad text is refused with a message and changes nothing."""

    def __init__(self, canvas: Canvas, label: str, unit: str, read: Callable[[], float],
                 write: Callable[[float], object], chars: int = 8) -> None:
        self.canvas = canvas
        self.label = label
        self.unit = unit
        self._read = read
        self._write = write
        self.chars = chars
        self.focused = False
        self.edit = EditBuffer()
        self.message = ""
        self.message_ok = True
        self.box = Box(0, 0, 0, 0)
        self._border = self._inner = -1
        self._inner_box = Box(0, 0, 0, 0)
        self._value: Span | None = None
        self._message: Span | None = None

    def layout(self, x: float, y: float, h: float, message_chars: int) -> float:
        c = self.canvas
        cw = c.char_width
        self.box = Box(x + (len(self.label) + 2) * cw, y, (self.chars + 2) * cw, h)
        base = c.baseline(self.box.y, h)
        c.text(x, base, self.label + ":", UI.text_dim)
        self._border = c.rect(*self.box.xywh, UI.button)
        b = self.box
        self._inner_box = Box(b.x + 1, b.y + 1, b.w - 2, b.h - 2)
        self._inner = c.rect(*self._inner_box.xywh, UI.field)
        self._value = c.span(b.x + cw, base, self.chars, UI.text)
        c.text(b.right + cw // 2, base, self.unit, UI.text_dim)
        self._message = c.span(b.right + (len(self.unit) + 2) * cw, base, message_chars, UI.ok)
        return self._message.x + self._message.width

    def update(self) -> None:
        """Show the edit buffer while focused, otherwise the parameter's current value."""
        assert self._value is not None and self._message is not None
        if self.focused:
            self._value.set(self.edit.shown(self.chars),
                            UI.text_dark if self.edit.all_selected else UI.text)
            self.canvas.rects.set(self._inner, *self._inner_box.xywh,
                                  UI.selection if self.edit.all_selected else UI.field)
        else:
            self.canvas.rects.set(self._inner, *self._inner_box.xywh, UI.field)
            self._value.set(_format_number(self._read()), UI.text)
        self._message.set(self.message, UI.ok if self.message_ok else UI.bad)
        self.canvas.rects.set(self._border, *self.box.xywh,
                              UI.field_focus if self.focused else UI.button)

    def focus(self) -> None:
        if not self.focused:
            self.focused = True
            self.edit.focus(_format_number(self._read()))

    def on_mouse_press(self, x: float, y: float) -> bool:
        if self.box.contains(x, y):
            self.focus()
            return True
        if self.focused:
            self.commit()
        return False

    def on_text(self, text: str) -> bool:
        if not self.focused:
            return False
        self.edit.type(text)
        return True

    def on_text_motion(self, motion: int) -> bool:
        if not self.focused:
            return False
        self.edit.motion(motion)
        return True

    def on_key_press(self, symbol: int) -> bool:
        if not self.focused:
            return False
        if symbol in (key.ENTER, key.RETURN, key.NUM_ENTER):
            self.commit()
        elif symbol == key.ESCAPE:
            self.focused = False
            self.message = ""
        return True

    def commit(self) -> bool:
        """Apply the edit buffer; True if the value was accepted."""
        self.focused = False
        text = self.edit.text.strip()
        try:
            value = float(text)
        except ValueError:
            return self._refuse(f"{self.label} expects a number of seconds, got {text!r}")
        if not math.isfinite(value) or value < 0:
            return self._refuse(f"{self.label} expects a finite number >= 0, got {text!r}")
        try:
            self._write(value)
        except (TypeError, ValueError) as exc:
            return self._refuse(str(exc))
        self.message, self.message_ok = f"{self.label} set to {_format_number(value)} "\
            f"{self.unit}", True
        return True

    def _refuse(self, message: str) -> bool:
        self.message, self.message_ok = message, False
        return False


def _format_number(value: float) -> str:
    return f"{value:g}"
