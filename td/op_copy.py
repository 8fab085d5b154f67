"""``comp.copy(op, name=None)``: a copy of an operator inside a COMP, TouchDesigner's way.

The copy is made as the original was (``comp.create`` of the same class, so its
``onCreate`` builds what it builds), then given the original's state: custom
parameters (sequences with their blocks) and every parameter's value (through
``par.val``, so the copy's own ``onValueChange`` applies them as it would any change)
and modes (expressions and binds, given last, once the whole copy exists for them to
read), its table or text, storage
(the same values: entries are not themselves copied), tags, comment, the extensions
attached as classes (one attached as an object cannot be copied, unless the copy's
``onCreate`` attaches its own), and a copy of each child, recursively. A child the copy's
``onCreate`` already made (a component's own table) gets the original's content
instead of a second copy.

Either the whole copy is made or, if any part fails, the partial copy is destroyed
and the error raised: nothing is left half made.
"""

from __future__ import annotations

import re
from typing import Any

from td.params import ParMode

__all__ = ["copy_into", "free_name"]

#: An operator's name, as ``create()`` checks it (a trailing newline is no match).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_TRAILING_DIGITS = re.compile(r"^(.*?)(\d*)$")


def free_name(comp: Any, wanted: str) -> str:
    """``wanted`` if ``comp`` has no child of that name, else TD's next name: the
    trailing number raised (``worker1`` → ``worker2``), or ``1`` appended."""
    taken = {child.name for child in comp.children}
    if wanted not in taken:
        return wanted
    match = _TRAILING_DIGITS.match(wanted)
    assert match is not None  # the pattern matches every string
    base, digits = match.group(1), match.group(2)
    number = int(digits) + 1 if digits else 1
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def copy_into(comp: Any, source: Any, name: str | None) -> Any:
    """What ``comp.copy(source, name)`` does once the thread and types are checked."""
    node: Any = comp
    while node is not None:
        if node is source:
            raise ValueError(f"{comp.path}.copy() cannot copy {source.path} into itself or "
                             f"one of its own children")
        node = node.parent()
    if name is not None and not isinstance(name, str):
        raise TypeError(f"{comp.path}.copy() expected name as a string or None, got {name!r}")
    if name is not None and not _NAME.fullmatch(name):
        raise ValueError(f"{comp.path}.copy() expected name as letters, digits and "
                         f"underscores that does not start with a digit, got {name!r}")
    made = comp.create(type(source), free_name(comp, source.name if name is None else name))
    try:
        moded: list[tuple[Any, Any]] = []
        _fill(made, source, moded)
        for twin, par in moded:
            twin.take_modes(par)
    except BaseException:
        made.destroy()
        raise
    return made


def _fill(made: Any, source: Any, moded: list[tuple[Any, Any]]) -> None:
    for page in source.customPages:
        target = made.appendCustomPage(page.name)
        for par in page.pars:
            block = par.sequenceBlock
            if block is not None and block.index > 0:
                continue  # made by the copy's own sequence, below
            if par.isSequence and par.sequence is not None:
                target.appendSequence(par.name, par.label, help=par.help)
            else:
                target.appendPar(par.name, par=par)
    for sequence in source.seq:
        twin_sequence = made.seq[sequence.name]
        twin_sequence.blockSize = sequence.blockSize
        twin_sequence.maxBlocks = sequence.maxBlocks
        twin_sequence.numBlocks = sequence.numBlocks
    for par in source.par:
        if par.name in made.par:
            twin = made.par[par.name]
            twin.readOnly, twin.enable = par.readOnly, par.enable
            if not par.isPulse:
                twin.val = par.val  # the stored value: an OP parameter's path
                if par.mode is not ParMode.CONSTANT:
                    moded.append((twin, par))
    if source.isDAT:
        _copy_content(made, source)
    made.storage.update(source.storage)
    made.tags = source.tags
    made.comment = source.comment
    if made.isCOMP:
        for name, ext, promote in source.ext.attached():
            if name in made.ext:
                continue  # the copy's onCreate attached its own
            if not isinstance(ext, type):
                raise ValueError(
                    f"copy() cannot copy {source.path}: its extension {name!r} was attached "
                    f"as an object, which a copy could only share; attach the class "
                    f"instead (comp.addExtension({type(ext).__name__}))")
            made.addExtension(ext, name, promote)
        for child in source.children:
            existing = made.op(child.name)
            if existing is None:
                _fill(made.create(type(child), child.name), child, moded)
            elif type(existing) is type(child):
                _fill(existing, child, moded)
            else:
                raise ValueError(
                    f"copy() cannot copy {child.path}: the copy's own onCreate made "
                    f"{existing!r} of another class in its place")


def _copy_content(made: Any, source: Any) -> None:
    if source.isTable:
        made.clear()
        made.appendRows(source.values())
    else:
        made.text = source.text
