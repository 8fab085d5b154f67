"""Operators built on the host and TDAsyncIO: the DotLOPUtils mixin and examples."""

from operators.dot_lop_utils import DotLOPUtils as DotLOPUtils

__all__ = ["DotLOPUtils"]
