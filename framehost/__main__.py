"""``python -m framehost``: the ``framehost`` command, its whole start covered.

``python -m host`` is the same command: Python imports the ``host`` package before
running its ``__main__``, and the package's first lines hold a signal meanwhile
(`host._start_signals`); here the launcher holds it (`framehost.launch`).
"""

from framehost.launch import entry

entry(drop_working_folder=True)
