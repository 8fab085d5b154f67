"""``python -m host``: the ``framehost`` command.

``python -m`` puts the folder it runs from first on ``sys.path``; a project there
with packages of its own named ``operators`` or ``td`` would then shadow framehost's
(the bundled scenes import ``operators``). The command behaves as the ``framehost``
script does instead: that folder is dropped unless framehost itself lives there.
"""

import os
import sys
from pathlib import Path

_FRAMEHOST_ROOT = Path(__file__).resolve().parents[1]


def _drop_the_working_folder() -> None:
    if not sys.path or sys.path[0] not in ("", os.getcwd()):
        return
    if Path(sys.path[0] or ".").resolve() != _FRAMEHOST_ROOT:
        del sys.path[0]


_drop_the_working_folder()

from host.cli import entry  # noqa: E402  (after the path is settled)

entry()
