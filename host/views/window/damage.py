"""Damage: the parts of the window that changed since the last frame, as few rectangles.

Where the window keeps its pixels, the canvas redraws only where something
changed. What changed arrives as many small boxes (every glyph or rectangle that
moved, changed or went away). When the box around them all is hardly larger than
they are (a column of ticking cells) it is the one rectangle. Otherwise they are
marked on a grid of tiles, and the marked tiles are read back as rectangles: runs
of tiles along each tile row, runs with the same columns in consecutive rows
joined. When that gives more than `MAX_RECTS`, tiles twice as large are tried,
and so on, so a few figures in the header and a cell in the table stay a few
small rectangles and scattered changes become a few larger ones.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["BOUND_AREA", "MAX_RECTS", "TILE", "Damage"]

#: Tile side in pixels: smaller redraws less area, larger gives fewer rectangles.
TILE = 16
#: At most this many rectangles a frame; past it, tiles twice as large are tried.
MAX_RECTS = 6
#: Square pixels below which the box around all damage is redrawn whole.
BOUND_AREA = 64 * 64


_NONE: npt.NDArray[np.float32] = np.zeros((0, 4), np.float32)


def _area(boxes: npt.NDArray[np.float32]) -> float:
    return float(((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])).sum())


def _with_area(boxes: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The boxes that cover at least some area (a hidden quad's box is a point)."""
    return boxes[(boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])]


class Damage:
    """Boxes marked since the last `take()`, on a ``width`` × ``height`` screen."""

    def __init__(self, width: int = 0, height: int = 0, tile: int = TILE) -> None:
        self.tile = tile
        self.width = self.height = 0
        self._all = True
        self._boxes: list[npt.NDArray[np.float32]] = []
        self.resize(width, height)

    def resize(self, width: int, height: int) -> None:
        """A new screen size; all of it is damaged."""
        self.width, self.height = width, height
        self.everything()

    def everything(self) -> None:
        """Damage the whole screen (a new layout, a new size, a lost frame)."""
        self._all = True
        self._boxes = []

    def add(self, boxes: npt.NDArray[np.float32] | None) -> None:
        """Damage each box (x0, y0, x1, y1); None damages everything."""
        if boxes is None:
            self.everything()
        elif len(boxes) and not self._all:
            self._boxes.append(boxes)

    def take(self) -> npt.NDArray[np.float32]:
        """The damaged rectangles (x0, y0, x1, y1), disjoint and clipped to the screen,
        at most `MAX_RECTS` of them; forgets them."""
        everything, boxes = self._all, self._boxes
        self._all, self._boxes = False, []
        screen = np.array([[0, 0, self.width, self.height]], np.float32)
        if everything:
            return _with_area(screen)
        if not boxes:
            return _NONE
        damaged = _with_area(np.concatenate(boxes))
        if not len(damaged):
            return _NONE
        bound = np.concatenate([damaged[:, :2].min(axis=0), damaged[:, 2:].max(axis=0)])[None]
        # One rectangle around everything when that redraws little more than the
        # boxes themselves (a column of ticking cells): no grid to build.
        if _area(bound) <= max(BOUND_AREA, 2 * _area(damaged)):
            return _with_area(np.clip(bound, 0, np.tile(screen[:, 2:], 2)))
        tile = self.tile
        while True:
            rects = self._rectangles(self._mark(damaged, tile), tile)
            # Coarser tiles give fewer, larger rectangles: each one costs a clear, two
            # draws and a pass over the quads, so a handful of larger ones is cheaper.
            if len(rects) <= MAX_RECTS or tile >= max(self.width, self.height):
                return rects
            tile *= 2

    def _mark(self, boxes: npt.NDArray[np.float32], tile: int) -> npt.NDArray[np.bool_]:
        """Tiles touched by the boxes, through a summed difference array."""
        rows, cols = -(-self.height // tile), -(-self.width // tile)
        c0 = np.clip(np.floor(boxes[:, 0] / tile), 0, cols).astype(np.intp)
        r0 = np.clip(np.floor(boxes[:, 1] / tile), 0, rows).astype(np.intp)
        c1 = np.clip(np.ceil(boxes[:, 2] / tile), 0, cols).astype(np.intp)
        r1 = np.clip(np.ceil(boxes[:, 3] / tile), 0, rows).astype(np.intp)
        stride = cols + 1
        corners = np.concatenate([r0 * stride + c0, r0 * stride + c1,
                                  r1 * stride + c0, r1 * stride + c1])
        signs = np.repeat(np.array([1.0, -1.0, -1.0, 1.0]), len(boxes))
        diff = np.bincount(corners, signs, (rows + 1) * stride).reshape(rows + 1, stride)
        return np.cumsum(np.cumsum(diff, axis=0), axis=1)[:rows, :cols] > 0.5

    def _rectangles(self, tiles: npt.NDArray[np.bool_], tile: int) -> npt.NDArray[np.float32]:
        padded = np.zeros((tiles.shape[0], tiles.shape[1] + 2), np.int8)
        padded[:, 1:-1] = tiles
        edges = np.diff(padded, axis=1)
        start_rows, starts = np.nonzero(edges == 1)
        ends = np.nonzero(edges == -1)[1]  # row-major, so ends pair with starts
        done: list[list[int]] = []
        open_runs: dict[tuple[int, int], list[int]] = {}  # (c0, c1) -> [c0, r0, c1, r1]
        for r, c0, c1 in zip(start_rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
            run = open_runs.get((c0, c1))
            if run is not None and run[3] == r:
                run[3] = r + 1
                continue
            if run is not None:
                done.append(run)
            open_runs[(c0, c1)] = [c0, r, c1, r + 1]
        done.extend(open_runs.values())
        out = np.array(done, np.float32).reshape(-1, 4) * tile
        np.minimum(out[:, 2], self.width, out=out[:, 2])
        np.minimum(out[:, 3], self.height, out=out[:, 3])
        return out
