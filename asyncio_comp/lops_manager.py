"""LopsAsyncIOManager: the manager's face in the LOPs profile.

The LOPs manager has members framehost's does not, and real projects call them:
``manager.tasks`` (the tracked tasks by id), ``Update()`` (one frame's work, which TD
calls from an Execute DAT), ``cleanup_tasks(max_age=None)`` (Clear After, now), and
sndmtk's original TDAsyncIO's ``Cancel()``. Everything else behaves by the profile the
manager consults (`asyncio_comp.lops_profile`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from types import CoroutineType
from typing import Any

from asyncio_comp.lops_profile import LopsProfile, LopsTasks
from asyncio_comp.manager import AsyncIOManager
from asyncio_comp.records import TaskOutcome

__all__ = ["LopsAsyncIOManager"]


class LopsAsyncIOManager(AsyncIOManager):
    """`AsyncIOManager` with the LOPs manager's own members; see the module docstring."""

    def Run(self, coroutines: Coroutine[Any, Any, Any] | list[Coroutine[Any, Any, Any]],
            description: str | None = None, info: Any = None, timeout: float | None = None,
            completion_callback: Callable[[TaskOutcome], object] | None = None,
            ) -> int | list[int] | None:
        # One coroutine given no description is named here, as LOPs names it (its
        # code's co_name), so framehost's common path keeps its one attribute read;
        # a list's are named by the profile (`LopsProfile.describe`).
        if not description and type(coroutines) is CoroutineType:
            description = coroutines.cr_code.co_name
        return super().Run(coroutines, description, info, timeout, completion_callback)

    @property
    def tasks(self) -> LopsTasks:
        """The tracked tasks by id, oldest first: LOPs's ``AsyncIOTask`` for each."""
        self._guard.check(self)
        profile = self.profile
        assert isinstance(profile, LopsProfile)
        return LopsTasks(self.registry.by_id, profile)

    def Update(self) -> None:
        """One frame's work now: step the loop, end what ended, fire the callbacks.
        The component already does it every frame; LOPs code that calls it too gets
        one more step."""
        self._guard.check(self)
        self.cook()

    def cleanup_tasks(self, max_age: float | None = None) -> None:
        """Forget the finished tasks that ended more than ``max_age`` seconds ago
        (default: the ``Clearafter`` parameter), as LOPs's Update does every 100 frames."""
        self._guard.check(self)
        age = self.clear_after if max_age is None else max_age
        if isinstance(age, bool) or not isinstance(age, int | float):
            raise TypeError(f"cleanup_tasks() expected max_age in seconds or None, "
                            f"got {max_age!r}")
        self.registry.clear_aged(self._host.time(), float(age), strict=True)

    def Cancel(self, killList: Iterable[int] | None = None) -> None:
        """sndmtk's TDAsyncIO (its name and argument): cancel every active task, or
        the tasks whose ids are in ``killList``."""
        self._guard.check(self)
        if killList is None:
            self.Cancelactive()
            return
        for task_id in list(killList):
            self.CancelTask(task_id)
