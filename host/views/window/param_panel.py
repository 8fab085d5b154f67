"""The parameter panel (TouchDesigner's parameter dialog): the parameters of the
operator clicked in the network panel, editable.

Each parameter takes two lines: its label and name with its type at the right, then
its value in a field (or, for a pulse, a button). Click a field to edit it, type,
Enter (or a click elsewhere) to apply, Escape to give up. The text is turned into a
value the way the command line reads ``--arg`` (a Python literal, else the text as
typed; words like ``on``/``off`` for toggles) and assigned through ``par.val``, so
the parameter's own validation decides, exactly as for code: a refused value shows
the error under the fields and changes nothing. Values are re-read every frame, so
a change made by code shows at once.
"""

from __future__ import annotations

import ast
import textwrap
import warnings
from typing import TYPE_CHECKING, Any

from pyglet.window import key

from host.views.window.canvas import Canvas, Span
from host.views.window.colors import UI
from host.views.window.layout import Box

if TYPE_CHECKING:
    from td.network import OP, OperatorHost
    from td.params import Par

__all__ = ["HINT", "MESSAGE_LINES", "ParamPanel", "parse_value", "type_name"]

HINT = "Click an operator above to see its parameters."
MESSAGE_LINES = 3
_TOGGLE_WORDS = {"true": True, "on": True, "yes": True, "1": True,
                 "false": False, "off": False, "no": False, "0": False}


def parse_value(par: Par, text: str) -> Any:
    """The value typed text stands for, before the parameter validates it."""
    kind = par.spec.kind
    stripped = text.strip()
    if kind in ("str", "menu"):
        return text
    if kind == "toggle" and stripped.lower() in _TOGGLE_WORDS:
        return _TOGGLE_WORDS[stripped.lower()]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "1st" would warn before failing to parse
            return ast.literal_eval(stripped)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def type_name(par: Par) -> str:
    """``float``, ``int``, ``toggle``, ``str``, ``menu``, ``pulse``: the spec's kind."""
    return par.spec.kind


class _Row:
    """Two lines for one parameter: heading and type, then the value field."""

    __slots__ = ("field", "heading", "kind", "par", "value")

    def __init__(self, heading: Span, kind: Span, value: Span, field: Box) -> None:
        self.heading = heading
        self.kind = kind
        self.value = value
        self.field = field
        self.par: Par | None = None


class ParamPanel:
    """The selected operator's parameters in a box of the side panel."""

    def __init__(self, canvas: Canvas, host: OperatorHost) -> None:
        self.canvas = canvas
        self.host = host
        self.op: OP | None = None
        self.rows: list[_Row] = []
        self.box: Box | None = None
        self.editing: _Row | None = None
        self.text = ""
        self.message = ""
        self.message_ok = True
        self._title: Span | None = None
        self._note: Span | None = None
        self._messages: list[Span] = []
        self._field_rects: list[int] = []

    # -- layout ---------------------------------------------------------------------
    def layout(self, box: Box | None) -> None:
        self.box = box
        self.rows = []
        self._field_rects = []
        if box is None:
            return
        c = self.canvas
        cw, lh = c.char_width, c.line_height
        c.rect(*box.xywh, UI.panel)
        c.rect(box.x, box.top - 1, box.w, 1, UI.header)  # a rule from the panel above
        chars = max(8, int((box.w - 20) // cw))
        pitch = lh + 4
        top = box.top - 6
        self._title = c.span(box.x + 10, top - pitch + 4, chars, UI.accent)
        # The message (an accepted value, or why one was refused) wraps over the last lines.
        self._messages = [c.span(box.x + 10, box.y + 6 - c.atlas.descent + i * (lh + 1), chars,
                                 UI.ok) for i in reversed(range(MESSAGE_LINES))]
        self._note = c.span(box.x + 10, top - 2 * pitch + 4, chars, UI.text_dim)
        y = top - pitch
        bottom = box.y + MESSAGE_LINES * (lh + 1) + 6  # the message keeps its lines
        while y - 2 * pitch >= bottom:
            heading_y = y - pitch
            field = Box(box.x + 10, heading_y - pitch, box.w - 20, pitch - 2)
            self._field_rects.append(c.rect(0, 0, 0, 0, UI.field))
            self.rows.append(_Row(
                c.span(box.x + 10, heading_y + 4, chars - 8, UI.text),
                c.span(box.x + 10 + (chars - 7) * cw, heading_y + 4, 7, UI.text_dim,
                       align_right=True),
                c.span(field.x + cw // 2, c.baseline(field.y, field.h), chars - 1, UI.text),
                field))
            y -= 2 * pitch
        self._shown: tuple[Any, ...] = ()

    # -- selection and per frame -----------------------------------------------------
    def select(self, op: OP | None) -> None:
        """Show ``op``'s parameters (None: none); drops an edit in progress."""
        if op is not self.op:
            self.op = op
            self.editing = None
            self.message = ""
            self._shown = ()

    def update(self) -> None:
        if self.box is None or self._title is None:
            return
        op = self.op
        if op is not None and not op.valid:
            self.select(None)
            op = None
        # The operator's own parameters first, TD's built-in ones (lower-case: the
        # shortcuts every COMP has) after them, as TD's dialog opens on custom pages.
        pars = sorted(op.par, key=lambda p: p.spec.builtin) if op is not None else []
        assert self._note is not None
        self._title.set(op.path if op is not None else "Parameters")
        hidden = max(0, len(pars) - len(self.rows))
        if op is None:
            self._note.set(HINT)
        elif not pars:
            self._note.set("This operator has no parameters.")
        else:
            self._note.set("")
        for i, row in enumerate(self.rows):
            par = pars[i] if i < len(pars) else None
            self._bind(i, row, par, last_with_more=hidden > 0 and i == len(self.rows) - 1)
        chars = self._messages[0].chars if self._messages else 1
        lines = textwrap.wrap(self.message, max(1, chars))
        for i, span in enumerate(self._messages):
            text = lines[i] if i < len(lines) else ""
            if i == len(self._messages) - 1 and len(lines) > len(self._messages):
                text = text[: chars - 1] + "…"
            span.set(text, UI.ok if self.message_ok else UI.bad)

    def _bind(self, i: int, row: _Row, par: Par | None, last_with_more: bool) -> None:
        rects = self.canvas.rects
        row.par = None if last_with_more else par
        if last_with_more:
            total = len(list(self.op.par)) if self.op is not None else 0
            row.heading.set(f"… and {total - i} more", UI.text_dim)
            row.kind.set("")
            row.value.set("")
            rects.set(self._field_rects[i], 0, 0, 0, 0)
            return
        if par is None:
            for span in (row.heading, row.kind, row.value):
                span.set("")
            rects.set(self._field_rects[i], 0, 0, 0, 0)
            return
        label = par.label if par.label == par.name else f"{par.label} ({par.name})"
        row.heading.set(label, UI.text)
        row.kind.set(type_name(par))
        if par.isPulse:
            rects.set(self._field_rects[i], *row.field.xywh, UI.button)
            row.value.set(f"Pulse {par.name}", UI.text)
        elif row is self.editing:
            rects.set(self._field_rects[i], *row.field.xywh, UI.field_focus)
            row.value.set(self.text[-(row.value.chars - 2):] + "_", UI.text_dark)
        else:
            rects.set(self._field_rects[i], *row.field.xywh, UI.field)
            row.value.set(_show(par.eval()), UI.text)

    # -- input ----------------------------------------------------------------------
    def on_mouse_press(self, x: float, y: float) -> bool:
        """A click on a field starts editing it, on a pulse fires it; True if handled."""
        box = self.box
        hit = None
        for row in self.rows:
            if row.par is not None and row.field.contains(x, y):
                hit = row
        if self.editing is not None and hit is not self.editing:
            self.commit()
        if box is None or not box.contains(x, y):
            return False
        if hit is None or hit.par is None:
            return True
        if hit.par.isPulse:
            self._apply(hit.par, lambda p: p.pulse(), f"pulsed {hit.par.name}")
        else:
            self.editing = hit
            self.text = _show(hit.par.eval())
        return True

    def on_text(self, text: str) -> bool:
        if self.editing is None:
            return False
        self.text += "".join(ch for ch in text if ch.isprintable())
        return True

    def on_text_motion(self, motion: int) -> bool:
        if self.editing is None:
            return False
        if motion == key.MOTION_BACKSPACE:
            self.text = self.text[:-1]
        return True

    def on_key_press(self, symbol: int) -> bool:
        if self.editing is None:
            return False
        if symbol in (key.ENTER, key.RETURN, key.NUM_ENTER):
            self.commit()
        elif symbol == key.ESCAPE:
            self.editing = None
            self.message = ""
        return True

    def commit(self) -> bool:
        """Assign the edited text to its parameter; True if it was accepted."""
        row, self.editing = self.editing, None
        if row is None or row.par is None:
            return False
        par = row.par
        value = parse_value(par, self.text)
        return self._apply(par, lambda p: setattr(p, "val", value),
                           f"{par.name} set to {_show(value)}")

    def _apply(self, par: Par, action: Any, done: str) -> bool:
        try:
            action(par)
        except (TypeError, ValueError) as exc:
            self.message, self.message_ok = str(exc), False
            return False
        self.message, self.message_ok = done, True
        return True

    # -- queries --------------------------------------------------------------------
    def field_of(self, name: str) -> Box | None:
        """Where a parameter's value field (or pulse button) is drawn."""
        for row in self.rows:
            if row.par is not None and row.par.name == name:
                return row.field
        return None

    def texts(self) -> list[str]:
        """The panel's lines as shown, for tests."""
        spans = [self._title, self._note] + [s for r in self.rows
                                              for s in (r.heading, r.kind, r.value)]
        return [s.text for s in spans if s is not None and s.text] + [self.message]


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
