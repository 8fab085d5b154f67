"""``python -m host``: the ``framehost`` command.

Python has imported the ``host`` package by the time this runs, with SIGINT and
SIGTERM held meanwhile (`host._start_signals`); from here on a signal is one line
and the shell's status, and the working folder is dropped from the path before the
command imports the scenes and ``operators`` (`host.launch`).
"""

from host.launch import entry

entry(drop_working_folder=True)
