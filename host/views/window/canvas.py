"""Canvas: every rectangle and every character of the window, kept between frames.

Why not `pyglet.text.Label`: assigning ``Label.text`` re-lays-out the whole label
(~80-110 µs each under llvmpipe), so 40 rows of ticking durations would cost more
than a frame. Here text lives in fixed *spans* of monospace character slots. A
slot is one quad whose corners are its pen position plus the glyph's box, and
whose texture coordinates come from the font's glyph atlas; both are looked up
in numpy tables by glyph id (see `layers.py`). Changing a span's text writes a
few glyph ids; `draw()` rebuilds and uploads only the quads that changed.

Rectangles (row backgrounds, status badges, progress bars, the frame graph) use
the same vertex format in a layer drawn first, opaque, with a shader that samples
no texture.

Only quads with an area are drawn (blank slots and hidden rectangles are not):
a table of padded columns is mostly blanks. And where the framebuffer keeps its
pixels from one frame to the next (`target_keeps_pixels`, a headless pbuffer),
only what changed is drawn again: `draw()` turns the boxes of the quads that
changed into a few damaged rectangles (`Damage`) and in each one, scissored,
clears it and draws only the quads that touch it. On a software rasteriser
(llvmpipe) both the vertex work, done on the calling thread, and the pixels
filled scale with the quads drawn: a frame where 40 durations tick draws about a
hundred quads instead of every one in the window. A display's back buffer after
a flip is undefined, so there every frame is drawn whole. (Keeping the frame in
an off-screen texture and copying it to the window was measured and dropped:
llvmpipe waits for the texture's draws to finish before the copy samples it,
and the copy fills every pixel; 9.8 ms a frame against 3.7-5.2 ms for drawing
everything.)
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pyglet
from pyglet import gl
from pyglet.graphics.shader import Shader, ShaderProgram

from host.views.window.colors import UI, Color
from host.views.window.damage import Damage
from host.views.window.glyph_atlas import GlyphAtlas
from host.views.window.layers import GlyphLayer, RectLayer

__all__ = ["Canvas", "Span"]

ELLIPSIS = "…"


def viewport_size() -> tuple[int, int]:
    """The pixel size the current viewport reaches to (what the window shows)."""
    box = (gl.GLint * 4)()
    gl.glGetIntegerv(gl.GL_VIEWPORT, box)
    return box[0] + box[2], box[1] + box[3]

_VERTEX_SRC = """#version 330 core
layout(location = 0) in vec2 position;
layout(location = 1) in vec2 uv;
layout(location = 2) in vec4 color;
out vec2 v_uv;
out vec4 v_color;
uniform WindowBlock { mat4 projection; mat4 view; } window;
void main() {
    gl_Position = window.projection * window.view * vec4(position, 0.0, 1.0);
    v_uv = uv;
    v_color = color;
}
"""
_GLYPH_FRAGMENT_SRC = """#version 330 core
in vec2 v_uv;
in vec4 v_color;
out vec4 frag_color;
uniform sampler2D glyphs;
void main() {
    frag_color = vec4(v_color.rgb, v_color.a * texture(glyphs, v_uv).a);
}
"""
# Rectangles get their own shader: sampling a texture for every pixel of a large
# rectangle (even to ignore it) costs llvmpipe several milliseconds a frame.
_RECT_FRAGMENT_SRC = """#version 330 core
in vec2 v_uv;
in vec4 v_color;
out vec4 frag_color;
void main() {
    frag_color = v_color;
}
"""


class Span:
    """A fixed run of character slots; `set()` redraws only when text or colour changed.

    Text longer than the span is cut with an ellipsis, at its end or (``cut_left``,
    for paths) at its start; `tip` is then the whole text, which the window shows
    where the pointer hovers (abbreviated by design, whole on hover).
    """

    __slots__ = ("align_right", "chars", "color", "cut_left", "full", "layer", "start", "text",
                 "x", "y")

    def __init__(self, layer: GlyphLayer, start: int, chars: int, x: float, y: float,
                 color: Color, align_right: bool, cut_left: bool = False) -> None:
        self.layer = layer
        self.start = start
        self.chars = chars
        self.x = x
        self.y = y
        self.color = color
        self.align_right = align_right
        self.cut_left = cut_left
        self.text = ""
        #: The whole text an abbreviated `text` stands for ("" when it is the text).
        self.full = ""

    @property
    def width(self) -> int:
        return self.chars * self.layer.atlas.advance

    def set(self, text: str, color: Color | None = None, *, full: str = "") -> None:
        """Show ``text``; ``full`` is what it abbreviates, if it does (for `tip`)."""
        self.full = full
        if text == self.text and (color is None or color == self.color):
            return
        self.text = text
        if color is not None:
            self.color = color
        self.layer.write(self.start, self.shown, self.color)

    @property
    def shown(self) -> str:
        """The text as drawn in the span's slots: padded, or cut with an ellipsis."""
        text, n = self.text, self.chars
        if len(text) > n:
            if n <= 1:
                return text[:n]
            return ELLIPSIS + text[len(text) - n + 1:] if self.cut_left else \
                text[: n - 1] + ELLIPSIS
        return text.rjust(n) if self.align_right else text.ljust(n)

    @property
    def tip(self) -> str:
        """The whole text where the span shows less of it, else ""."""
        if self.full and self.full != self.text:
            return self.full
        return self.text if len(self.text) > self.chars else ""

    def contains(self, x: float, y: float) -> bool:
        atlas = self.layer.atlas
        return (self.x <= x < self.x + self.width
                and self.y + atlas.descent - 2 <= y < self.y + atlas.ascent + 2)


class Canvas:
    """The two layers, their shaders and the glyph atlas; draw with `draw()`. Where
    nothing is drawn the canvas shows ``background``."""

    def __init__(self, font_name: str | None = "DejaVu Sans Mono", font_size: float = 9.0,
                 *, background: Color = UI.background) -> None:
        if font_name is not None and not pyglet.font.have_font(font_name):
            font_name = None  # pyglet's default font; proportional glyphs in fixed slots
        self.atlas = GlyphAtlas(font_name, font_size)
        self.background = background
        self.rects = RectLayer()
        self.glyphs = GlyphLayer(self.atlas)
        #: Every span of the current layout, in the order made.
        self.spans: list[Span] = []
        #: Framebuffer pixels per window unit (2 on a HiDPI display).
        self.pixel_ratio = 1.0
        self.damage = Damage()
        #: Quads (rectangles, glyphs) drawn by the last `draw()`; (0, 0) when nothing
        #: had changed and the framebuffer kept its pixels.
        self.last_drawn = (0, 0)
        self._keeps_pixels = False
        self._size = (0, 0)
        self._rect_program = ShaderProgram(Shader(_VERTEX_SRC, "vertex"),
                                           Shader(_RECT_FRAGMENT_SRC, "fragment"))
        self._glyph_program = ShaderProgram(Shader(_VERTEX_SRC, "vertex"),
                                            Shader(_GLYPH_FRAGMENT_SRC, "fragment"))

    @property
    def char_width(self) -> int:
        return self.atlas.advance

    @property
    def line_height(self) -> int:
        return self.atlas.ascent - self.atlas.descent

    def baseline(self, y: float, h: float) -> float:
        """The baseline that centres a line of text in a box from y to y + h."""
        atlas = self.atlas
        return y + round((h - atlas.ascent + atlas.descent) / 2) - atlas.descent

    def rect(self, x: float, y: float, w: float, h: float, color: Color) -> int:
        i = self.rects.add_many(1, color)
        self.rects.set(i, x, y, w, h, color)
        return i

    def span(self, x: float, y: float, chars: int, color: Color, *,
             align_right: bool = False, cut_left: bool = False) -> Span:
        """Reserve ``chars`` slots starting at pen position (x, baseline y)."""
        # Whole pixels: a glyph at a half-pixel offset is smeared by linear filtering.
        x, y = round(x), round(y)
        chars = max(0, chars)
        start = self.glyphs.reserve_slots(x, y, chars, color)
        span = Span(self.glyphs, start, chars, x, y, color, align_right, cut_left)
        self.spans.append(span)
        return span

    def text(self, x: float, y: float, text: str, color: Color) -> Span:
        """A span exactly as wide as ``text``, set to it (for static labels)."""
        span = self.span(x, y, len(text), color)
        span.set(text)
        return span

    def tip_at(self, x: float, y: float) -> str:
        """The whole text of the abbreviated span under (x, y), else "" (hover)."""
        for span in self.spans:
            if span.chars and span.contains(x, y):
                tip = span.tip
                if tip:
                    return tip
        return ""

    def reset(self) -> None:
        """Drop every rectangle and span before a new layout."""
        self.rects.reset()
        self.glyphs.reset()
        self.spans = []
        self.damage.everything()

    def invalidate(self) -> None:
        """Draw everything again at the next `draw()`, changed or not."""
        self.damage.everything()

    @property
    def target_keeps_pixels(self) -> bool:
        """Whether the framebuffer drawn to keeps its pixels from one `draw()` to the
        next (a headless window's pbuffer does; a display's back buffer after a flip
        need not). Then only what changed is drawn again, else everything."""
        return self._keeps_pixels

    @target_keeps_pixels.setter
    def target_keeps_pixels(self, keeps: bool) -> None:
        if keeps != self._keeps_pixels:
            self._keeps_pixels = keeps
            self.damage.everything()

    def draw(self) -> None:
        """Draw what changed (or everything) into the bound framebuffer's viewport."""
        width, height = viewport_size()
        if (width, height) != self._size:
            self._size = (width, height)
            ratio = self.pixel_ratio
            self.damage.resize(round(width / ratio), round(height / ratio))
        self.damage.add(self.rects.flush())
        self.damage.add(self.glyphs.flush())
        if not self._keeps_pixels:
            self.damage.everything()
        self._redraw(self.damage.take())

    def _redraw(self, damaged: npt.NDArray[np.float32]) -> None:
        if not len(damaged):
            self.last_drawn = (0, 0)
            return
        ratio = self.pixel_ratio
        scissors = [(math.floor(x0 * ratio), math.floor(y0 * ratio),
                     math.ceil(x1 * ratio) - math.floor(x0 * ratio),
                     math.ceil(y1 * ratio) - math.floor(y0 * ratio))
                    for x0, y0, x1, y1 in damaged.tolist()]
        gl.glEnable(gl.GL_SCISSOR_TEST)
        r, g, b, a = self.background
        gl.glClearColor(r / 255, g / 255, b / 255, a / 255)
        for box in scissors:
            gl.glScissor(*box)
            gl.glClear(gl.GL_COLOR_BUFFER_BIT)
        # Rectangles are opaque: blending them would cost a read per pixel, which a
        # software rasteriser (llvmpipe) feels more than anything else in a frame.
        gl.glDisable(gl.GL_BLEND)
        self._rect_program.use()
        rects = _draw_selection(self.rects, damaged, scissors)
        self._rect_program.stop()
        gl.glEnable(gl.GL_BLEND)
        gl.glBlendFunc(gl.GL_SRC_ALPHA, gl.GL_ONE_MINUS_SRC_ALPHA)
        self._glyph_program.use()
        texture = self.atlas.texture
        gl.glActiveTexture(gl.GL_TEXTURE0)
        gl.glBindTexture(texture.target, texture.id)
        glyphs = _draw_selection(self.glyphs, damaged, scissors)
        self._glyph_program.stop()
        gl.glDisable(gl.GL_SCISSOR_TEST)
        self.last_drawn = (rects, glyphs)

    def delete(self) -> None:
        """Free the GL objects; call while the window's context is current."""
        self.rects.delete()
        self.glyphs.delete()
        self._rect_program.delete()
        self._glyph_program.delete()


def _draw_selection(layer: RectLayer | GlyphLayer, damaged: npt.NDArray[np.float32],
                    scissors: list[tuple[int, int, int, int]]) -> int:
    """Draw, in each damaged rectangle, the quads of ``layer`` that touch it; how many."""
    chosen = layer.select(damaged)
    quads = np.concatenate(chosen)
    if not len(quads):
        return 0
    layer.upload_selection(quads)
    first = 0
    for box, some in zip(scissors, chosen, strict=True):
        if len(some):
            gl.glScissor(*box)
            layer.draw(first, len(some))
            first += len(some)
    return len(quads)
