"""A minimal PNG writer for screenshots (pyglet's pure-Python encoder is slow)."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import numpy.typing as npt

__all__ = ["write_png"]


def write_png(path: str, rgba: npt.NDArray[np.uint8]) -> None:
    """Write an (height, width, 4) uint8 array, top row first, as an RGBA PNG."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"write_png() expected a (height, width, 4) uint8 array, got "
                         f"shape {rgba.shape!r} of {rgba.dtype}")
    height, width = rgba.shape[:2]
    # Each scanline starts with filter type 0 (none).
    raw = np.zeros((height, width * 4 + 1), np.uint8)
    raw[:, 1:] = rgba.reshape(height, width * 4)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        for tag, data in ((b"IHDR", header), (b"IDAT", zlib.compress(raw.tobytes(), 6)),
                          (b"IEND", b"")):
            f.write(struct.pack(">I", len(data)) + tag + data)
            f.write(struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
