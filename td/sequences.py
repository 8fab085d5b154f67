"""TD's sequential parameters: blocks of parameters repeated N times (``op.seq.Name``).

TD code makes one on a custom page, then says how many of the parameters after it
form a block::

    page = comp.appendCustomPage('Envs')
    page.appendSequence('Venv')          # the header: its value is the block count
    page.appendStr('Name')
    page.appendFolder('Path')
    comp.seq.Venv.blockSize = 2          # Name and Path become Venv0name, Venv0path
    comp.seq.Venv.numBlocks = 3          # ... Venv1name, Venv1path, Venv2name, Venv2path

Block ``i``'s parameters are named ``<sequence><i><name in lower case>``, as TD
names them, so code that walks ``getattr(comp.par, f'Venv{i}path', None)`` finds them.
A new block's parameters start at their defaults; a block removed takes its
parameters with it (any `Par` object kept for one then refuses writes). The header
parameter (``comp.par.Venv``) holds the block count: setting it is setting
``numBlocks``, and its ``onValueChange`` tells a Parameter Execute DAT the size
changed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from td.params import Par, ParSpec

if TYPE_CHECKING:
    from td.pages import Page

__all__ = ["Sequence", "SequenceBlock", "Sequences"]

#: How many blocks a sequence may have unless its ``maxBlocks`` says otherwise.
DEFAULT_MAX_BLOCKS = 1000


class Sequences:
    """An operator's parameter sequences by name (TD's SequenceCollection, ``op.seq``)."""

    __slots__ = ("_items", "_owner")

    def __init__(self, owner: Any) -> None:
        self._owner = owner
        self._items: dict[str, Sequence] = {}

    def add(self, header: Par, page: Page) -> Sequence:
        """The sequence whose header parameter ``header`` was just appended on ``page``
        (`Page.appendSequence` calls it)."""
        made = Sequence(self._owner, header, page)
        self._items[header.name] = made
        return made

    def resize_from(self, header: Par, count: int) -> None:
        """The header parameter ``header`` is about to take the value ``count``: make
        its sequence's blocks that many first (nothing for a header with no sequence)."""
        found = self._items.get(header.name)
        if found is not None and found.header is header:
            found.resize(count)

    def block_of(self, par: Par) -> SequenceBlock | None:
        """The block ``par`` belongs to, or None."""
        for sequence in self._items.values():
            block = sequence.block_holding(par)
            if block is not None:
                return block
        return None

    def sequence_of(self, par: Par) -> Sequence | None:
        """The sequence ``par`` heads or belongs to, or None (TD's ``par.sequence``)."""
        found = self._items.get(par.name)
        if found is not None and found.header is par:
            return found
        block = self.block_of(par)
        return None if block is None else block.sequence

    def __getattr__(self, name: str) -> Sequence:
        if name.startswith("_"):
            raise AttributeError(name)
        found = self._items.get(name)
        if found is None:
            raise AttributeError(self._missing(name))
        return found

    def __getitem__(self, name: str) -> Sequence:
        found = self._items.get(name) if isinstance(name, str) else None
        if found is None:
            raise KeyError(self._missing(name))
        return found

    def _missing(self, name: object) -> str:
        known = sorted(self._items)
        close = difflib.get_close_matches(str(name), known, n=3)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        return (f"{self._owner.path} has no parameter sequence {name!r}; {hint}its "
                f"sequences: {', '.join(known) or 'none'} (make one with "
                f"page.appendSequence(name))")

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[Sequence]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<Sequences of {self._owner.path}: {', '.join(self._items) or 'none'}>"


class Sequence:
    """One parameter sequence (TD's Sequence): ``numBlocks`` blocks of ``blockSize``
    parameters each, after its header parameter on its page."""

    def __init__(self, owner: Any, header: Par, page: Page) -> None:
        self._owner = owner
        self._header = header
        self._page = page
        # One entry per parameter of a block: its name inside the block ("path") and
        # its declaration, so a block can be made again when every block is gone.
        self._template: list[tuple[str, ParSpec]] = []
        # Each block's parameter names, block 0 first.
        self._blocks: list[list[str]] = [[] for _ in range(int(header.val))]
        self._max_blocks = DEFAULT_MAX_BLOCKS

    # -- TD's members -------------------------------------------------------------
    @property
    def owner(self) -> Any:
        return self._owner

    @property
    def name(self) -> str:
        return self._header.name

    @property
    def header(self) -> Par:
        """The parameter heading the sequence (its value is `numBlocks`)."""
        return self._header

    @property
    def numBlocks(self) -> int:
        """How many blocks there are; setting it adds blocks (their parameters at their
        defaults) or removes the last ones."""
        return len(self._blocks)

    @numBlocks.setter
    def numBlocks(self, count: int) -> None:
        self._header.val = count  # the header's validation, then `resize`

    @property
    def maxBlocks(self) -> int:
        return self._max_blocks

    @maxBlocks.setter
    def maxBlocks(self, count: int) -> None:
        self._owner.guard.check(self._owner)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"{self._where}.maxBlocks expected a whole number >= 1, got "
                             f"{count!r}")
        if count < len(self._blocks):
            raise ValueError(f"{self._where}.maxBlocks = {count} is below its "
                             f"{len(self._blocks)} blocks; set numBlocks first")
        self._max_blocks = count

    @property
    def blockSize(self) -> int:
        """How many parameters a block has. Setting it takes that many of the
        parameters that follow the header on its page into block 0 (renamed
        ``<sequence>0<name>``); it can grow, not shrink, and only while there is one
        block."""
        return len(self._template)

    @blockSize.setter
    def blockSize(self, size: int) -> None:
        self._owner.guard.check(self._owner)
        where = f"{self._where}.blockSize"
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"{where} expected a whole number >= 0, got {size!r}")
        have = len(self._template)
        if size == have:
            return
        if size < have:
            raise ValueError(f"{where} = {size}: a block's parameters can be added here, "
                             f"not taken out (it has {have})")
        if len(self._blocks) != 1:
            raise ValueError(f"{where} is set while the sequence has one block; it has "
                             f"{len(self._blocks)} (set numBlocks = 1 first)")
        names = [p.name for p in self._page.pars]
        start = names.index(self.name) + 1 + have
        taken = names[start:start + size - have]
        if len(taken) < size - have:
            raise ValueError(f"{where} = {size} needs {size - have} more parameters after "
                             f"the block's on page {self._page.name!r}; it has "
                             f"{len(taken)} (append them first)")
        collection = self._owner.par
        renames: list[tuple[str, str, str]] = []
        prefix = f"{self.name}0"
        for name in taken:
            # A parameter already named as block 0's (a copy's) keeps its name.
            base = name[len(prefix):] if name.startswith(prefix) and name != prefix \
                else name.lower()
            new = f"{prefix}{base}"
            if new in collection and new != name:
                raise ValueError(f"{where} cannot name {name!r} {new!r}: "
                                 f"{self._owner.path} already has a parameter {new!r}")
            renames.append((name, new, base))
        for name, new, base in renames:  # every name checked before any changes
            par = collection[name]
            collection.rename(name, new)
            self._page.rename(name, new)
            self._template.append((base, par.spec.clone()))
            self._blocks[0].append(new)

    @property
    def blocks(self) -> list[SequenceBlock]:
        return [SequenceBlock(self, i) for i in range(len(self._blocks))]

    def __len__(self) -> int:
        return len(self._blocks)

    def __iter__(self) -> Iterator[SequenceBlock]:
        return iter(self.blocks)

    def __getitem__(self, key: int | str) -> SequenceBlock:
        """A block by index, or by its name (the value of its ``name`` parameter)."""
        if isinstance(key, int) and not isinstance(key, bool):
            index = key + len(self._blocks) if key < 0 else key
            if 0 <= index < len(self._blocks):
                return SequenceBlock(self, index)
            raise IndexError(f"{self._where} has {len(self._blocks)} blocks; got block "
                             f"index {key}")
        if isinstance(key, str):
            for block in self.blocks:
                if block.namePar is not None and block.namePar.eval() == key:
                    return block
            raise KeyError(f"{self._where} has no block named {key!r}")
        raise TypeError(f"{self._where}[...] expected a block index or name, got {key!r}")

    # -- what the header and the blocks need ---------------------------------------
    @property
    def _where(self) -> str:
        return f"{self._owner.path} seq.{self.name}"

    def resize(self, count: int) -> None:
        """Make the blocks ``count`` (the header's new value, already validated):
        called by the header before it takes the value, so a refusal changes nothing."""
        if count > self._max_blocks:
            raise ValueError(f"{self._where}.numBlocks expected at most maxBlocks "
                             f"({self._max_blocks}) blocks, got {count}")
        collection = self._owner.par
        while len(self._blocks) > count:
            for name in self._blocks.pop():
                self._page.remove(name)
                collection.remove(name)
        while len(self._blocks) < count:
            index = len(self._blocks)
            names = [p.name for p in self._page.pars]
            before = self._blocks[index - 1][-1] if index and self._blocks[index - 1] \
                else self.name
            order = names.index(before) + 1
            block: list[str] = []
            for offset, (base, spec) in enumerate(self._template):
                name = f"{self.name}{index}{base}"
                self._page.add_spec(spec.clone(name, spec.label), order + offset)
                block.append(name)
            self._blocks.append(block)

    def block_holding(self, par: Par) -> SequenceBlock | None:
        for index, names in enumerate(self._blocks):
            if par.name in names and self._owner.par[par.name] is par:
                return SequenceBlock(self, index)
        return None

    def names_of(self, index: int) -> list[str]:
        """Block ``index``'s parameter names, in block order."""
        return list(self._blocks[index])

    def base_names(self) -> list[str]:
        return [base for base, _ in self._template]

    def __repr__(self) -> str:
        return (f"<Sequence {self._where}: {len(self._blocks)} blocks of "
                f"{len(self._template)}>")


class SequenceBlock:
    """One block of a sequence (TD's SequenceBlock): ``block.par.path`` is its
    parameter named ``<sequence><index>path``."""

    __slots__ = ("_index", "_sequence")

    def __init__(self, sequence: Sequence, index: int) -> None:
        self._sequence = sequence
        self._index = index

    @property
    def index(self) -> int:
        return self._index

    @property
    def sequence(self) -> Sequence:
        return self._sequence

    @property
    def owner(self) -> Any:
        return self._sequence.owner

    @property
    def par(self) -> BlockPars:
        """The block's parameters by their name inside the block (``block.par.path``)."""
        return BlockPars(self)

    @property
    def pars(self) -> list[Par]:
        collection = self.owner.par
        return [collection[name] for name in self._sequence.names_of(self._index)]

    @property
    def namePar(self) -> Par | None:
        """The block's ``name`` parameter (what names the block), or None."""
        return getattr(self.par, "name", None)

    @property
    def name(self) -> str:
        """The value of the block's ``name`` parameter ("" when it has none)."""
        found = self.namePar
        return "" if found is None else str(found.eval())

    @name.setter
    def name(self, text: str) -> None:
        found = self.namePar
        if found is None:
            raise AttributeError(f"block {self._index} of {self._sequence!r} has no name "
                                 f"parameter")
        found.val = text

    def __iter__(self) -> Iterator[Par]:
        return iter(self.pars)

    def __len__(self) -> int:
        return len(self._sequence.names_of(self._index))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SequenceBlock) and other._sequence is self._sequence
                and other._index == self._index)

    def __hash__(self) -> int:
        return hash((id(self._sequence), self._index))

    def __repr__(self) -> str:
        return f"<SequenceBlock {self._index} of {self._sequence.owner.path} " \
               f"seq.{self._sequence.name}>"


class BlockPars:
    """``block.par``: a block's parameters by their names without the sequence prefix."""

    __slots__ = ("_block",)

    def __init__(self, block: SequenceBlock) -> None:
        self._block = block

    def __getattr__(self, base: str) -> Par:
        if base.startswith("_"):
            raise AttributeError(base)
        found = self[base] if base in self else None
        if found is None:
            sequence = self._block.sequence
            raise AttributeError(f"block {self._block.index} of {sequence.owner.path} "
                                 f"seq.{sequence.name} has no parameter {base!r}; its "
                                 f"parameters: {', '.join(sequence.base_names()) or 'none'}")
        return found

    def __getitem__(self, base: str) -> Par:
        sequence = self._block.sequence
        if base not in sequence.base_names():
            raise KeyError(f"block {self._block.index} of seq.{sequence.name} has no "
                           f"parameter {base!r}")
        found: Par = sequence.owner.par[f"{sequence.name}{self._block.index}{base}"]
        return found

    def __contains__(self, base: object) -> bool:
        return base in self._block.sequence.base_names()

    def __iter__(self) -> Iterator[Par]:
        return iter(self._block.pars)
