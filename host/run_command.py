"""``framehost run``: a scene in a view, from loading to the last line, in phases.

1. **prepare**: load the scene, choose the view (saying why when the user did not),
   make the host. Nothing has run yet, so a failure here is one line and exit 2.
2. **run**: build the scene, open the view, run the frames; a screenshot if asked.
3. **shut down**: take what the summary needs (before close fails what workers
   still queue), close the view, close the host, whatever interrupted the run.
4. **report**: one line after a signal; else the headless summary or the window's
   closing line, and the same last line for every view.

Exit status: 0 when the run ends (its frames ran, its time passed, or the window
was closed); 2 for a scene that cannot be loaded or built; 130 after Ctrl-C and
143 after SIGTERM (see `host.interrupts`); 1 when the chosen view fails to open or
the screenshot cannot be saved.
"""

from __future__ import annotations

import argparse
import signal
import traceback
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.text import Text

from host.assemble import Host
from host.cli_args import DEFAULT_BOUNDED_SECONDS, DEFAULT_SIZE, UsageError
from host.interrupts import Interrupts
from host.reload import SceneWatcher
from host.scene_loader import Scene, SceneError, build_scene, load_scene
from host.trace import TraceWriter
from host.views.dat_text import DatShown, read_dat, render_dat
from host.views.display import display_available
from host.views.summary import (
    covered_seconds,
    render_summary,
    summary_line,
    worst_frame_lines,
)
from host.views.terminal import TerminalView
from host.views.worker_panel import worker_snapshots

__all__ = ["EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "EXIT_VIEW_FAILED", "RunCommand"]

EXIT_OK = 0
EXIT_VIEW_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _View(Protocol):
    def close(self) -> None: ...


@dataclass(slots=True)
class _FinalState:
    """What the closing report needs, taken before the host closes."""

    active: int = 0
    rows: list[Any] = field(default_factory=list)
    counts: dict[Any, int] = field(default_factory=dict)
    workers: list[Any] = field(default_factory=list)
    lifetime: dict[Any, int] = field(default_factory=dict)


class RunCommand:
    """One ``framehost run``: call it once; it returns the exit status."""

    def __init__(self, args: argparse.Namespace, out: Console, err: Console,
                 interrupts: Interrupts) -> None:
        self._args = args
        self._out = out
        self._err = err
        self._interrupts = interrupts
        self._view: _View | None = None
        self._interrupted = False
        self._stopped_early = False
        self._screenshot_status = EXIT_OK
        self._watcher: SceneWatcher | None = None
        self._final = _FinalState()
        self._shown: DatShown | str | None = None
        self._trace: TraceWriter | None = None

    def __call__(self) -> int:
        prepared = self._prepare()
        if isinstance(prepared, int):
            return prepared
        scene, view_kind, frames, seconds, host = prepared
        try:
            status = self._run(scene, view_kind, frames, seconds, host)
        finally:
            self._shut_down(host)
        if status is not None:
            return status
        return self._report(scene, view_kind, host)

    def say(self, message: str, style: str = "") -> None:
        """One diagnostic line on stderr, ``framehost: ...``."""
        self._err.print(Text(f"framehost: {message}", style=style), soft_wrap=True)

    # -- 1. prepare -----------------------------------------------------------------
    def _prepare(self) -> int | tuple[Scene, str, int | None, float | None, Host]:
        args = self._args
        try:
            scene = load_scene(args.scene)
            view_kind, frames, seconds = self._choose_view()
            host = Host(fps=args.fps, realtime=not args.no_realtime,
                        profile=args.profile)
        except SceneError as exc:
            self._scene_error(exc)
            return EXIT_USAGE
        except UsageError:
            return EXIT_USAGE
        except KeyboardInterrupt:
            self._interrupts.shutting_down()
            self.say(f"{self._signal_word()} while loading the scene; nothing ran")
            return self._interrupts.exit_status or EXIT_INTERRUPTED
        return scene, view_kind, frames, seconds, host

    def _choose_view(self) -> tuple[str, int | None, float | None]:
        """The view to open and the run's bounds in frames and seconds; says why if it
        chose for the user. Raises `UsageError` (already reported) if the view cannot
        open."""
        args = self._args
        view_kind: str = args.view
        why = ""
        if view_kind is None and args.screenshot is None:
            visible, where = display_available()
            if not visible:
                # An off-screen window nobody sees is no view at all: use the terminal.
                view_kind, why = "terminal", (f"{where}; using the terminal view (--window "
                                              f"would draw off-screen, unseen)")
        off_screen = False
        if view_kind in (None, "window"):
            ok, reason = _probe_window()
            if view_kind == "window" or args.screenshot is not None:
                if not ok:
                    wanted = "--window" if view_kind == "window" else "--screenshot"
                    self.say(f"{wanted} needs the window, which cannot open here: {reason}; "
                             f"use --terminal or --headless", "red")
                    raise UsageError(wanted)
                view_kind = "window"
                visible, where = display_available()
                if not visible:
                    # Nobody can see it or close it: it draws off-screen, and is bounded.
                    off_screen = True
                    why = (f"{where}: the window draws off-screen through EGL, unseen "
                           f"({reason})")
            elif ok:
                view_kind, why = "window", f"opening the window ({reason})"
            else:
                view_kind, why = "terminal", f"{reason}; using the terminal view"

        frames: int | None = args.frames
        seconds: float | None = args.seconds
        unbounded = frames is None and seconds is None
        if unbounded and (view_kind == "headless" or off_screen
                          or (view_kind == "terminal" and not self._out.is_terminal)):
            seconds = DEFAULT_BOUNDED_SECONDS
            if off_screen:
                why = (f"{why}; running {seconds:g} s of host time (set --frames or --seconds "
                       f"to change that)")
            elif view_kind == "terminal":
                bound = (f"for {seconds:g} s of host time, since stdout is not a terminal "
                         f"(set --frames or --seconds to change that)")
                why = f"{why}, {bound}" if why else f"running the terminal view {bound}"
        if why:
            self.say(why)
        return view_kind, frames, seconds

    # -- 2. run ---------------------------------------------------------------------
    def _run(self, scene: Scene, view_kind: str, frames: int | None, seconds: float | None,
             host: Host) -> int | None:
        """Build, open the view, run the frames. An exit status when the run cannot go
        on (the caller still shuts down), None when the report decides it."""
        interrupts = self._interrupts
        try:
            if self._args.trace is not None:  # before the build: its first tasks are traced
                self._trace = TraceWriter(host, self._args.trace, name=f"framehost {scene.name}")
            before = {child.name for child in host.root.children}
            build_scene(scene, host, dict(self._args.scene_args))
            if self._args.watch:
                built = [c.name for c in host.root.children if c.name not in before]
                self._watcher = SceneWatcher(host, self._args.scene, scene, built,
                                             dict(self._args.scene_args), self._reloaded)
                self.say(f"watching {len(self._watcher.watched)} file"
                         f"{'s' if len(self._watcher.watched) != 1 else ''} for saves "
                         f"({', '.join(sorted(p.name for p in self._watcher.watched))})")
            try:
                self._view = _open_view(view_kind, host, scene, self._out,
                                        self._args.size or DEFAULT_SIZE)
            except Exception as exc:
                self.say(f"could not open the {view_kind} view: {type(exc).__name__}: {exc}",
                         "red")
                return EXIT_VIEW_FAILED
            interrupts.running(host)
            ran = host.run(frames=frames, seconds=seconds) if interrupts.signum is None else 0
            if interrupts.signum is not None:
                raise KeyboardInterrupt  # the run stopped because of it
            self._stopped_early = _stopped_early(host, ran, frames, seconds)
            if view_kind == "window" and self._args.screenshot is not None:
                self._screenshot_status = _save_screenshot(self._view, self._args.screenshot,
                                                           self.say)
        except SceneError as exc:
            self._scene_error(exc)
            return EXIT_USAGE
        except KeyboardInterrupt:
            self._interrupted = True
        return None

    def _scene_error(self, exc: SceneError) -> None:
        """The one paragraph, and with --traceback the traceback of what raised."""
        if self._args.traceback and exc.original is not None:
            self._err.print(Text("".join(traceback.format_exception(exc.original)).rstrip()),
                            soft_wrap=True, highlight=False)
        self.say(str(exc), "red")

    def _reloaded(self, level: str, message: str) -> None:
        """A reload's one line: in the terminal view's log panel, else on stderr."""
        if isinstance(self._view, TerminalView):
            self._view.note(level, message)
        else:
            self.say(message, "red" if level == "error" else "")

    # -- 3. shut down ---------------------------------------------------------------
    def _shut_down(self, host: Host) -> None:
        self._interrupts.shutting_down()
        if self._watcher is not None:
            self._watcher.close()
        self._final = _final_state(host)
        if self._args.show is not None and not host.closed:
            self._shown = read_dat(host, self._args.show)
        try:
            if self._view is not None:
                with suppress(KeyboardInterrupt):
                    self._view.close()
        finally:
            try:
                host.close()
            except Exception as exc:  # a close hook failed; each was logged as it did
                self.say(f"closing the host: {exc}", "red")
            finally:
                trace = self._trace
                if trace is not None:  # after the close: the tasks it cancelled end in it
                    trace.close()
                    self.say(f"wrote the trace ({trace.events} events) to "
                             f"{str(self._args.trace)!r}")

    # -- 4. report ------------------------------------------------------------------
    def _report(self, scene: Scene, view_kind: str, host: Host) -> int:
        final = self._final
        elapsed = covered_seconds(host.frame, host.seconds, host.fps)
        over_budget = host.blame.late_count
        summary = summary_line(host.stats, elapsed, frames=host.frame, realtime=host.realtime,
                               over_budget=over_budget)
        tasks = f"{final.active} active task{'s' if final.active != 1 else ''}"
        if self._interrupted or self._interrupts.signum is not None:
            # One line after a signal, which carries the summary every run ends with.
            self.say(f"{self._signal_word()} after {summary}; cancelled {tasks} and closed "
                     f"the loop")
            return self._interrupts.exit_status or EXIT_INTERRUPTED
        if view_kind == "headless":
            self._out.print(render_summary(
                final.rows, final.counts, host.stats, seconds=elapsed, fps=host.fps,
                realtime=host.realtime, title=f"framehost · {scene.name}",
                workers=final.workers, lifetime=final.lifetime, over_budget=over_budget))
        status = self._screenshot_status
        if isinstance(self._shown, str):
            self.say(self._shown, "red")
            status = EXIT_USAGE
        elif self._shown is not None:
            self._out.print(render_dat(self._shown))
        elif view_kind == "window" and self._stopped_early:
            self.say(f"the window was closed after {host.frame} frames; cancelled {tasks} "
                     f"and closed the loop")
        # The same last lines whatever the view, so runs compare at a glance.
        for line in worst_frame_lines(host.blame.worst()):
            self.say(line)
        self.say(summary)
        return status

    def _signal_word(self) -> str:
        if self._interrupts.signum == signal.SIGTERM:
            return "terminated (SIGTERM)"
        return "interrupted"


def _stopped_early(host: Host, ran: int, frames: int | None, seconds: float | None) -> bool:
    """Whether the run ended before its bounds (the window was closed)."""
    if frames is None and seconds is None:
        return True
    if frames is not None and ran < frames:
        return True
    return seconds is not None and host.seconds + 1.0 / host.fps < seconds - 1e-9


def _probe_window() -> tuple[bool, str]:
    # The pyglet window is imported only when it is about to be used, so --terminal
    # and --headless runs never load pyglet.
    try:
        from host.views.window import window_available
    except ImportError as exc:
        return False, f"the window view cannot be loaded ({exc})"
    return window_available()


def _open_view(kind: str, host: Host, scene: Scene, out: Console,
               size: tuple[int, int]) -> _View | None:
    title = f"framehost · {scene.name}"
    if kind == "terminal":
        # A file or pipe is drawn once, at the end: no render thread is needed for it.
        terminal = TerminalView(host, console=out, title=title, threaded=out.is_terminal)
        terminal.start()
        return terminal
    if kind == "window":
        from host.views.window import WindowView

        window: _View = WindowView(host, width=size[0], height=size[1], headless=None,
                                   title=title)
        return window
    return None


def _save_screenshot(view: object, path: Path, say: Callable[..., None]) -> int:
    try:
        save = getattr(view, "save_screenshot", None)
        if save is None:
            raise RuntimeError(f"{view!r} cannot save screenshots")
        save(path)
    except Exception as exc:
        say(f"could not save the screenshot to {str(path)!r}: {type(exc).__name__}: {exc}",
            "red")
        return EXIT_VIEW_FAILED
    say(f"saved the screenshot to {str(path)!r}")
    return EXIT_OK


def _final_state(host: Host) -> _FinalState:
    """Active tasks, and the rows, counts, workers and lifetime counts for the summary.

    Taken before close (which fails what workers still queue), whatever state an
    interrupt left: a failure here reads as nothing to report, never blocks close.
    """
    if host.closed:
        return _FinalState()
    try:
        counts = dict(host.tasks.counts())
        active = sum(n for status, n in counts.items() if status.is_active)
        return _FinalState(max(0, active), host.tasks.rows(), counts,
                           worker_snapshots(host, 0), host.tasks.GetLifetimeCounts())
    except Exception:
        return _FinalState()
