"""What a user's pointer and keys do in the window, as dispatched pyglet events: open
an operator by diving through the network editor, reach a parameter through its
page's tab and the wheel. Window tests use these instead of setting state directly,
so a pane that cannot be reached fails them."""

from __future__ import annotations

from pyglet.window import key, mouse

from host import Host
from host.views.window import WindowView
from host.views.window.layout import Box

#: More wheel clicks than any pane here needs to reach its end; a test fails past it.
MAX_WHEEL = 400


def click(host: Host, view: WindowView, x: float, y: float) -> None:
    view.window.dispatch_event("on_mouse_press", x, y, mouse.LEFT, 0)
    view.window.dispatch_event("on_mouse_release", x, y, mouse.LEFT, 0)
    host.step(1)


def wheel(host: Host, view: WindowView, box: Box, clicks: float) -> None:
    x, y = box.center
    view.window.dispatch_event("on_mouse_scroll", x, y, 0, clicks)
    host.step(1)


def press(host: Host, view: WindowView, symbol: int) -> None:
    view.window.dispatch_event("on_key_press", symbol, 0)
    view.window.dispatch_event("on_key_release", symbol, 0)
    host.step(1)


def find_tile(host: Host, view: WindowView, name: str) -> Box:
    """Scroll the network editor from its top until ``name``'s tile shows; its box."""
    editor = view.screen.network
    host.step(1)
    for _ in range(MAX_WHEEL):
        if editor.first_row == 0:
            break
        wheel(host, view, editor.box, 5)
    for _ in range(MAX_WHEEL):
        tile = editor.tile_of(name)
        if tile is not None:
            return tile.box
        before = editor.first_row
        wheel(host, view, editor.box, -1)
        assert editor.first_row != before, f"no tile {name!r} in {editor.current.path}"
    raise AssertionError(f"the wheel never reached {name!r}")


def go_root(host: Host, view: WindowView) -> None:
    editor = view.screen.network
    for _ in range(32):
        if editor.current is host.root:
            return
        press(host, view, key.U)
    raise AssertionError("u never reached the root")


def open_op(host: Host, view: WindowView, path: str) -> None:
    """Select the operator at ``path``: from the root, dive into each COMP on the way
    (click its tile, press ``i``), then click the operator's tile."""
    go_root(host, view)
    names = [part for part in path.split("/") if part]
    editor = view.screen.network
    for depth, name in enumerate(names):
        box = find_tile(host, view, name)
        click(host, view, box.x + 10, box.top - 10)
        if depth < len(names) - 1:
            press(host, view, key.I)
            assert editor.current.name == name, (path, editor.current.path)
    selected = editor.selected_op()
    assert selected is not None and selected.path == path
    assert view.screen.params.op is selected


def show_par(host: Host, view: WindowView, name: str) -> Box:
    """Open the page holding parameter ``name`` by its tab and scroll it into view;
    the box of its field."""
    params = view.screen.params
    host.step(1)
    page = next(page for page, pars in params.pages if any(p.name == name for p in pars))
    for _ in range(len(params.pages) + 1):
        tab = params.tab_of(page)
        if tab is not None:
            break
        more = params.tabs[-1].box
        click(host, view, *more.center)
    else:
        raise AssertionError(f"no tab reaches page {page!r}")
    click(host, view, *tab.center)
    assert params.page == page
    for _ in range(MAX_WHEEL):
        if params.first == 0:
            break
        wheel(host, view, params.body, 5)
    for _ in range(MAX_WHEEL):
        field = params.field_of(name)
        if field is not None:
            return field
        before = params.first
        wheel(host, view, params.body, -1)
        assert params.first != before, f"the wheel stopped before {name!r}"
    raise AssertionError(f"the wheel never reached {name!r}")
