"""Canvas: every rectangle and every character of the window, in two draw calls.

Why not `pyglet.text.Label`: assigning ``Label.text`` re-lays-out the whole label
(~80-110 µs each under llvmpipe), so 40 rows of ticking durations would cost more
than a frame. Here text lives in fixed *spans* of monospace character slots. A
slot is one quad whose corners are its pen position plus the glyph's box, and
whose texture coordinates come from the font's glyph atlas; both are looked up
in numpy tables by glyph id. Changing a span's text writes a few glyph ids and
widens a dirty range; `draw()` rebuilds only that range of vertices (vectorised)
and uploads it with one ``glBufferSubData``. Spans are allocated column by column,
so the durations that tick every frame are one short contiguous range.

Rectangles (row backgrounds, status badges, progress bars, the frame graph) use
the same vertex format in a layer drawn first, opaque, with a shader that samples
no texture.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pyglet
from pyglet import gl
from pyglet.graphics.shader import Shader, ShaderProgram
from pyglet.graphics.vertexarray import VertexArray
from pyglet.graphics.vertexbuffer import BufferObject

from host.app.views.window.colors import Color
from host.app.views.window.glyph_atlas import GlyphAtlas

__all__ = ["Canvas", "Span"]

VERTEX = np.dtype([("pos", np.float32, (2,)), ("uv", np.float32, (2,)), ("col", np.uint8, (4,))])
ELLIPSIS = "…"

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


class _QuadLayer:
    """A growable array of quads mirrored in one GL vertex buffer, drawn in one call."""

    def __init__(self) -> None:
        self.count = 0
        self.verts: npt.NDArray[Any] = np.zeros((0, 4), VERTEX)
        self._lo = math.inf
        self._hi = 0
        self._gpu_quads = -1
        self._vao: Any = None
        self._vbo: Any = None
        self._ibo: Any = None

    def _reserve(self, n: int) -> int:
        start = self.count
        self.count += n
        if self.count > len(self.verts):
            capacity = max(256, 1 << (self.count - 1).bit_length())
            self._grow(capacity)
        return start

    def _grow(self, capacity: int) -> None:
        grown = np.zeros((capacity, 4), VERTEX)
        grown[: len(self.verts)] = self.verts
        self.verts = grown

    def mark(self, lo: int, hi: int) -> None:
        if lo < self._lo:
            self._lo = lo
        if hi > self._hi:
            self._hi = hi

    def reset(self) -> None:
        """Forget every quad (a new layout follows); keeps the GL buffers."""
        self.count = 0
        self._lo, self._hi = math.inf, 0

    def _build(self, lo: int, hi: int) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        """Rebuild the dirty vertices and send them to the GPU."""
        hi = min(self._hi, self.count)
        capacity = len(self.verts)
        if capacity != self._gpu_quads:
            self._build(0, self.count)
            self._create_buffers(capacity)
        elif hi > self._lo:
            lo = int(self._lo)
            self._build(lo, hi)
            size = VERTEX.itemsize * 4
            self._vbo.set_data_region(self.verts[lo:hi].ctypes.data, lo * size, (hi - lo) * size)
        self._lo, self._hi = math.inf, 0

    def _create_buffers(self, capacity: int) -> None:
        self.delete()
        self._vao = VertexArray()
        self._vao.bind()
        self._vbo = BufferObject(capacity * 4 * VERTEX.itemsize)
        self._vbo.set_data(self.verts.ctypes.data)
        stride = VERTEX.itemsize
        gl.glEnableVertexAttribArray(0)
        gl.glVertexAttribPointer(0, 2, gl.GL_FLOAT, gl.GL_FALSE, stride, 0)
        gl.glEnableVertexAttribArray(1)
        gl.glVertexAttribPointer(1, 2, gl.GL_FLOAT, gl.GL_FALSE, stride, 8)
        gl.glEnableVertexAttribArray(2)
        gl.glVertexAttribPointer(2, 4, gl.GL_UNSIGNED_BYTE, gl.GL_TRUE, stride, 16)
        quad = np.array([0, 1, 2, 0, 2, 3], np.uint32)
        indices = (np.arange(capacity, dtype=np.uint32)[:, None] * 4 + quad).ravel()
        self._ibo = BufferObject(indices.nbytes)
        self._ibo.bind_to_index_buffer()
        gl.glBufferData(gl.GL_ELEMENT_ARRAY_BUFFER, indices.nbytes, indices.ctypes.data,
                        gl.GL_STATIC_DRAW)
        self._vao.unbind()
        self._gpu_quads = capacity

    def draw(self) -> None:
        if self.count and self._vao is not None:
            self._vao.bind()
            gl.glDrawElements(gl.GL_TRIANGLES, self.count * 6, gl.GL_UNSIGNED_INT, 0)
            self._vao.unbind()

    def delete(self) -> None:
        for obj in (self._vao, self._vbo, self._ibo):
            if obj is not None:
                obj.delete()
        self._vao = self._vbo = self._ibo = None
        self._gpu_quads = -1


class RectLayer(_QuadLayer):
    """Solid rectangles; each one an index into ``geom`` (x, y, w, h) and ``color``."""

    def __init__(self) -> None:
        super().__init__()
        self.geom: npt.NDArray[np.float32] = np.zeros((0, 4), np.float32)
        self.color: npt.NDArray[np.uint8] = np.zeros((0, 4), np.uint8)

    def _grow(self, capacity: int) -> None:
        super()._grow(capacity)
        geom = np.zeros((capacity, 4), np.float32)
        geom[: len(self.geom)] = self.geom
        color = np.zeros((capacity, 4), np.uint8)
        color[: len(self.color)] = self.color
        self.geom, self.color = geom, color

    def add_many(self, n: int, color: Color) -> int:
        """Reserve ``n`` hidden rectangles of one colour; returns the first index."""
        start = self._reserve(n)
        self.geom[start:start + n] = 0.0
        self.color[start:start + n] = color
        self.mark(start, start + n)
        return start

    def set(self, i: int, x: float, y: float, w: float, h: float,
            color: Color | None = None) -> None:
        """Move, resize or recolour one rectangle; a zero size hides it."""
        geom = self.geom[i]
        if (geom[0] != x or geom[1] != y or geom[2] != w or geom[3] != h
                or (color is not None and tuple(self.color[i]) != color)):
            geom[:] = (x, y, w, h)
            if color is not None:
                self.color[i] = color
            self.mark(i, i + 1)

    def set_many(self, start: int, geom: npt.NDArray[np.float32],
                 colors: npt.NDArray[np.uint8] | None = None) -> None:
        n = len(geom)
        self.geom[start:start + n] = geom
        if colors is not None:
            self.color[start:start + n] = colors
        self.mark(start, start + n)

    def _build(self, lo: int, hi: int) -> None:
        g = self.geom[lo:hi]
        x, y, w, h = g[:, 0], g[:, 1], g[:, 2], g[:, 3]
        pos = self.verts["pos"][lo:hi]
        pos[:, 0, 0] = x
        pos[:, 0, 1] = y
        pos[:, 1, 0] = x + w
        pos[:, 1, 1] = y
        pos[:, 2, 0] = x + w
        pos[:, 2, 1] = y + h
        pos[:, 3, 0] = x
        pos[:, 3, 1] = y + h
        self.verts["uv"][lo:hi] = -1.0
        self.verts["col"][lo:hi] = self.color[lo:hi, None, :]


class GlyphLayer(_QuadLayer):
    """Character slots: glyph id, pen position and colour per slot."""

    def __init__(self, atlas: GlyphAtlas) -> None:
        super().__init__()
        self.atlas = atlas
        self.gid: npt.NDArray[np.int32] = np.zeros(0, np.int32)
        self.base: npt.NDArray[np.float32] = np.zeros((0, 2), np.float32)
        self.color: npt.NDArray[np.uint8] = np.zeros((0, 4), np.uint8)
        self._space = atlas.ids(" ")[0]

    def _grow(self, capacity: int) -> None:
        super()._grow(capacity)
        gid = np.full(capacity, self._space, np.int32)
        gid[: len(self.gid)] = self.gid
        base = np.zeros((capacity, 2), np.float32)
        base[: len(self.base)] = self.base
        color = np.zeros((capacity, 4), np.uint8)
        color[: len(self.color)] = self.color
        self.gid, self.base, self.color = gid, base, color

    def span(self, x: float, y: float, chars: int, color: Color, *,
             align_right: bool = False) -> Span:
        """Reserve ``chars`` slots starting at pen position (x, baseline y)."""
        # Whole pixels: a glyph at a half-pixel offset is smeared by linear filtering.
        x, y = round(x), round(y)
        start = self._reserve(chars)
        end = start + chars
        self.gid[start:end] = self._space
        self.base[start:end, 0] = x + np.arange(chars, dtype=np.float32) * self.atlas.advance
        self.base[start:end, 1] = y
        self.color[start:end] = color
        self.mark(start, end)
        return Span(self, start, chars, x, y, color, align_right)

    def write(self, start: int, text: str, color: Color | None) -> None:
        n = len(text)
        self.gid[start:start + n] = self.atlas.ids(text)
        if color is not None:
            self.color[start:start + n] = color
        self.mark(start, start + n)

    def _build(self, lo: int, hi: int) -> None:
        gid = self.gid[lo:hi]
        verts = self.verts[lo:hi]
        verts["pos"] = self.base[lo:hi, None, :] + self.atlas.quad[gid]
        verts["uv"] = self.atlas.uv[gid]
        verts["col"] = self.color[lo:hi, None, :]


class Span:
    """A fixed run of character slots; `set()` redraws only when text or colour changed."""

    __slots__ = ("align_right", "chars", "color", "layer", "start", "text", "x", "y")

    def __init__(self, layer: GlyphLayer, start: int, chars: int, x: float, y: float,
                 color: Color, align_right: bool) -> None:
        self.layer = layer
        self.start = start
        self.chars = chars
        self.x = x
        self.y = y
        self.color = color
        self.align_right = align_right
        self.text = ""

    @property
    def width(self) -> int:
        return self.chars * self.layer.atlas.advance

    def set(self, text: str, color: Color | None = None) -> None:
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
            return text[: n - 1] + ELLIPSIS if n > 1 else text[:n]
        return text.rjust(n) if self.align_right else text.ljust(n)

    def contains(self, x: float, y: float) -> bool:
        atlas = self.layer.atlas
        return (self.x <= x < self.x + self.width
                and self.y + atlas.descent - 2 <= y < self.y + atlas.ascent + 2)


class Canvas:
    """The two layers, their shader and the glyph atlas; draw with `draw()`."""

    def __init__(self, font_name: str | None = "DejaVu Sans Mono", font_size: float = 9.0) -> None:
        if font_name is not None and not pyglet.font.have_font(font_name):
            font_name = None  # pyglet's default font; proportional glyphs in fixed slots
        self.atlas = GlyphAtlas(font_name, font_size)
        self.rects = RectLayer()
        self.glyphs = GlyphLayer(self.atlas)
        #: Every span of the current layout, in the order made.
        self.spans: list[Span] = []
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
             align_right: bool = False) -> Span:
        span = self.glyphs.span(x, y, max(0, chars), color, align_right=align_right)
        self.spans.append(span)
        return span

    def text(self, x: float, y: float, text: str, color: Color) -> Span:
        """A span exactly as wide as ``text``, set to it (for static labels)."""
        span = self.span(x, y, len(text), color)
        span.set(text)
        return span

    def reset(self) -> None:
        """Drop every rectangle and span before a new layout."""
        self.rects.reset()
        self.glyphs.reset()
        self.spans = []

    def draw(self) -> None:
        self.rects.flush()
        self.glyphs.flush()
        # Rectangles are opaque: blending them would cost a read per pixel, which a
        # software rasteriser (llvmpipe) feels more than anything else in a frame.
        gl.glDisable(gl.GL_BLEND)
        self._rect_program.use()
        self.rects.draw()
        self._rect_program.stop()
        gl.glEnable(gl.GL_BLEND)
        gl.glBlendFunc(gl.GL_SRC_ALPHA, gl.GL_ONE_MINUS_SRC_ALPHA)
        self._glyph_program.use()
        texture = self.atlas.texture
        gl.glActiveTexture(gl.GL_TEXTURE0)
        gl.glBindTexture(texture.target, texture.id)
        self.glyphs.draw()
        self._glyph_program.stop()

    def delete(self) -> None:
        """Free the GL objects; call while the window's context is current."""
        self.rects.delete()
        self.glyphs.delete()
        self._rect_program.delete()
        self._glyph_program.delete()
