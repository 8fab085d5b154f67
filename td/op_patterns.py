"""Finding operators by pattern: TouchDesigner's ``ops()``, ``op('pat*')`` and
``findChildren()``.

TD patterns are ``fnmatch`` patterns (``*``, ``?``, ``[abc]``), case sensitive, and
one string may hold several separated by spaces (``'text* table*'``). A path pattern
matches one component at a time (``'*/task_table'``, ``'../worker*'``); ``findChildren``
filters every operator below a COMP by name, type, depth, tags, comment and text.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

__all__ = ["Node", "find_children", "has_wildcard", "match_path", "matches", "patterns_of"]

_WILDCARDS = frozenset("*?[")


class Node(Protocol):
    """An operator as pattern matching sees it (every `OP` fits it); a protocol, so
    this module stands below ``network`` without importing it."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def children(self) -> Sequence[Any]: ...

    @property
    def comment(self) -> str: ...

    @property
    def tags(self) -> Iterable[str]: ...

    def parent(self, levels: int = 1) -> Any: ...


def has_wildcard(text: str) -> bool:
    return not _WILDCARDS.isdisjoint(text)


def patterns_of(where: str, pattern: object) -> list[str]:
    """The space-separated patterns of one string; TypeError naming ``where`` else."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise TypeError(f"{where} expected a name pattern such as 'worker*' (several may be "
                        f"separated by spaces), got {pattern!r}")
    return pattern.split()


def matches(text: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(text, p) for p in patterns)


def match_path(start: Node, root: Node, pattern: str) -> list[Any]:
    """Every operator whose path matches ``pattern`` (absolute, or relative to
    ``start``), each component matched on its own, in network order."""
    nodes: list[Any] = [root if pattern.startswith("/") else start]
    for part in pattern.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            parents = (node.parent() for node in nodes)
            nodes = _unique(p for p in parents if p is not None)
        elif has_wildcard(part):
            nodes = [child for node in nodes for child in node.children
                     if fnmatch.fnmatchcase(child.name, part)]
        else:
            nodes = [child for node in nodes for child in node.children if child.name == part]
        if not nodes:
            break
    return nodes


def _unique(nodes: Iterable[Any]) -> list[Any]:
    seen: set[int] = set()
    kept = []
    for node in nodes:
        if id(node) not in seen:
            seen.add(id(node))
            kept.append(node)
    return kept


def find_children(comp: Node, *, type: type | None, path: str | None, depth: int | None,
                  maxDepth: int | None, name: str | None, text: str | None,
                  comment: str | None, tags: Sequence[str] | None, allTags: bool,
                  key: Callable[[Any], object] | None) -> list[Any]:
    """What ``comp.findChildren(...)`` returns; arguments as TD's (see there)."""
    where = f"{comp.path}.findChildren()"
    for what, level in (("depth", depth), ("maxDepth", maxDepth)):
        if level is not None and (isinstance(level, bool) or not isinstance(level, int)
                                  or level < 1):
            raise ValueError(f"{where} expected {what} as a whole number >= 1 (1: the "
                             f"COMP's own children), got {level!r}")
    names = None if name is None else patterns_of(where, name)
    paths = None if path is None else patterns_of(where, path)
    texts = None if text is None else patterns_of(where, text)
    comments = None if comment is None else patterns_of(where, comment)
    wanted_tags = None if tags is None else _tag_list(where, tags)
    if key is not None and not callable(key):
        raise TypeError(f"{where} expected key as a function of one operator returning "
                        f"True to keep it, got {key!r}")
    deepest = depth if maxDepth is None else (maxDepth if depth is None
                                              else min(depth, maxDepth))
    found = []
    for node, level in _below(comp, 1, deepest):
        if depth is not None and level != depth:
            continue
        if type is not None and not isinstance(node, type):
            continue
        if names is not None and not matches(node.name, names):
            continue
        if paths is not None and not matches(node.path, paths):
            continue
        if comments is not None and not matches(node.comment, comments):
            continue
        if texts is not None and not (isinstance(getattr(node, "text", None), str)
                                      and matches(node.text, texts)):
            continue
        if wanted_tags is not None:
            have = set(node.tags)
            if not (have.issuperset(wanted_tags) if allTags else have & set(wanted_tags)):
                continue
        if key is not None and not key(node):
            continue
        found.append(node)
    return found


def _below(comp: Node, level: int, deepest: int | None) -> Iterator[tuple[Any, int]]:
    """Every operator below ``comp`` with its depth, depth first in creation order."""
    if deepest is not None and level > deepest:
        return
    for child in comp.children:
        yield child, level
        yield from _below(child, level + 1, deepest)


def _tag_list(where: str, tags: object) -> list[str]:
    if isinstance(tags, str) or not isinstance(tags, Iterable):
        raise TypeError(f"{where} expected tags as a list of strings (any of them matches; "
                        f"allTags=True: all), got {tags!r}")
    listed = list(tags)
    if not all(isinstance(tag, str) for tag in listed):
        raise TypeError(f"{where} expected tags as a list of strings, got {listed!r}")
    return listed
