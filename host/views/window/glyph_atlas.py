"""GlyphAtlas: a monospace font as numpy tables the canvas indexes by glyph id."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyglet

__all__ = ["PRELOAD", "GlyphAtlas"]

#: Printable ASCII plus the symbols the views draw; loaded first so they share one texture.
PRELOAD = "".join(chr(c) for c in range(32, 127)) + "…✕▲▼·•─│°µ»›×"
_ARRAYS_KEPT = 4096


class GlyphAtlas:
    """A monospace font as numpy tables: glyph id → quad corner offsets and texture coords."""

    def __init__(self, font_name: str | None, size: float) -> None:
        self.font = pyglet.font.load(font_name, size)
        # One character at a time: get_glyphs() of a whole string groups graphemes.
        glyphs = [self.font.get_glyphs(ch)[0][0] for ch in PRELOAD]
        self.texture = glyphs[0].owner
        self.advance = int(max(g.advance for g in glyphs[:95]))
        self.ascent = int(self.font.ascent)
        self.descent = int(self.font.descent)
        #: Each glyph's quad as vertices around the pen position: corner x, y, texture
        #: u, v and a 5th float the canvas fills with the colour; zeros for blanks.
        self.vertices: npt.NDArray[np.float32] = np.zeros((256, 4, 5), np.float32)
        #: Each glyph's box (x0, y0, x1, y1) around the pen position; zeros for blanks.
        self.box: npt.NDArray[np.float32] = np.zeros((256, 4), np.float32)
        self._ids: dict[str, int] = {}
        self._arrays: dict[str, npt.NDArray[np.int32]] = {}
        self._count = 0
        for char, glyph in zip(PRELOAD, glyphs, strict=False):
            self._add(char, glyph)
        self._fallback = self._ids["?"]

    def _add(self, char: str, glyph: Any) -> int:
        if char in self._ids:
            return self._ids[char]
        gid = self._count
        self._count += 1
        if gid >= len(self.vertices):
            self.vertices = np.concatenate([self.vertices, np.zeros_like(self.vertices)])
            self.box = np.concatenate([self.box, np.zeros_like(self.box)])
        if not char.isspace():
            x0, y0, x1, y1 = glyph.vertices
            t = glyph.tex_coords
            self.vertices[gid, :, :4] = ((x0, y0, t[0], t[1]), (x1, y0, t[3], t[4]),
                                         (x1, y1, t[6], t[7]), (x0, y1, t[9], t[10]))
            self.box[gid] = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        self._ids[char] = gid
        return gid

    def ids(self, text: str) -> list[int]:
        """Glyph ids for each character; characters the atlas cannot hold show as '?'."""
        get = self._ids.get
        ids = [get(c, -1) for c in text]
        if -1 in ids:
            ids = [get(c, -1) if get(c, -1) >= 0 else self._load(c) for c in text]
        return ids

    def id_array(self, text: str) -> npt.NDArray[np.int32]:
        """`ids` as an array, remembered: the same texts come back frame after frame
        (durations, statuses), and a list converted each time costs more than a lookup."""
        ids = self._arrays.get(text)
        if ids is None:
            if len(self._arrays) >= _ARRAYS_KEPT:
                self._arrays.clear()
            ids = self._arrays[text] = np.array(self.ids(text), np.int32)
        return ids

    def _load(self, char: str) -> int:
        glyph = self.font.get_glyphs(char)[0][0]
        # A glyph rendered into a second atlas texture cannot share this draw call.
        if glyph.owner is not self.texture:
            self._ids[char] = self._fallback
            return self._fallback
        return self._add(char, glyph)
