"""``dot_lop_utils``: DotLOPUtils where LOPs code imports it from.

LOPs ships DotLOPUtils as a module of that name beside its operators, so LOPs
extensions begin with ``from dot_lop_utils import DotLOPUtils``; this package makes
that line work unchanged (the class itself lives in `operators.dot_lop_utils`). The
Logger component every LOPs operator carries (``op('Logger').ext.Logger``) is here
too, as `LoggerCOMP`, for networks built the LOPs way.
"""

from operators.dot_lop_utils import DotLOPUtils as DotLOPUtils
from operators.lops_logger import LoggerCOMP as LoggerCOMP

__all__ = ["DotLOPUtils", "LoggerCOMP"]
