"""Operators built on ``td`` and TDAsyncIO: the DotLOPUtils mixin, LOPs's logger
(`LopsLogger`, the `LoggerCOMP` component) and examples."""

from typing import TYPE_CHECKING, Any

from operators.dot_lop_utils import DotLOPUtils as DotLOPUtils
from operators.lops_logger import LoggerCOMP as LoggerCOMP
from operators.lops_logger import LopsLogger as LopsLogger

if TYPE_CHECKING:
    from operators.dask_farm import DaskFarm as DaskFarm


def __getattr__(name: str) -> Any:
    # DaskFarm stands on `distributed` (~1 s to import): only a scene that uses
    # it pays for that.
    if name == "DaskFarm":
        from operators.dask_farm import DaskFarm

        return DaskFarm
    raise AttributeError(f"module 'operators' has no attribute {name!r}")


__all__ = ["DaskFarm", "DotLOPUtils", "LoggerCOMP", "LopsLogger"]
