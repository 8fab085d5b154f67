"""``python -m host``: the ``framehost`` command.

``python -m`` puts the folder it runs from first on ``sys.path``; a project there
with packages of its own named ``operators`` or ``td`` would then shadow framehost's
(the bundled scenes import ``operators``). The command behaves as the ``framehost``
script does instead: that folder is dropped unless framehost itself lives there.
"""

from host.launch import entry, exit_on_signal

exit_on_signal()  # first: a signal during the imports below is one line, not a traceback

import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

_FRAMEHOST_ROOT = Path(__file__).resolve().parents[1]


def _drop_the_working_folder() -> None:
    if not sys.path or sys.path[0] not in ("", os.getcwd()):
        return
    if Path(sys.path[0] or ".").resolve() != _FRAMEHOST_ROOT:
        del sys.path[0]


_drop_the_working_folder()
entry()  # imports the command: after the path is settled
