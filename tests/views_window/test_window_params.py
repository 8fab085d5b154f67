"""The parameter panel: click an operator in the network panel, read and edit its
parameters, fire its pulses; all through dispatched pyglet events."""

from __future__ import annotations

from typing import Any

import pytest
from pyglet.window import key
from window_pointer import open_op, show_par

from host import BaseCOMP, FloatPar, Host, IntPar, MenuPar, PulsePar, StrPar, TogglePar
from host.views.window import WindowView
from host.views.window.param_panel import parse_value


class Lamp(BaseCOMP):
    """An operator with one parameter of each kind."""

    parameters = (FloatPar("Brightness", 0.5, min=0.0, max=1.0, label="Brightness level"),
                  IntPar("Count", 3, min=0), TogglePar("Enabled", True), StrPar("Name", "lamp"),
                  MenuPar("Mode", ["warm", "cold"]), PulsePar("Flash"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flashes = 0

    def onPulse(self, par: Any) -> None:
        self.flashes += 1


def open_params(host: Host, view: WindowView, path: str) -> None:
    open_op(host, view, path)


def edit(host: Host, view: WindowView, name: str, text: str) -> None:
    field = show_par(host, view, name)
    view.click(*field.center)
    for _ in range(20):
        view.window.dispatch_event("on_text_motion", key.MOTION_BACKSPACE)
    view.window.dispatch_event("on_text", text)
    view.window.dispatch_event("on_key_press", key.ENTER, 0)
    host.step(1)


def test_clicking_an_operator_shows_its_parameters(host: Host, view: WindowView) -> None:
    host.root.create(Lamp, "lamp")
    open_params(host, view, "/lamp")
    params = view.screen.params
    texts = params.texts()
    assert "/lamp" in texts
    assert "Brightness level (Brightness)" in texts and "float" in texts
    assert "0.5" in texts and "3" in texts and "True" in texts and "warm" in texts
    assert "Pulse Flash" in texts and "pulse" in texts
    assert view.screen.network.selected_op() is host.op("/lamp")
    # The operator's own page first; the built-ins (opshortcut) on Common, after it.
    assert [name for name, _ in params.pages] == ["Lamp", "Common"]


def test_a_value_is_edited_with_the_same_validation_as_code(host: Host,
                                                           view: WindowView) -> None:
    lamp = host.root.create(Lamp, "lamp")
    open_params(host, view, "/lamp")
    params = view.screen.params
    edit(host, view, "Brightness", "0.25")
    assert lamp.par.Brightness.eval() == 0.25
    assert params.message_ok and "Brightness set to 0.25" in params.message
    edit(host, view, "Count", "7")
    assert lamp.par.Count.eval() == 7
    edit(host, view, "Enabled", "off")
    assert lamp.par.Enabled.eval() is False
    edit(host, view, "Name", "desk lamp")
    assert lamp.par.Name.eval() == "desk lamp"

    # A bad value shows the parameter's own error and changes nothing.
    for name, text in (("Brightness", "2"), ("Brightness", "bright"), ("Count", "-1"),
                       ("Mode", "hot")):
        before = getattr(lamp.par, name).eval()
        edit(host, view, name, text)
        assert getattr(lamp.par, name).eval() == before
        assert not params.message_ok
        assert f"par.{name}" in params.message
        par = getattr(lamp.par, name)
        with pytest.raises((TypeError, ValueError)) as refused:
            par.val = parse_value(par, text)
        assert str(refused.value) == params.message  # word for word what code gets
        assert params.message.startswith(" ".join(params.texts()[-1].split()[:2]))


def test_a_pulse_is_a_button(host: Host, view: WindowView) -> None:
    lamp = host.root.create(Lamp, "lamp")
    open_params(host, view, "/lamp")
    field = show_par(host, view, "Flash")
    view.click(*field.center)
    view.click(*field.center)
    host.step(1)
    assert lamp.flashes == 2
    assert view.screen.params.message == "pulsed Flash"


def test_a_read_only_parameter_is_refused_by_the_inspector_but_not_by_code(
        host: Host, view: WindowView) -> None:
    lamp = host.root.create(Lamp, "lamp")
    lamp.par.Count.readOnly = True
    lamp.par.Flash.readOnly = True
    open_params(host, view, "/lamp")
    params = view.screen.params
    edit(host, view, "Count", "7")
    assert lamp.par.Count.eval() == 3 and not params.message_ok
    assert params.message == ("/lamp par.Count is read-only (par.readOnly): the inspector "
                              "leaves it as it is; code can still set it")
    view.click(*show_par(host, view, "Flash").center)
    host.step(1)
    assert lamp.flashes == 0 and "/lamp par.Flash is read-only" in params.message
    lamp.par.Count = 5  # TD: read-only limits the UI only; scripts still set it
    lamp.par.Flash.pulse()
    assert lamp.par.Count.eval() == 5 and lamp.flashes == 1

    # Made read-only by code while the field is being edited: the edit is refused.
    lamp.par.Count.readOnly = False
    view.click(*show_par(host, view, "Count").center)
    lamp.par.Count.readOnly = True
    view.window.dispatch_event("on_text", "9")
    view.window.dispatch_event("on_key_press", key.ENTER, 0)
    host.step(1)
    assert lamp.par.Count.eval() == 5 and "read-only" in params.message


def test_the_components_own_parameters_are_editable(host: Host, view: WindowView) -> None:
    open_params(host, view, "/ChatTD/TDAsyncIO")
    edit(host, view, "Clearafter", "12")
    assert host.asyncio_comp.par.Clearafter.eval() == 12.0


def test_escape_gives_up_an_edit_and_a_destroyed_operator_clears_the_panel(
        host: Host, view: WindowView) -> None:
    lamp = host.root.create(Lamp, "lamp")
    open_params(host, view, "/lamp")
    field = show_par(host, view, "Count")
    view.click(*field.center)
    view.window.dispatch_event("on_text", "99")
    view.window.dispatch_event("on_key_press", key.ESCAPE, 0)
    host.step(1)
    assert lamp.par.Count.eval() == 3 and not view.close_requested
    lamp.destroy()
    host.step(20)
    assert view.screen.params.op is None
