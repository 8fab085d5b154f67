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

__all__ = ["Button", "NumberField"]


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
        self.text = ""
        self.message = ""
        self.message_ok = True
        self.box = Box(0, 0, 0, 0)
        self._border = self._inner = -1
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
        self._inner = c.rect(b.x + 1, b.y + 1, b.w - 2, b.h - 2, UI.field)
        self._value = c.span(b.x + cw, base, self.chars, UI.text)
        c.text(b.right + cw // 2, base, self.unit, UI.text_dim)
        self._message = c.span(b.right + (len(self.unit) + 2) * cw, base, message_chars, UI.ok)
        return self._message.x + self._message.width

    def update(self) -> None:
        """Show the edit buffer while focused, otherwise the parameter's current value."""
        assert self._value is not None and self._message is not None
        if self.focused:
            self._value.set(self.text[-(self.chars - 1):] + "_", UI.text)
        else:
            self._value.set(_format_number(self._read()), UI.text)
        self._message.set(self.message, UI.ok if self.message_ok else UI.bad)
        self.canvas.rects.set(self._border, *self.box.xywh,
                              UI.field_focus if self.focused else UI.button)

    def focus(self) -> None:
        if not self.focused:
            self.focused = True
            self.text = _format_number(self._read())

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
        self.text += "".join(ch for ch in text if ch.isprintable())
        return True

    def on_text_motion(self, motion: int) -> bool:
        if not self.focused:
            return False
        if motion == key.MOTION_BACKSPACE:
            self.text = self.text[:-1]
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
        text = self.text.strip()
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
