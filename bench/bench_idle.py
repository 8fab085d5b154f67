"""Frame cost of a host with N idle running tasks, against a bare loop step.

Run by hand: ``python bench/bench_idle.py [N ...]``. Prints, for each N, the mean
and p99 wall time of one ``host.step()`` and of a bare
``loop.call_soon(loop.stop); loop.run_forever()`` with the same N tasks parked on
a future, and their ratio. Both are measured in this run, on this machine.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import counts, script_parser
from bench.frame_overhead import bare_loop_samples, host_frame_samples

FRAMES = 600


def _mean_and_p99(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.fmean(ordered), ordered[int(len(ordered) * 0.99) - 1]


def main(argv: list[str]) -> None:
    parser = script_parser(__doc__)
    parser.add_argument("sizes", nargs="*", type=counts("idle task counts"), metavar="N",
                        help="idle task counts (default 0 100 1000 10000 100000)")
    sizes = [n for group in parser.parse_args(argv).sizes for n in group]
    sizes = sizes or [0, 100, 1_000, 10_000, 100_000]
    print("| idle tasks | host.step mean | p99 | bare loop step mean | ratio |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        mean, p99 = _mean_and_p99(host_frame_samples(n, FRAMES))
        bare_mean, _ = _mean_and_p99(bare_loop_samples(n, FRAMES))
        print(f"| {n:,} | {mean * 1e6:.1f} µs | {p99 * 1e6:.1f} µs | "
              f"{bare_mean * 1e6:.1f} µs | {mean / bare_mean:.1f}x |")


if __name__ == "__main__":
    main(sys.argv[1:])
