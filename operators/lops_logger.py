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


class LopsLogger:
    """A logger for one operator that takes LOPs's call forms and Python's."""

    def __init__(self, logger: logging.Logger, table: TableDAT | None = None,
                 keep: int = 500) -> None:
        self._logger = logger
        self._table = table
        self._keep = keep

    @property
    def logger(self) -> logging.Logger:
        """The `logging.Logger` every record goes to."""
        return self._logger

    def log(self, message: Any, *args: Any, level: object = None, exc_info: Any = False,
            **kwargs: Any) -> None:
        """``log(message, source=None, level='INFO')`` (LOPs) or
        ``log(levelno, msg, *args)`` (`logging`)."""
        if isinstance(message, int) and not isinstance(message, bool) and level is None:
            self._logger.log(message, *args, exc_info=exc_info, **kwargs)
            self._record(message, str(args[0] % args[1:] if len(args) > 1 else args[0])
                         if args else "", "")
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
        shown = f"[{source}] {text}" if source else text
        self._logger.log(levelno, "%s", shown, exc_info=exc_info, **kwargs)
        self._record(levelno, text, "" if source is None else str(source))

    def debug(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._std(logging.DEBUG, msg, args, kwargs)

    def info(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._std(logging.INFO, msg, args, kwargs)

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._std(logging.WARNING, msg, args, kwargs)

    warn = warning

    def error(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._std(logging.ERROR, msg, args, kwargs)

    def critical(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self._std(logging.CRITICAL, msg, args, kwargs)

    def exception(self, msg: object, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("exc_info", True)
        self._std(logging.ERROR, msg, args, kwargs)

    def isEnabledFor(self, level: int) -> bool:
        return self._logger.isEnabledFor(level)

    @property
    def name(self) -> str:
        return self._logger.name

    def _std(self, levelno: int, msg: object, args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> None:
        self._logger.log(levelno, msg, *args, **kwargs)
        self._record(levelno, str(msg) % args if args else str(msg), "")

    def _record(self, levelno: int, text: str, source: str) -> None:
        table = self._table
        if table is None or not table.valid:
            return
        stamp = time.strftime("%H:%M:%S")
        table.insertRow([stamp, logging.getLevelName(levelno), text, source], 1)
        if table.numRows > self._keep + 1:
            table.deleteRow(table.numRows - 1)

    def __repr__(self) -> str:
        return f"<LopsLogger {self._logger.name}>"


class LoggerExt(LopsLogger):
    """The ``Logger`` extension of a `LoggerCOMP` (``op('Logger').ext.Logger``): logs
    under the path of the COMP holding the Logger, and into ``out1``."""

    def __init__(self, ownerComp: BaseCOMP) -> None:
        self.ownerComp = ownerComp
        owner = ownerComp.parent() or ownerComp
        table = ownerComp.op("out1")
        super().__init__(logging.getLogger(owner.path),
                         table if isinstance(table, TableDAT) else None)


class LoggerCOMP(BaseCOMP):
    """LOPs's Logger component: ``comp.create(LoggerCOMP, 'Logger')`` inside a LOPs
    operator gives it ``op('Logger').ext.Logger`` and the ``out1`` table of records."""

    def onCreate(self) -> None:
        out = self.create(TableDAT, "out1")
        out.appendRow(list(OUT_HEADER))
        self.addExtension(LoggerExt, "Logger")
