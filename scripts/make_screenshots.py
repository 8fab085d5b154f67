"""Regenerate the README's pictures: docs/window.png (1280x720), docs/window-small.png
(800x450, the smallest the window lays out, with the parameter panel open) and
docs/terminal.svg (+ .txt, 120 columns) and docs/terminal-80.svg (80 columns).

    python scripts/make_screenshots.py [--frames 140] [--out docs]

The large window picture comes from the command itself (``framehost run hello
--window --screenshot``), so it shows exactly what users get; with no display,
pyglet renders headless through EGL. The small one opens the same window at
800x450 in this process and clicks an operator, as a user would. The terminal
pictures draw the terminal view of the same scene into a recording rich console.
All run in realtime at 60 fps, so the frame figures in them are real ones.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from host import Host
from host.scene_loader import build_scene, load_scene
from host.views.terminal import TerminalView

ROOT = Path(__file__).resolve().parent.parent


def window_png(path: Path, frames: int) -> None:
    subprocess.run([sys.executable, "-m", "host", "run", "hello", "--window",
                    "--frames", str(frames), "--screenshot", str(path)],
                   check=True, cwd=ROOT)


def small_window_png(path: Path, frames: int) -> None:
    from host.views.window import WindowView

    with Host(fps=60.0, realtime=True) as host:
        build_scene(load_scene("hello"), host)
        view = WindowView(host, width=800, height=450, headless=None,
                          title="framehost · hello")
        try:
            host.run(frames=frames - 1)
            line = next(s for s in view.screen.panel.lines if s.text == "/ChatTD/TDAsyncIO")
            view.click(line.x + 3, line.y + 3)
            host.run(frames=1)
            view.save_screenshot(str(path))
        finally:
            view.close()


def terminal_svg(svg: Path, txt: Path | None, frames: int, width: int = 120) -> None:
    scene = load_scene("hello")
    with Host(fps=60.0, realtime=True) as host:
        build_scene(scene, host)
        console = Console(record=True, width=width, height=40, file=io.StringIO())
        view = TerminalView(host, console=console, title="framehost · hello", threaded=False)
        host.run(frames=frames)
        console.print(view.renderable(all_rows=True))
        if txt is not None:
            txt.write_text(console.export_text(clear=False), encoding="utf-8")
        console.save_svg(str(svg), title=f"framehost run hello --terminal ({width} columns)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=140,
                        help="frames to run before the picture (default 140: every status shows)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    window_png(args.out / "window.png", args.frames)
    small_window_png(args.out / "window-small.png", args.frames)
    terminal_svg(args.out / "terminal.svg", args.out / "terminal.txt", args.frames)
    terminal_svg(args.out / "terminal-80.svg", None, args.frames, width=80)
    for name in ("window.png", "window-small.png", "terminal.svg", "terminal.txt",
                 "terminal-80.svg"):
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
