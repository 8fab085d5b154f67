"""What a DaskFarm sends: each call pickled so that any worker can unpickle it.

Dask pickles a task's function and arguments by reference when it can (a module
name and a qualified name), and a worker then imports that module. A function
defined in a scene file (loaded by path, as ``framehost_scene_<name>``), in a test
module or in ``__main__``, and instances of classes defined there, are not importable
on a worker started elsewhere: the task fails with "Error during deserialization of
the task graph" (No module named ...). ``cloudpickle.register_pickle_by_value`` is
honoured by Dask only for the object it pickles first, not for the function inside
a ``functools.partial`` or a task graph.

So the farm pickles them itself: `ByValue` holds cloudpickle's bytes of one object,
made with every loaded module that a worker cannot be expected to import registered
by value meanwhile (`unimportable_modules`: everything outside the standard library
and the installed distributions), and it reduces to ``pickle.loads(those bytes)``:
a worker unpickles the object itself and needs nothing of framehost. An object that
cannot be pickled at all is refused here, with one sentence naming it, before Dask
sees it (Dask would log a long traceback first).

A function sent by value runs from a copy of its code that cloudpickle names
``<dynamic-code>`` (the scheduler unpickles the task and pickles it again for the
worker, with stock cloudpickle): its frames in a worker's traceback name the
function and the line, not the file.
"""

from __future__ import annotations

import functools
import os
import pickle
import reprlib
import site
import sys
import sysconfig
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import cloudpickle

from td.errors import describe_error

__all__ = ["ByValue", "ship", "ship_all", "ship_call", "unimportable_modules"]

#: Values Dask pickles as they are: no module of the user's is involved.
_PLAIN = (int, float, complex, str, bytes, bool, type(None))


class ByValue:
    """One object, pickled by value; unpickles as the object itself."""

    __slots__ = ("_name", "_payload")

    def __init__(self, obj: object, payload: bytes) -> None:
        self._payload = payload
        # Dask names a task's key after its function's ``__name__``.
        self._name = getattr(obj, "__name__", type(obj).__name__)

    @property
    def __name__(self) -> str:  # type: ignore[override]
        return self._name

    def __reduce__(self) -> tuple[Callable[[bytes], Any], tuple[bytes]]:
        return pickle.loads, (self._payload,)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the object (Dask checks that a task's function is callable)."""
        return pickle.loads(self._payload)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<ByValue {self._name} ({len(self._payload)} bytes)>"


def ship(obj: object, where: str, what: str) -> Any:
    """``obj`` ready for Dask: as it is when plain, else wrapped in a `ByValue`.

    Raises:
        TypeError: ``obj`` cannot be pickled; names ``what`` of ``where()``.
    """
    if type(obj) in _PLAIN:
        return obj
    with _by_value(unimportable_modules()):
        return _wrap(obj, where, what)


def ship_all(objs: list[Any], where: str, what: str) -> list[Any]:
    """`ship` for each of ``objs`` (the items of a map), the modules registered once."""
    if all(type(obj) in _PLAIN for obj in objs):
        return objs
    with _by_value(unimportable_modules()):
        return [obj if type(obj) in _PLAIN else _wrap(obj, where, f"{what} {i}")
                for i, obj in enumerate(objs)]


def ship_call(where: str, fn: Callable[..., Any], args: tuple[Any, ...],
              kwargs: dict[str, Any]) -> tuple[Any, list[Any], dict[str, Any]]:
    """``fn``, ``args`` and ``kwargs`` each made ready as `ship` does."""
    with _by_value(unimportable_modules()):
        shipped_args = [arg if type(arg) in _PLAIN else _wrap(arg, where, f"argument {i}")
                        for i, arg in enumerate(args, 1)]
        shipped_kwargs = {name: value if type(value) in _PLAIN
                          else _wrap(value, where, f"argument {name}")
                          for name, value in kwargs.items()}
        return _wrap(fn, where, "a function"), shipped_args, shipped_kwargs


def _wrap(obj: object, where: str, what: str) -> ByValue:
    try:
        payload = cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise TypeError(f"{where}() could not send {what} to the cluster: it must be "
                        f"picklable, got {reprlib.repr(obj)} ({describe_error(exc)})"
                        ) from None
    return ByValue(obj, payload)


def unimportable_modules() -> list[str]:
    """Names of the loaded modules a worker cannot be expected to import: ``__main__``
    and every module whose file is outside the standard library and site-packages
    (scene files, tests, a project's own folders, an editable install)."""
    installed = _installed_roots()
    names = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name == "__main__" or (isinstance(file, str)
                                  and not _realpath(file).startswith(installed)):
            names.append(name)
    return names


@functools.cache
def _installed_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.update(site.getsitepackages())
    roots.add(site.getusersitepackages())
    return tuple(os.path.join(os.path.realpath(root), "") for root in roots)


@functools.lru_cache(maxsize=4096)
def _realpath(file: str) -> str:
    return os.path.realpath(file)


@contextmanager
def _by_value(names: list[str]) -> Iterator[None]:
    """cloudpickle pickles these modules' functions and classes by value meanwhile."""
    registered = set(cloudpickle.list_registry_pickle_by_value())
    added = []
    for name in names:
        module = sys.modules.get(name)
        # The registry is by the module's own name, and one module may be loaded under
        # two (multiprocessing aliases ``__main__`` as ``__mp_main__``): registered
        # twice, the second unregister would raise.
        if module is None or module.__name__ in registered:
            continue
        try:
            cloudpickle.register_pickle_by_value(module)
        except ValueError:  # not importable by its own name (a folder's __main__)
            continue
        registered.add(module.__name__)
        added.append(module)
    try:
        yield
    finally:
        for module in added:
            cloudpickle.unregister_pickle_by_value(module)
