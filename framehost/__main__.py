"""``python -m framehost``: the ``framehost`` command, its whole start covered.

``python -m host`` is the same command, but Python imports the ``host`` package
before running its ``__main__``, so a signal during that import is Python's default;
here the launcher holds it (`framehost.launch`).
"""

from framehost.launch import entry

entry(drop_working_folder=True)
