"""Regenerate the README's pictures: docs/window.png and docs/terminal.svg (+ .txt).

    python scripts/make_screenshots.py [--frames 140] [--out docs]

The window picture comes from the command itself (``framehost run hello --window
--screenshot``), so it shows exactly what users get; with no display, pyglet renders
headless through EGL. The terminal picture renders the terminal view of the same
scene into a recording rich console and exports it. Both run in realtime at 60 fps,
so the frame figures in them are real ones.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from host import Host
from host.app.scene_loader import build_scene, load_scene
from host.app.views.terminal import render_task_view

ROOT = Path(__file__).resolve().parent.parent


def window_png(path: Path, frames: int) -> None:
    subprocess.run([sys.executable, "-m", "host", "run", "hello", "--window",
                    "--frames", str(frames), "--screenshot", str(path)],
                   check=True, cwd=ROOT)


def terminal_svg(svg: Path, txt: Path, frames: int, width: int = 120) -> None:
    scene = load_scene("hello")
    with Host(fps=60.0, realtime=True) as host:
        build_scene(scene, host)
        host.run(frames=frames)
        view = render_task_view(host.tasks.rows(), host.tasks.counts(), host.stats,
                                host.time(), title="framehost · hello")
        console = Console(record=True, width=width, file=io.StringIO())
        console.print(view)
        txt.write_text(console.export_text(clear=False), encoding="utf-8")
        console.save_svg(str(svg), title="framehost run hello --terminal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=140,
                        help="frames to run before the picture (default 140: every status shows)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    window_png(args.out / "window.png", args.frames)
    terminal_svg(args.out / "terminal.svg", args.out / "terminal.txt", args.frames)
    for name in ("window.png", "terminal.svg", "terminal.txt"):
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
