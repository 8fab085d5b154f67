"""Regenerate the README's pictures: docs/window.png (1280x720), docs/window-small.png
(800x450, the smallest the window lays out, with TDAsyncIO's parameters open),
docs/window-dat.png (the chat scene's conversations DAT open in the DAT viewer),
docs/terminal.svg (+ .txt, 120 columns) and docs/terminal-80.svg (80 columns).

    python scripts/make_screenshots.py [--frames 140] [--out docs]

Every picture comes from a run in virtual time (``--no-realtime``): which tasks
are in which state on the frame pictured depends only on the scene, never on the
machine, so the pictures are the same on any machine but for the frame-time
figures (the wall time each frame's work took here). The large window picture
comes from the command itself (``framehost run hello --window --screenshot``), so
it shows exactly what users get; with no display, pyglet renders headless through
EGL. The others open the same window in this process and select an operator as a
user would (the network editor's tile, ``i`` to dive into its COMP). The terminal
pictures draw the terminal view of the same scene into a recording rich console.
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
    subprocess.run([sys.executable, "-m", "host", "run", "hello", "--window", "--no-realtime",
                    "--frames", str(frames), "--screenshot", str(path)],
                   check=True, cwd=ROOT)


def window_with_selection(path: Path, scene: str, frames: int, width: int, height: int,
                          selected: str, args: dict[str, str] | None = None) -> None:
    """The window at ``width`` x ``height`` after ``frames`` frames of ``scene``, with
    the operator at ``selected`` open: its COMP dived into, its tile clicked."""
    from host.views.window import WindowView

    with Host(fps=60.0, realtime=False) as host:
        build_scene(load_scene(scene), host, args or {})
        view = WindowView(host, width=width, height=height, headless=None,
                          title=f"framehost · {scene}")
        # Only now: the window chose pyglet's backend (display or headless EGL).
        from pyglet.window import key

        try:
            host.run(frames=frames - 30)
            editor = view.screen.network
            *comps, name = [part for part in selected.split("/") if part]
            for comp in [*comps, None]:
                target = comp or name
                tile = editor.tile_of(target)
                if tile is None:
                    raise RuntimeError(f"no tile {target!r} in {editor.current.path}")
                view.click(tile.box.x + 10, tile.box.top - 10)
                host.run(frames=1)
                if comp is not None:
                    view.window.dispatch_event("on_key_press", key.I, 0)
                    host.run(frames=15)
            host.run(frames=max(1, frames - host.frame))
            view.save_screenshot(str(path))
        finally:
            view.close()


def terminal_svg(svg: Path, txt: Path | None, frames: int, width: int = 120) -> None:
    scene = load_scene("hello")
    with Host(fps=60.0, realtime=False) as host:
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
    window_with_selection(args.out / "window-small.png", "hello", args.frames, 800, 450,
                          "/ChatTD/TDAsyncIO")
    window_with_selection(args.out / "window-dat.png", "chat", 600, 1280, 720,
                          "/chat/conversations")
    terminal_svg(args.out / "terminal.svg", args.out / "terminal.txt", args.frames)
    terminal_svg(args.out / "terminal-80.svg", None, args.frames, width=80)
    for name in ("window.png", "window-small.png", "window-dat.png", "terminal.svg",
                 "terminal.txt",
                 "terminal-80.svg"):
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
