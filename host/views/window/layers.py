"""Quad layers: rectangles and character slots as numpy arrays mirrored in GL buffers.

A layer is a growable array of quads. Setting a quad marks a dirty range; `flush()`
finds the quads of that range whose keys differ from those last drawn, rebuilds
their vertices (vectorised), uploads them with one ``glBufferSubData`` and reports
their screen boxes (old place and new), which is what the canvas redraws. Each
quad's bounding box is kept, so a redraw can pick the quads that touch a damaged
rectangle; quads with no area (hidden rectangles, blank slots) are never drawn.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from pyglet import gl
from pyglet.graphics.vertexarray import VertexArray
from pyglet.graphics.vertexbuffer import BufferObject

from host.views.window.colors import Color
from host.views.window.glyph_atlas import GlyphAtlas

__all__ = ["VERTEX", "GlyphLayer", "RectLayer"]

VERTEX = np.dtype([("pos", np.float32, (2,)), ("uv", np.float32, (2,)), ("col", np.uint8, (4,))])
_QUAD = np.array([0, 1, 2, 0, 2, 3], np.uint32)
_NO_BOXES: npt.NDArray[np.float32] = np.zeros((0, 4), np.float32)


class _QuadLayer:
    """A growable array of quads mirrored in one GL vertex buffer.

    What defines each quad (its *key*: position, glyph or size, colour) is one row of
    ``KEY_WIDTH`` 32-bit words; subclasses expose typed views of its columns. A copy
    of the keys as last drawn tells which quads of a dirty range really changed.
    """

    KEY_WIDTH = 0

    def __init__(self) -> None:
        self.count = 0
        self.verts: npt.NDArray[Any] = np.zeros((0, 4), VERTEX)
        #: Each quad's bounding box (x0, y0, x1, y1) as last flushed.
        self.boxes: npt.NDArray[np.float32] = np.zeros((0, 4), np.float32)
        self.keys: npt.NDArray[np.uint32] = np.zeros((0, self.KEY_WIDTH), np.uint32)
        self._drawn_keys: npt.NDArray[np.uint32] = self.keys.copy()
        self._lo = math.inf
        self._hi = 0
        self._shown: tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]] | None = None
        self._gpu_quads = -1
        self._vao: Any = None
        self._vbo: Any = None
        self._ibo: Any = None

    def _reserve(self, n: int) -> int:
        self._shown = None
        start = self.count
        self.count += n
        if self.count > len(self.verts):
            capacity = max(256, 1 << (self.count - 1).bit_length())
            self._grow(capacity)
        return start

    def _grow(self, capacity: int) -> None:
        def grown(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
            out = np.zeros((capacity, *a.shape[1:]), a.dtype)
            out[: len(a)] = a
            return out

        self.verts, self.boxes, self.keys = grown(self.verts), grown(self.boxes), grown(self.keys)
        self._drawn_keys = grown(self._drawn_keys)
        self._views()

    def _views(self) -> None:
        """Point the typed views at the columns of ``keys``."""

    def mark(self, lo: int, hi: int) -> None:
        if lo < self._lo:
            self._lo = lo
        if hi > self._hi:
            self._hi = hi

    def reset(self) -> None:
        """Forget every quad (a new layout follows); keeps the GL buffers."""
        self.count = 0
        self._lo, self._hi = math.inf, 0
        self._shown = None

    def _build(self, lo: int, hi: int) -> None:
        """Vertices and boxes of quads lo..hi from their keys."""
        raise NotImplementedError

    def flush(self) -> npt.NDArray[np.float32] | None:
        """Rebuild the quads that changed and send them to the GPU.

        Returns:
            The boxes (x0, y0, x1, y1) where the quads that changed were and now are,
            or None when the GL buffers were made anew (everything must be redrawn).
        """
        hi = min(self._hi, self.count)
        lo = self._lo
        self._lo, self._hi = math.inf, 0
        if len(self.verts) != self._gpu_quads:
            self._shown = None
            self._build(0, len(self.verts))
            self._drawn_keys[:] = self.keys
            self._create_buffers(len(self.verts))
            return None
        if hi <= lo:
            return _NO_BOXES
        lo = int(lo)
        changed = lo + np.flatnonzero((self.keys[lo:hi] != self._drawn_keys[lo:hi]).any(axis=1))
        if not len(changed):
            return _NO_BOXES
        first, last = int(changed[0]), int(changed[-1]) + 1
        before = self.boxes[changed]  # a copy: fancy indexing
        self._shown = None
        self._build(first, last)
        self._drawn_keys[first:last] = self.keys[first:last]
        size = VERTEX.itemsize * 4
        self._vbo.set_data_region(self.verts[first:last].ctypes.data, first * size,
                                  (last - first) * size)
        return np.concatenate([before, self.boxes[changed]])

    def _visible(self) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """The quads with an area (most slots are blanks) and their boxes, kept until
        a quad changes."""
        if self._shown is None:
            b = self.boxes[: self.count]
            index = np.flatnonzero((b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1]))
            self._shown = index, self.boxes[index]
        return self._shown

    def select(self, rects: npt.NDArray[np.float32]) -> list[npt.NDArray[np.intp]]:
        """For each rectangle (x0, y0, x1, y1), the visible quads that touch it, in order."""
        index, b = self._visible()
        x0, y0, x1, y1 = (rects[:, i, None] for i in range(4))
        touch = (b[:, 0] < x1) & (b[:, 2] > x0) & (b[:, 1] < y1) & (b[:, 3] > y0)
        return [index[row] for row in touch]

    def upload_selection(self, quads: npt.NDArray[np.int64]) -> None:
        """Make ``quads`` (indices, concatenated per rectangle) what `draw` indexes into."""
        indices = (quads.astype(np.uint32)[:, None] * 4 + _QUAD).ravel()
        self._vao.bind()
        self._ibo.bind_to_index_buffer()
        # A fresh store each time: the driver need not wait for last frame's draws.
        gl.glBufferData(gl.GL_ELEMENT_ARRAY_BUFFER, max(4, indices.nbytes),
                        indices.ctypes.data if len(indices) else None, gl.GL_STREAM_DRAW)
        self._vao.unbind()

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
        self._ibo = BufferObject(4)
        self._ibo.bind_to_index_buffer()
        self._vao.unbind()
        self._gpu_quads = capacity

    def draw(self, first: int, count: int) -> None:
        """Draw ``count`` quads of the uploaded selection, from its ``first``."""
        if count:
            self._vao.bind()
            gl.glDrawElements(gl.GL_TRIANGLES, count * 6, gl.GL_UNSIGNED_INT, first * 24)
            self._vao.unbind()

    def delete(self) -> None:
        for obj in (self._vao, self._vbo, self._ibo):
            if obj is not None:
                obj.delete()
        self._vao = self._vbo = self._ibo = None
        self._gpu_quads = -1


class RectLayer(_QuadLayer):
    """Solid rectangles; each one an index into ``geom`` (x, y, w, h) and ``color``."""

    KEY_WIDTH = 5

    def __init__(self) -> None:
        super().__init__()
        self._views()

    def _views(self) -> None:
        self.geom: npt.NDArray[np.float32] = self.keys[:, 0:4].view(np.float32)
        self.color: npt.NDArray[np.uint8] = self.keys[:, 4:5].view(np.uint8)

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
        x, y = g[:, 0], g[:, 1]
        x1, y1 = x + g[:, 2], y + g[:, 3]
        pos = self.verts["pos"][lo:hi]
        pos[:, 0, 0] = x
        pos[:, 0, 1] = y
        pos[:, 1, 0] = x1
        pos[:, 1, 1] = y
        pos[:, 2, 0] = x1
        pos[:, 2, 1] = y1
        pos[:, 3, 0] = x
        pos[:, 3, 1] = y1
        self.verts["uv"][lo:hi] = -1.0
        self.verts["col"][lo:hi] = self.color[lo:hi, None, :]
        boxes = self.boxes[lo:hi]
        np.minimum(x, x1, out=boxes[:, 0])
        np.minimum(y, y1, out=boxes[:, 1])
        np.maximum(x, x1, out=boxes[:, 2])
        np.maximum(y, y1, out=boxes[:, 3])


class GlyphLayer(_QuadLayer):
    """Character slots: glyph id, pen position and colour per slot."""

    KEY_WIDTH = 4

    def __init__(self, atlas: GlyphAtlas) -> None:
        super().__init__()
        self.atlas = atlas
        self._views()
        self.space = atlas.ids(" ")[0]

    def _views(self) -> None:
        self.gid: npt.NDArray[np.int32] = self.keys[:, 0].view(np.int32)
        self.base: npt.NDArray[np.float32] = self.keys[:, 1:3].view(np.float32)
        self.color: npt.NDArray[np.uint8] = self.keys[:, 3:4].view(np.uint8)

    def reserve_slots(self, x: int, y: int, chars: int, color: Color) -> int:
        """Reserve ``chars`` blank slots from pen position (x, baseline y); the first index."""
        start = self._reserve(chars)
        end = start + chars
        self.gid[start:end] = self.space
        self.base[start:end, 0] = x + np.arange(chars, dtype=np.float32) * self.atlas.advance
        self.base[start:end, 1] = y
        self.color[start:end] = color
        self.mark(start, end)
        return start

    def write(self, start: int, text: str, color: Color | None) -> None:
        n = len(text)
        self.gid[start:start + n] = self.atlas.id_array(text)
        if color is not None:
            self.color[start:start + n] = color
        self.mark(start, start + n)

    def _build(self, lo: int, hi: int) -> None:
        gid = self.gid[lo:hi]
        base = self.base[lo:hi]
        # The vertices as plain floats (the colour's 4 bytes ride in the 5th): the
        # glyph's template of corners and texture coordinates, moved to the pen.
        verts = self.verts.view(np.float32).reshape(-1, 4, 5)[lo:hi]
        np.take(self.atlas.vertices, gid, axis=0, out=verts)
        verts[:, :, :2] += base[:, None, :]
        verts[:, :, 4] = self.keys[lo:hi, 3, None].view(np.float32)
        np.add(self.atlas.box[gid], np.tile(base, 2), out=self.boxes[lo:hi])
