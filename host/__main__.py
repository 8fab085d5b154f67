"""``python -m host``: the ``framehost`` command."""

from host.app.cli import entry

entry()
