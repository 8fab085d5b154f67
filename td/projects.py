"""Which scene each host runs: TD's ``project.name`` and ``project.folder``.

One registry, below everything that reads it: `td.environment`'s ``project`` global,
and text DATs, which resolve a relative ``par.file`` from the project's folder as
TD resolves files from the ``.toe``'s. The scene loader names the scene of a host;
a host with no scene is in the working folder.
"""

from __future__ import annotations

import os
import weakref

__all__ = ["project_of", "set_project"]

_projects: weakref.WeakKeyDictionary[object, tuple[str, str]] = weakref.WeakKeyDictionary()


def set_project(host: object, name: str, folder: str) -> None:
    """Name the scene ``host`` runs and the folder it is in."""
    _projects[host] = (name, folder)


def project_of(host: object) -> tuple[str, str]:
    """``(name, folder)`` of the host's scene; ``("", working folder)`` with none."""
    try:
        return _projects.get(host, ("", os.getcwd()))
    except TypeError:  # an object that cannot be weakly referenced has no scene
        return ("", os.getcwd())
