"""A COMP that logs its parameter handlers, for the parameter tests: each test file
declares its own parameters on a subclass."""

from __future__ import annotations

from typing import Any

from host import BaseCOMP, Par


class LoggedKnobs(BaseCOMP):
    """``log`` holds ``("pulse", name)`` per pulse and ``(name, (prev, value))`` per
    value change, in the order the handlers ran."""

    def onCreate(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def onPulse(self, par: Par) -> None:
        self.log.append(("pulse", par.name))

    def onValueChange(self, par: Par, prev: Any) -> None:
        self.log.append((par.name, (prev, par.eval())))
