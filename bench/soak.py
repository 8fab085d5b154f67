"""Soak: a million tasks whose results are reference cycles; memory must stay flat.

Each task returns a fresh cycle (a list that contains itself, holding ~100 bytes of
payload), which only the cyclic garbage collector can free once Clear After drops
the task's record. With the host's GC policy on (`Host(gc="frame")`) the collector
runs at frame ends instead of inside frames; this shows it still runs. RSS is read
in a fresh subprocess at every tenth of the run: the last tenths must not climb.

    python bench/soak.py [--tasks N] [--gc frame|python]
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import feed, positive, script_parser

__all__ = ["SoakResult", "soak"]

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SoakResult:
    total: int
    #: RSS in bytes after each tenth of the tasks went through.
    rss: tuple[int, ...]
    collections: int

    @property
    def late_growth(self) -> int:
        """RSS growth over the second half of the run (flat memory: about zero)."""
        return self.rss[-1] - self.rss[len(self.rss) // 2 - 1]


async def _cyclic() -> list[object]:
    cycle: list[object] = [b"x" * 64]
    cycle.append(cycle)
    return cycle


def _soak(total: int, gc_mode: str | None, per_frame: int = 1_000) -> SoakResult:
    import gc

    from bench._common import quiet
    from bench.memory import _rss
    from host import Host

    counter = [0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            counter[0] += 1

    options: dict[str, Any] = {} if gc_mode is None else {"gc": gc_mode}
    gc.callbacks.append(count)
    try:
        with quiet(), Host(fps=60.0, realtime=False, **options) as host:
            host.asyncio_comp.par.Clearafter = 0.1
            host.step(2)
            marks = [total * k // 10 for k in range(1, 11)]
            rss: list[int] = []

            def sample(submitted: int, _frames: int) -> None:
                while marks and submitted >= marks[0]:
                    marks.pop(0)
                    rss.append(_rss())

            feed(host, total, per_frame, _cyclic, sample)
            return SoakResult(total, tuple(rss), counter[0])
    finally:
        gc.callbacks.remove(count)


def soak(total: int = 1_000_000, gc_mode: str | None = None) -> SoakResult:
    """Run `_soak` in a fresh interpreter so its RSS starts clean."""
    code = ("import json; from bench.soak import _soak; "
            f"r = _soak({int(total)}, {gc_mode!r}); "
            "print(json.dumps([r.total, list(r.rss), r.collections]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True, timeout=3_600)
    total_, rss, collections = json.loads(out.stdout.strip().splitlines()[-1])
    return SoakResult(total_, tuple(rss), collections)


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--tasks", type=positive(int, "a task count"), default=1_000_000)
    parser.add_argument("--gc", choices=("frame", "python"), default=None)
    args = parser.parse_args()
    result = soak(args.tasks, args.gc)
    print(f"{result.total:,} tasks, results are cycles; RSS after each tenth (MB): "
          + ", ".join(f"{v / MB:.1f}" for v in result.rss))
    print(f"growth over the second half: {result.late_growth / MB:+.1f} MB; "
          f"{result.collections:,} collections")


if __name__ == "__main__":
    main()
