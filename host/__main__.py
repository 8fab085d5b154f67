"""``python -m host``: the ``framehost`` command."""

import sys

from host.app.cli import main

sys.exit(main())
