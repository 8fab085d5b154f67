"""``python -m host``: the ``framehost`` command."""

import sys

from host.cli import main

sys.exit(main())
