"""``tdError``: TouchDesigner's exception type, so TD code's ``except tdError:`` works.

TD raises ``tdError`` where an operation on its data model fails: deleting a table
row that is not there, appending a custom parameter that exists with
``replace=False``, and so on. framehost raises its usual exception types there
(``KeyError``, ``IndexError``, ``ValueError``, each with one sentence saying what
was given and what was expected); the classes below are those types *and*
``tdError``, so code written for either catches them.
"""

from __future__ import annotations

__all__ = ["TDIndexError", "TDKeyError", "TDValueError", "tdError"]


class tdError(Exception):
    """An operation on TD's data model failed (TD's ``td.tdError``)."""


class TDKeyError(tdError, KeyError):
    """A name (a row label, a column header) that is not there."""


class TDIndexError(tdError, IndexError):
    """An index out of range."""


class TDValueError(tdError, ValueError):
    """A value the operation cannot take (a parameter name already in use...)."""
