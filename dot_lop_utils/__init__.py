"""``dot_lop_utils``: DotLOPUtils where LOPs code imports it from.

LOPs ships DotLOPUtils as a module of that name beside its operators, so LOPs
extensions begin with ``from dot_lop_utils import DotLOPUtils``; this package makes
that line work unchanged (the class itself lives in `operators.dot_lop_utils`).
"""

from operators.dot_lop_utils import DotLOPUtils as DotLOPUtils

__all__ = ["DotLOPUtils"]
