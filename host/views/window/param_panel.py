"""The inspector (TouchDesigner's parameter dialog): the operator selected in the
network editor, its parameters page by page, editable, and a DAT's contents.

Pages are tabs, as in TD: the operator's own parameters (a page named after its
class), then its custom pages in the order they were made, then ``Common``, where
the built-in parameters every operator of a family has (``opshortcut``) live; a DAT
has a ``Data`` tab first, its contents in the `DatViewer`. A page shows as many of
its parameters as fit; the wheel or the scroll bar reaches the rest.

Each parameter takes two lines: its label and name with its type at the right, then
its value in a field (or, for a pulse, a button); a label too long for the panel is
cut with "…" and read whole on hover. Click a field to edit it: all of its text is
selected, so typing replaces it; Enter (or a click elsewhere) applies, Escape gives
up. The text is turned into a
value the way the command line reads ``--arg`` (a Python literal, else the text as
typed; words like ``on``/``off`` for toggles) and assigned through ``par.val``, so
the parameter's own validation decides, exactly as for code: a refused value shows
the error under the fields and changes nothing. A read-only parameter
(``par.readOnly``, TD's flag) is neither edited nor pulsed here: the click says so
and changes nothing, while code still sets it, as in TD. Values are re-read every frame, so
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
from host.views.window.dat_viewer import DatViewer, dat_kind
from host.views.window.layout import Box
from host.views.window.widgets import EditBuffer, ScrollBar

if TYPE_CHECKING:
    from td.network import OP, OperatorHost
    from td.params import Par

__all__ = ["COMMON_PAGE", "DATA_PAGE", "HINT", "MESSAGE_LINES", "ParamPanel", "pages_of",
           "parse_value", "read_only_refusal", "type_name"]

HINT = "Select an operator in the network above to see its parameters."
MESSAGE_LINES = 2
DATA_PAGE = "Data"
COMMON_PAGE = "Common"
SCROLLBAR_W = 8
TAB_MIN_W = 64
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


def pages_of(op: OP) -> list[tuple[str, list[Par]]]:
    """An operator's pages in the order the tabs show them, each with its parameters:
    ``Data`` (a DAT's contents, no parameters), the operator's own (named after its
    class), its custom pages, then ``Common`` (the built-ins, such as ``opshortcut``).
    Pages with no parameters are left out, but for ``Data``."""
    every = list(op.par)
    custom = [(page.name, page.pars) for page in op.customPages]
    on_custom = {par.name for _, pars in custom for par in pars}
    own = [p for p in every if not p.spec.builtin and p.name not in on_custom]
    builtin = [p for p in every if p.spec.builtin and p.name not in on_custom]
    pages: list[tuple[str, list[Par]]] = []
    if dat_kind(op) is not None:
        pages.append((DATA_PAGE, []))
    pages.append((type(op).__name__, own))
    pages.extend(custom)
    pages.append((COMMON_PAGE, builtin))
    return [(name, pars) for name, pars in pages if pars or name == DATA_PAGE]


class _Row:
    """Two lines for one parameter: heading and type, then the value field."""

    __slots__ = ("field", "heading", "kind", "par", "rect", "value")

    def __init__(self, heading: Span, kind: Span, value: Span, field: Box, rect: int) -> None:
        self.heading = heading
        self.kind = kind
        self.value = value
        self.field = field
        self.rect = rect
        self.par: Par | None = None


class _Tab:
    __slots__ = ("box", "label", "page", "rect")

    def __init__(self, box: Box, rect: int, label: Span) -> None:
        self.box = box
        self.rect = rect
        self.label = label
        self.page: str | None = None


class ParamPanel:
    """The selected operator's pages in a box of the side column."""

    def __init__(self, canvas: Canvas, host: OperatorHost) -> None:
        self.canvas = canvas
        self.host = host
        self.op: OP | None = None
        self.rows: list[_Row] = []
        self.tabs: list[_Tab] = []
        self.box: Box | None = None
        self.body = Box(0, 0, 0, 0)
        self.page = ""
        self.first = 0
        self.first_tab = 0
        self.editing: _Row | None = None
        self.edit = EditBuffer()
        self.message = ""
        self.message_ok = True
        self.pages: list[tuple[str, list[Par]]] = []
        self.viewer = DatViewer(canvas, getattr(host, "fps", 60.0))
        self.scrollbar = ScrollBar(canvas)
        self._title: Span | None = None
        self._kind: Span | None = None
        self._note: Span | None = None
        self._messages: list[Span] = []
        self._viewer_box: Box | None = None

    # -- layout ---------------------------------------------------------------------
    def layout(self, box: Box | None) -> None:
        self.box = box
        self.rows = []
        self.tabs = []
        if box is None:
            self.viewer.layout(None)
            return
        c = self.canvas
        cw, lh = c.char_width, c.line_height
        c.rect(*box.xywh, UI.panel)
        c.rect(box.x, box.top - 1, box.w, 1, UI.header)  # a rule from the pane above
        chars = max(8, int((box.w - 20) // cw))
        title_h = lh + 8
        title = Box(box.x, box.top - title_h, box.w, title_h)
        base = c.baseline(title.y, title.h)
        self._title = c.span(box.x + 10, base, chars - 11, UI.accent, cut_left=True)
        self._kind = c.span(box.x + 10 + (chars - 10) * cw, base, 10, UI.text_dim,
                            align_right=True)
        tab_h = lh + 8
        tab_bar = Box(box.x + 6, title.y - tab_h, box.w - 12, tab_h)
        count = max(2, int(tab_bar.w // TAB_MIN_W))
        tab_w = tab_bar.w / count
        for i in range(count):
            tb = Box(round(tab_bar.x + i * tab_w), tab_bar.y, round(tab_w) - 3, tab_h)
            rect = c.rect(0, 0, 0, 0, UI.tab)
            label = c.span(tb.x + cw // 2, c.baseline(tb.y, tb.h), int((tb.w - cw) // cw),
                           UI.text)
            self.tabs.append(_Tab(tb, rect, label))
        msg_h = MESSAGE_LINES * (lh + 1) + 6
        self._messages = [c.span(box.x + 10, box.y + 6 - c.atlas.descent + i * (lh + 1), chars,
                                 UI.ok) for i in reversed(range(MESSAGE_LINES))]
        self.body = Box(box.x, box.y + msg_h, box.w, tab_bar.y - 4 - (box.y + msg_h))
        self._note = c.span(box.x + 10, self.body.top - lh - 2, chars, UI.text_dim)
        self.scrollbar.layout(Box(box.right - SCROLLBAR_W - 4, self.body.y, SCROLLBAR_W,
                                  self.body.h))
        pitch = lh + 4
        y = self.body.top
        while y - 2 * pitch >= self.body.y:
            heading_y = y - pitch
            field = Box(box.x + 10, heading_y - pitch, box.w - 24 - SCROLLBAR_W, pitch - 2)
            rchars = int((field.w) // cw)
            rect = c.rect(0, 0, 0, 0, UI.field)
            self.rows.append(_Row(
                c.span(box.x + 10, heading_y + 4, rchars - 8, UI.text),
                c.span(box.x + 10 + (rchars - 7) * cw, heading_y + 4, 7, UI.text_dim,
                       align_right=True),
                c.span(field.x + cw // 2, c.baseline(field.y, field.h), rchars - 1, UI.text),
                field, rect))
            y -= 2 * pitch
        # The DAT viewer takes the same body; only one of the two shows at a time.
        self._viewer_box = Box(box.x + 4, self.body.y, box.w - 8, self.body.h)
        self.viewer.layout(self._viewer_box)

    # -- selection and per frame -----------------------------------------------------
    def select(self, op: OP | None) -> None:
        """Show ``op``'s pages (None: none), from its first page; drops an edit."""
        if op is not self.op:
            self.op = op
            self.editing = None
            self.message = ""
            self.page = ""
            self.first = self.first_tab = 0

    def show_page(self, name: str) -> bool:
        """Open the page called ``name`` (a tab's label); True if the operator has it."""
        if not any(page == name for page, _ in self.pages):
            return False
        if name != self.page:
            if self.editing is not None:
                self.commit()
            self.page, self.first = name, 0
        return True

    def update(self) -> None:
        if self.box is None or self._title is None:
            return
        op = self.op
        if op is not None and not op.valid:
            self.select(None)
            op = None
        assert self._note is not None and self._kind is not None
        self.pages = pages_of(op) if op is not None else []
        names = [name for name, _ in self.pages]
        if self.page not in names:
            self.page, self.first = (names[0] if names else ""), 0
        pars = next((pars for name, pars in self.pages if name == self.page), [])
        self._title.set(op.path if op is not None else "Parameters")
        self._kind.set(type(op).__name__ if op is not None else "")
        self._paint_tabs()
        data = self.page == DATA_PAGE
        self.viewer.show(op if data else None, self.host.frame)
        if op is None:
            self._note.set(HINT)
        elif not data and not pars:
            self._note.set("This page has no parameters.")
        else:
            self._note.set("")
        shown = [] if data else pars
        self.first = max(0, min(self.first, len(shown) - len(self.rows)))
        for i, row in enumerate(self.rows):
            n = self.first + i
            self._bind(row, shown[n] if n < len(shown) else None)
        self.scrollbar.place(self.first, len(self.rows), len(shown))
        if data:
            self.viewer.update(self.host.frame)
        else:
            self.viewer.show(None, self.host.frame)
            for span in (*self.viewer.gutter, *self.viewer.lines):
                span.set("")
        chars = self._messages[0].chars if self._messages else 1
        lines = textwrap.wrap(self.message, max(1, chars))
        for i, span in enumerate(self._messages):
            text = lines[i] if i < len(lines) else ""
            last = i == len(self._messages) - 1 and len(lines) > len(self._messages)
            if last:
                text = text[: chars - 1] + "…"
            span.set(text, UI.ok if self.message_ok else UI.bad,
                     full=self.message if last else "")

    def _paint_tabs(self) -> None:
        names = [name for name, _ in self.pages]
        slots = len(self.tabs)
        # More pages than tabs: the last tab pages through the rest.
        more = len(names) > slots
        self.first_tab = max(0, min(self.first_tab, len(names) - (slots - 1))) if more else 0
        shown = names[self.first_tab:self.first_tab + (slots - 1 if more else slots)]
        rects = self.canvas.rects
        for i, tab in enumerate(self.tabs):
            if i < len(shown):
                tab.page = shown[i]
                active = shown[i] == self.page
                rects.set(tab.rect, *tab.box.xywh, UI.tab_active if active else UI.tab)
                tab.label.set(shown[i], UI.accent if active else UI.text)
            elif more and i == slots - 1:
                tab.page = None
                rects.set(tab.rect, *tab.box.xywh, UI.tab)
                tab.label.set("more ›", UI.text_dim)
            else:
                tab.page = None
                rects.set(tab.rect, 0, 0, 0, 0)
                tab.label.set("")

    def _bind(self, row: _Row, par: Par | None) -> None:
        rects = self.canvas.rects
        row.par = par
        if par is None:
            for span in (row.heading, row.kind, row.value):
                span.set("")
            rects.set(row.rect, 0, 0, 0, 0)
            return
        full = par.label if par.label == par.name else f"{par.label} ({par.name})"
        heading = full if len(full) <= row.heading.chars else par.label
        row.heading.set(heading, UI.text, full=full)
        row.kind.set(type_name(par))
        if par.isPulse:
            rects.set(row.rect, *row.field.xywh, UI.button)
            row.value.set(f"Pulse {par.label}", UI.text)
        elif row is self.editing:
            selected = self.edit.all_selected
            rects.set(row.rect, *row.field.xywh, UI.selection if selected else UI.field_focus)
            row.value.set(self.edit.shown(row.value.chars - 1), UI.text_dark)
        else:
            rects.set(row.rect, *row.field.xywh, UI.field)
            row.value.set(_show(par.eval()), UI.text)

    # -- input ----------------------------------------------------------------------
    def on_mouse_press(self, x: float, y: float) -> bool:
        """A click on a field starts editing it, on a pulse fires it, on a tab opens
        its page; True if handled."""
        box = self.box
        hit = None
        for row in self.rows:
            if row.par is not None and row.field.contains(x, y):
                hit = row
        if self.editing is not None and hit is not self.editing:
            self.commit()
        if box is None or not box.contains(x, y):
            return False
        for tab in self.tabs:
            if tab.box.contains(x, y):
                if tab.page is not None:
                    self.show_page(tab.page)
                elif tab.label.text:
                    names = len(self.pages)
                    step = len(self.tabs) - 1
                    self.first_tab = self.first_tab + step if self.first_tab + step < names \
                        else 0
                return True
        if self.page == DATA_PAGE:
            self.viewer.on_mouse_press(x, y)
            return True
        page = self.scrollbar.page(x, y)
        if page:
            self.scroll(page * max(1, len(self.rows) - 1))
            return True
        if hit is None or hit.par is None:
            return True
        if hit.par.readOnly:
            self._refuse_read_only(hit.par)
        elif hit.par.isPulse:
            self._apply(hit.par, lambda p: p.pulse(), f"pulsed {hit.par.name}")
        elif hit is not self.editing:
            self.editing = hit
            self.edit.focus(_show(hit.par.eval()))
        return True

    def scroll(self, rows: int) -> None:
        """Move the page's parameters by ``rows`` (clamped on the next update)."""
        if self.editing is not None:
            self.commit()
        self.first = max(0, self.first + rows)

    def on_mouse_scroll(self, x: float, y: float, scroll_x: float, scroll_y: float,
                        shift: bool = False) -> bool:
        if self.box is None or not self.box.contains(x, y):
            return False
        if self.page == DATA_PAGE:
            self.viewer.on_mouse_scroll(x, y, scroll_x, scroll_y, shift)
        else:
            self.scroll(-round(scroll_y))
        return True

    def on_hover_key(self, symbol: int) -> bool:
        """Scrolling keys while the pointer is over the inspector."""
        if self.page == DATA_PAGE:
            return self.viewer.on_key_press(symbol)
        moves = {key.UP: -1, key.DOWN: 1, key.PAGEUP: -len(self.rows),
                 key.PAGEDOWN: len(self.rows)}
        step = moves.get(symbol)
        if step is None:
            return False
        self.scroll(step)
        return True

    @property
    def focused(self) -> bool:
        return self.editing is not None

    def on_text(self, text: str) -> bool:
        if self.editing is None:
            return False
        self.edit.type(text)
        return True

    def on_text_motion(self, motion: int) -> bool:
        if self.editing is None:
            return False
        self.edit.motion(motion)
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
        if par.readOnly:  # made read-only by code while it was being edited
            self._refuse_read_only(par)
            return False
        value = parse_value(par, self.edit.text)
        return self._apply(par, lambda p: setattr(p, "val", value),
                           f"{par.name} set to {_show(value)}")

    def _refuse_read_only(self, par: Par) -> None:
        """TD's readOnly: the UI refuses to edit or pulse the parameter (code can)."""
        self.message, self.message_ok = read_only_refusal(par), False

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
        """Where a parameter's value field (or pulse button) is drawn, if on screen."""
        for row in self.rows:
            if row.par is not None and row.par.name == name:
                return row.field
        return None

    def tab_of(self, page: str) -> Box | None:
        """Where the tab of ``page`` is drawn, if it is on the tab bar now."""
        for tab in self.tabs:
            if tab.page == page:
                return tab.box
        return None

    @property
    def text(self) -> str:
        """The edit buffer's text (what Enter would apply)."""
        return self.edit.text

    def texts(self) -> list[str]:
        """The panel's lines as shown, for tests."""
        spans = [self._title, self._note] + [s for r in self.rows
                                              for s in (r.heading, r.kind, r.value)]
        return [s.text for s in spans if s is not None and s.text] + [self.message]


def read_only_refusal(par: Par) -> str:
    """What the window says when asked to change a read-only parameter."""
    return (f"{par.where} is read-only (par.readOnly): the inspector leaves it as it is; "
            f"code can still set it")


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
