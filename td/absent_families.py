"""TD's operator families that framehost has none of: TOP, CHOP, SOP, MAT, POP.

TD code names them in annotations (``def preview(self) -> TOP:``, evaluated when the
``def`` runs) and in checks (``isinstance(o, CHOP)``), so the names exist; as there
are no textures, channels or geometry here (framehost cooks no images, channels or
surfaces), no operator is ever one of them and none can be made.
"""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = ["CHOP", "MAT", "POP", "SOP", "TOP", "AbsentFamily"]


class AbsentFamily:
    """An operator family framehost has no operators of."""

    family = ""

    def __new__(cls, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"framehost has no {cls.family}s (it cooks no images, channels or "
                        f"geometry); the name {cls.family} is there for annotations and "
                        f"isinstance checks, which are always False")


class TOP(AbsentFamily):
    family = "TOP"


class CHOP(AbsentFamily):
    family = "CHOP"


class SOP(AbsentFamily):
    family = "SOP"


class MAT(AbsentFamily):
    family = "MAT"


class POP(AbsentFamily):
    family = "POP"
