"""LOPs's logger, as LOPs code calls it, on top of Python's `logging`.

LOPs code logs through ``self.logger`` (DotLOPUtils) or a ``Logger`` COMP's
extension (``self.ownerComp.op('Logger').ext.Logger``) in these forms::

    self.logger.log('ready')                              # INFO
    self.logger.log('bad input', level='ERROR')
    self.logger.log('ready', 'VenvCore', 'INFO')          # message, source, level
    self.logger.log(f'tick failed: {e}', 'TDAsyncIO', level='ERROR', exc_info=True)

and, as a `logging.Logger` does, ``logger.info('sent %r', x)``, ``logger.warning(...)``
or ``logger.log(logging.INFO, 'msg %s', arg)``. `LopsLogger` takes all of them: a
first argument that is a level number is Python's form, anything else LOPs's. Every
record goes to the `logging.Logger` named after the operator's path (so pytest's
``caplog`` and the views see it) and, for a `LoggerCOMP`, into its ``out1`` table,
newest first (LOPs shows the latest line in status parameters with
``op('./Logger/out1')[1, 2].val``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from td.network import BaseCOMP
from td.table import TableDAT

__all__ = ["LEVELS", "LoggerCOMP", "LoggerExt", "LopsLogger"]

#: LOPs's level names (any case) and the `logging` levels they are.
LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "SUCCESS": logging.INFO,
          "WARNING": logging.WARNING, "WARN": logging.WARNING, "ERROR": logging.ERROR,
          "CRITICAL": logging.CRITICAL}

#: The columns of a `LoggerCOMP`'s ``out1`` table.
OUT_HEADER = ("time", "level", "message", "source")


def _level(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.upper() in LEVELS:
        return LEVELS[value.upper()]
    raise ValueError(f"logger.log() expected a level such as 'INFO', 'WARNING' or "
                     f"'ERROR' (or a logging level number), got {value!r}")


class LopsLogger(logging.Logger):
    """A logger for one operator that takes LOPs's call forms and Python's.

    It is a `logging.Logger` named after the operator's path whose parent is the
    logger of that name (``logging.getLogger(path)``): levels set there apply and its
    handlers (pytest's ``caplog``, the views) receive every record. Records also go
    into the ``out1`` table when there is one, whatever the level filters.
    """

    def __init__(self, name: str, table: TableDAT | None = None, keep: int = 500) -> None:
        super().__init__(name)
        self.parent = logging.getLogger(name)
        self._table = table
        self._keep = keep

    def log(self, message: Any, *args: Any, level: object = None,  # type: ignore[override]
            exc_info: Any = False, **kwargs: Any) -> None:
        """``log(message, source=None, level='INFO')`` (LOPs) or
        ``log(levelno, msg, *args)`` (`logging`)."""
        if isinstance(message, int) and not isinstance(message, bool) and level is None:
            if args:
                self._record(message, _formatted(args[0], args[1:]), "")
            super().log(message, *args, exc_info=exc_info, **kwargs)
            return
        if len(args) > 2:
            raise TypeError(f"logger.log() expected (message, source=None, level='INFO'), "
                            f"got {len(args) + 1} positional arguments")
        source = args[0] if args else None
        if len(args) == 2:
            if level is not None:
                raise TypeError("logger.log() got the level twice (positionally and as "
                                "level=)")
            level = args[1]
        levelno = _level("INFO" if level is None else level)
        text = str(message)
        self._record(levelno, text, "" if source is None else str(source))
        if self.isEnabledFor(levelno):
            shown = f"[{source}] {text}" if source else text
            self._log(levelno, "%s", (shown,), exc_info=exc_info, stacklevel=2, **kwargs)

    def isEnabledFor(self, level: int) -> bool:
        # Not cached: this logger is not in logging's registry, so the cache would
        # survive level changes made on the named logger (caplog.at_level).
        return self.manager.disable < level and level >= self.getEffectiveLevel()

    def debug(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._record(logging.DEBUG, _formatted(msg, args), "")
        super().debug(msg, *args, **kwargs)

    def info(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._record(logging.INFO, _formatted(msg, args), "")
        super().info(msg, *args, **kwargs)

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._record(logging.WARNING, _formatted(msg, args), "")
        super().warning(msg, *args, **kwargs)

    def error(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._record(logging.ERROR, _formatted(msg, args), "")
        super().error(msg, *args, **kwargs)

    def critical(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._record(logging.CRITICAL, _formatted(msg, args), "")
        super().critical(msg, *args, **kwargs)

    def _record(self, levelno: int, text: str, source: str) -> None:
        table = self._table
        if table is None or not table.valid:
            return
        stamp = time.strftime("%H:%M:%S")
        table.insertRow([stamp, logging.getLevelName(levelno), text, source], 1)
        if table.numRows > self._keep + 1:
            table.deleteRow(table.numRows - 1)

    def __repr__(self) -> str:
        return f"<LopsLogger {self.name}>"


def _formatted(msg: object, args: tuple[Any, ...]) -> str:
    try:
        return str(msg) % args if args else str(msg)
    except (TypeError, ValueError):
        return str(msg)


class LoggerExt(LopsLogger):
    """The ``Logger`` extension of a `LoggerCOMP` (``op('Logger').ext.Logger``): logs
    under the path of the COMP holding the Logger, and into ``out1``."""

    def __init__(self, ownerComp: BaseCOMP) -> None:
        self.ownerComp = ownerComp
        owner = ownerComp.parent() or ownerComp
        table = ownerComp.op("out1")
        super().__init__(owner.path, table if isinstance(table, TableDAT) else None)


class LoggerCOMP(BaseCOMP):
    """LOPs's Logger component: ``comp.create(LoggerCOMP, 'Logger')`` inside a LOPs
    operator gives it ``op('Logger').ext.Logger`` and the ``out1`` table of records."""

    def onCreate(self) -> None:
        out = self.create(TableDAT, "out1")
        out.appendRow(list(OUT_HEADER))
        self.addExtension(LoggerExt, "Logger")
