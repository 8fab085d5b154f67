"""The window table renderer figure, from ``bench/bench_renderer.py`` when it exists.

That module is written separately; this adapter calls the first function it finds
that returns ``(naive_seconds, renderer_seconds)``, or runs it as a script and reads
the two figures from its output. None when neither works (no display, no module).
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

__all__ = ["parse_output", "renderer_figures"]

SCRIPT = Path(__file__).resolve().parent / "bench_renderer.py"
_CANDIDATES = ("renderer_vs_naive", "renderer_figures", "bench_renderer", "compare")
_NUMBER = r"([0-9]*\.?[0-9]+)\s*(ms|µs|us|s)\b"
_SCALE = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6}


def renderer_figures(quick: bool = False) -> tuple[float, float] | None:
    """``(naive_seconds, renderer_seconds)`` per update + draw, or None."""
    if not SCRIPT.exists():
        return None
    try:
        module = importlib.import_module("bench.bench_renderer")
    except Exception:
        module = None
    for name in _CANDIDATES if module is not None else ():
        fn = getattr(module, name, None)
        if not callable(fn):
            continue
        try:
            result = fn()
        except TypeError:
            continue
        if (isinstance(result, tuple) and len(result) == 2
                and all(isinstance(v, int | float) for v in result)):
            return float(result[0]), float(result[1])
    return _from_script()


def _from_script() -> tuple[float, float] | None:
    try:
        out = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                             timeout=300, cwd=SCRIPT.parent.parent).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_output(out)


def parse_output(out: str) -> tuple[float, float] | None:
    """The tick workload's ``(naive, renderer)`` seconds from bench_renderer's output."""
    naive = renderer = None
    for line in out.splitlines():
        # bench_renderer's table: "tick  cpu  <naive ms>  <ours ms>  <ratio>x".
        parts = line.split()
        if parts[:2] == ["tick", "cpu"] and len(parts) >= 4:
            return float(parts[2]) * 1e-3, float(parts[3]) * 1e-3
        match = re.search(_NUMBER, line)
        if match is None:
            continue
        seconds = float(match.group(1)) * _SCALE[match.group(2)]
        lowered = line.lower()
        if "naive" in lowered and naive is None:
            naive = seconds
        elif "render" in lowered and renderer is None:
            renderer = seconds
    return None if naive is None or renderer is None else (naive, renderer)
