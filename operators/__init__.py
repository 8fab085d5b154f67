"""Operators built on ``td`` and TDAsyncIO: the DotLOPUtils mixin, LOPs's logger
(`LopsLogger`, the `LoggerCOMP` component), the `DaskFarm` and examples."""

from operators.dask_farm import DaskFarm as DaskFarm
from operators.dot_lop_utils import DotLOPUtils as DotLOPUtils
from operators.lops_logger import LoggerCOMP as LoggerCOMP
from operators.lops_logger import LopsLogger as LopsLogger

__all__ = ["DaskFarm", "DotLOPUtils", "LoggerCOMP", "LopsLogger"]
