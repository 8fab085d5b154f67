"""The network editor, the inspector's pages and the DAT viewer, driven by dispatched
pyglet events at the smallest and the default window size: every operator
of every bundled scene opens, every TDAsyncIO parameter is reached and reads its
value, COMPs are dived into and out of, and a DAT's rows are read back from pixels."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest
from pyglet.window import key
from window_pointer import click, find_tile, open_op, press, show_par, wheel

from host import BaseCOMP, Host, TableDAT
from host.scene_loader import build_scene, list_scenes, load_scene
from host.views.window import WindowView
from host.views.window.canvas import Span
from host.views.window.colors import UI
from host.views.window.param_panel import COMMON_PAGE, DATA_PAGE

SIZES = [(800, 450), (1280, 720)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]
#: Light arguments for scenes that would otherwise do heavy work while the test clicks.
SCENE_ARGS = {"cluster": {"limits": "1000", "segments": "2", "workers": "1"},
              "stress": {"wave": "50", "waves": "1"}}


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def sized(host: Host, size: tuple[int, int]) -> Iterator[WindowView]:
    v = WindowView(host, width=size[0], height=size[1], headless=True)
    try:
        yield v
    finally:
        v.close()


@pytest.mark.parametrize("scene", [info.name for info in list_scenes()])
def test_every_operator_of_every_scene_opens(scene: str, size: tuple[int, int]) -> None:
    with Host(fps=60, realtime=False) as host:
        build_scene(load_scene(scene), host, SCENE_ARGS.get(scene, {}))
        view = WindowView(host, width=size[0], height=size[1], headless=True)
        try:
            host.step(2)
            ops = [op for op in host.root.walk() if op is not host.root]
            assert len(ops) >= 3
            for op in ops:
                open_op(host, view, op.path)
                params = view.screen.params
                names = [name for name, _ in params.pages]
                if op.family == "DAT":
                    assert names[0] == DATA_PAGE and params.page == DATA_PAGE
                    assert params.viewer.dat is op
                if isinstance(op, BaseCOMP):
                    # The built-ins (opshortcut) last: first only when they are all there is.
                    assert names[-1] == COMMON_PAGE
                    assert params.page == names[0]
        finally:
            view.close()


def test_every_tdasyncio_parameter_is_reached_and_shows_its_value(
        host: Host, sized: WindowView) -> None:
    open_op(host, sized, "/ChatTD/TDAsyncIO")
    params = sized.screen.params
    assert [name for name, _ in params.pages] == ["TDAsyncIO", COMMON_PAGE]
    every = [par for _, pars in params.pages for par in pars]
    assert {par.name for par in every} >= {"Clearafter", "Updatetable", "Active", "Framebudget",
                                           "Cancelactive", "Clearfinished", "Clearall",
                                           "opshortcut"}
    scrolled = 0
    for par in every:
        field = show_par(host, sized, par.name)
        scrolled = max(scrolled, params.first)
        row = next(r for r in params.rows if r.field is field)
        shown = row.value.text
        if par.isPulse:
            assert shown == f"Pulse {par.label}"
        else:
            value = par.eval()
            assert shown == (f"{value:g}" if isinstance(value, float) else str(value))
    longest = max(len(pars) for _, pars in params.pages)
    assert scrolled > 0 or longest <= len(params.rows)  # it really scrolled where it had to


def test_a_pulse_far_down_the_page_fires_from_its_button(host: Host, sized: WindowView) -> None:
    async def forever() -> None:
        await asyncio.Event().wait()

    task = host.tasks.Run(forever())
    host.step(2)
    open_op(host, sized, "/ChatTD/TDAsyncIO")
    field = show_par(host, sized, "Cancelactive")
    click(host, sized, *field.center)
    host.step(2)
    assert host.tasks.GetTaskInfo(task)["status"] == "cancelled"  # type: ignore[index]


def test_diving_in_and_out_of_comps(host: Host, sized: WindowView) -> None:
    outer = host.root.create(BaseCOMP, "outer")
    inner = outer.create(BaseCOMP, "inner")
    inner.create(TableDAT, "leaf")
    editor = sized.screen.network
    box = find_tile(host, sized, "outer")
    click(host, sized, box.x + 10, box.top - 10)
    press(host, sized, key.I)
    assert editor.current is outer
    assert [t.op.name for t in editor.tiles if t.op is not None] == ["inner"]
    # The » on a COMP's tile dives too.
    tile = editor.tile_of("inner")
    assert tile is not None and tile.dive.text == "»"
    click(host, sized, tile.dive.x + 2, tile.dive.y + 3)
    assert editor.current is inner
    assert editor.tile_of("leaf") is not None
    assert "outer" in editor._path.text and "inner" in editor._path.text  # type: ignore[union-attr]
    press(host, sized, key.U)
    assert editor.current is outer and editor.selected_op() is inner  # where we came from
    assert sized.screen.params.op is inner
    # The path bar's ▲ goes up too, to the root.
    click(host, sized, *editor._up.center)
    assert editor.current is host.root and editor.selected_op() is outer
    # u at the root stays there; i on a DAT does nothing.
    press(host, sized, key.U)
    assert editor.current is host.root


def test_a_destroyed_comp_being_shown_gives_way_to_its_parent(host: Host,
                                                              sized: WindowView) -> None:
    outer = host.root.create(BaseCOMP, "outer")
    inner = outer.create(BaseCOMP, "inner")
    inner.create(TableDAT, "leaf")
    open_op(host, sized, "/outer/inner/leaf")
    editor = sized.screen.network
    assert editor.current is inner
    inner.destroy()
    host.step(2)
    assert editor.current is outer and editor.selected_op() is None
    assert sized.screen.params.op is None


def test_hundreds_of_operators_are_all_reachable(host: Host, sized: WindowView) -> None:
    many = host.root.create(BaseCOMP, "many")
    for i in range(150):
        many.create(TableDAT, f"t{i}")
    open_op(host, sized, "/many/t149")
    editor = sized.screen.network
    assert editor.first_row > 0 and editor.total_rows > editor.visible_rows


def glyph_templates(view: WindowView, chars: str, fg: tuple[int, int, int, int],
                    bg: tuple[int, int, int, int]) -> dict[str, npt.NDArray[np.int16]]:
    """Each character as the canvas draws it in ``fg`` on ``bg``: drawn alone in a
    fresh layout of the same window, read back, one character cell each."""
    canvas = view.canvas
    canvas.reset()
    canvas.rect(0, 0, view.window.width, view.window.height, bg)
    lh = canvas.line_height
    spans = []
    for i, ch in enumerate(chars):
        # Two cells apart, so a glyph that overhangs its cell never touches the next one.
        x, y = 10 + (i % 40) * 3 * canvas.char_width, view.window.height - 30 - (i // 40) * 2 * lh
        span = canvas.span(x, y, 1, fg)
        span.set(ch)
        spans.append(span)
    canvas.draw()
    pixels = view.read_pixels()
    return {ch: cell(pixels, view, span, 0) for ch, span in zip(chars, spans, strict=True)}


def cell(pixels: npt.NDArray[np.uint8], view: WindowView, span: Span,
         i: int) -> npt.NDArray[np.int16]:
    atlas = view.canvas.atlas
    height = view.window.height
    x0 = int(span.x) + i * atlas.advance
    top, bottom = height - int(span.y + atlas.ascent), height - int(span.y + atlas.descent)
    return pixels[top:bottom, x0:x0 + atlas.advance, :3].astype(np.int16)


def read_line(pixels: npt.NDArray[np.uint8], view: WindowView, span: Span,
              templates: dict[str, npt.NDArray[np.int16]]) -> str:
    """The characters of ``span`` as read from the pixels: each cell matched to the
    nearest template."""
    out = []
    for i in range(span.chars):
        got = cell(pixels, view, span, i)
        out.append(min(templates, key=lambda ch: int(np.abs(templates[ch] - got).sum())))
    return "".join(out).rstrip()


def test_the_dat_viewer_shows_a_dats_rows_in_its_pixels(host: Host, sized: WindowView) -> None:
    table = host.root.create(TableDAT, "inventory")
    table.appendRow(["item", "count", "where"])
    for i in range(60):
        table.appendRow([f"bolt{i}", i * 3, "shelf A" if i % 2 else "bin 7"])
    open_op(host, sized, "/inventory")
    viewer = sized.screen.params.viewer
    host.step(12)
    texts = viewer.texts()
    assert texts[0].split() == ["0", "item", "count", "where"]
    assert texts[1].split() == ["1", "bolt0", "0", "bin", "7"]
    lines = list(viewer.lines[:4])
    pixels = sized.read_pixels()
    alphabet = sorted({ch for span in lines for ch in span.shown} | set("0123456789"))
    # The header row is drawn in the accent colour, the others in the text colour.
    accent = glyph_templates(sized, "".join(alphabet), UI.accent, UI.panel)
    plain = glyph_templates(sized, "".join(alphabet), UI.text, UI.panel)
    read = [read_line(pixels, sized, span, accent if i == 0 else plain)
            for i, span in enumerate(lines)]
    assert read[0].split() == ["item", "count", "where"]
    assert read[1].split() == ["bolt0", "0", "bin", "7"]
    assert read[2].split() == ["bolt1", "3", "shelf", "A"]
    assert read[3].split() == ["bolt2", "6", "bin", "7"]


def test_the_dat_viewer_scrolls_to_the_last_row_and_follows_changes(
        host: Host, sized: WindowView) -> None:
    table = host.root.create(TableDAT, "log")
    table.appendRow(["n", "text"])
    for i in range(300):
        table.appendRow([i, f"line {i}"])
    open_op(host, sized, "/log")
    params = sized.screen.params
    viewer = params.viewer
    for _ in range(200):
        if viewer.texts()[-1].split()[0] == "300":
            break
        wheel(host, sized, params.body, -3)
    host.step(6)
    assert viewer.texts()[-1].split() == ["300", "299", "line", "299"]
    assert viewer.texts()[0].split() == ["0", "n", "text"]  # the header stays on top
    table.appendRow([300, "a new line"])
    for _ in range(3):
        wheel(host, sized, params.body, -3)
    host.step(6)
    assert viewer.texts()[-1].split() == ["301", "300", "a", "new", "line"]
    table[1, "text"] = "changed"
    press_home = key.HOME
    sized.window.dispatch_event("on_mouse_motion", *params.body.center, 0, 0)
    press(host, sized, press_home)
    host.step(6)
    assert viewer.texts()[1].split() == ["1", "0", "changed"]


def test_a_text_field_selects_all_on_focus(host: Host, sized: WindowView) -> None:
    open_op(host, sized, "/ChatTD/TDAsyncIO")
    params = sized.screen.params
    field = show_par(host, sized, "Clearafter")
    click(host, sized, *field.center)
    assert params.edit.all_selected and params.text == "60"
    sized.window.dispatch_event("on_text", "5")  # replaces the selected "60"
    sized.window.dispatch_event("on_key_press", key.ENTER, 0)
    host.step(1)
    assert host.asyncio_comp.par.Clearafter.eval() == 5.0


def test_abbreviated_text_reads_whole_on_hover(host: Host, sized: WindowView) -> None:
    comp = host.root.create(BaseCOMP, "a_component_with_a_very_long_name_indeed")
    find_tile(host, sized, comp.name)
    tile = sized.screen.network.tile_of(comp.name)
    assert tile is not None and tile.name.shown.endswith("…")
    sized.window.dispatch_event("on_mouse_motion", tile.name.x + 4, tile.name.y + 3, 0, 0)
    host.step(1)
    details = " ".join(span.text for span in sized.screen.details.lines)
    assert comp.name in details


def test_a_text_dat_shows_its_lines_live(host: Host, sized: WindowView) -> None:
    from host import TextDAT

    notes = host.root.create(TextDAT, "notes")
    notes.text = "first line\nsecond line\n"
    open_op(host, sized, "/notes")
    viewer = sized.screen.params.viewer
    host.step(6)
    assert viewer.texts()[:2] == ["1 first line", "2 second line"]
    notes.write("third line\n")
    host.step(12)
    assert viewer.texts()[2] == "3 third line"
    tile = sized.screen.network.tile_of("notes")
    assert tile is not None and tile.viewer[0].text == "first line"


def test_every_comps_tile_counts_the_running_tasks_inside_it(host: Host,
                                                            sized: WindowView) -> None:
    from td.current import call_as

    group = host.root.create(BaseCOMP, "group")
    worker = group.create(BaseCOMP, "worker")
    host.root.create(BaseCOMP, "idle")
    gate = asyncio.Event()
    # Submitted as the worker's code (a handler of its own would be): it owns them.
    for _ in range(3):
        call_as(worker, host.tasks.Run, gate.wait())
    call_as(group, host.tasks.Run, asyncio.sleep(100))
    host.tasks.Run(asyncio.sleep(100))  # nobody's: TDAsyncIO's tile alone counts it
    editor = sized.screen.network

    def viewer(name: str) -> list[str]:
        find_tile(host, sized, name)
        sized.screen.network.update(force=True)
        tile = editor.tile_of(name)
        assert tile is not None
        return [span.text for span in tile.viewer]

    host.step(2)
    assert viewer("group")[1] == "4 running tasks"  # the worker's 3 and its own
    assert viewer("idle")[1] == "0 running tasks"
    open_op(host, sized, "/group/worker")
    assert viewer("worker")[1] == "3 running tasks"
    gate.set()
    host.step(2)
    assert viewer("worker")[1] == "0 running tasks"
    press(host, sized, key.U)
    assert viewer("group")[1] == "1 running task"
    open_op(host, sized, "/ChatTD")
    press(host, sized, key.I)
    assert viewer("TDAsyncIO")[1] == "2 running tasks"
