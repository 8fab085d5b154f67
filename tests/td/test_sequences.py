"""TD's sequential parameters: page.appendSequence, op.seq.Name with numBlocks,
blockSize, blocks and block.par, par.sequence / par.sequenceBlock, the header holding
the block count, and code walking the block parameters by name as LOPs does."""

from __future__ import annotations

from typing import Any

import pytest

from host import BaseCOMP, Host
from td.execute_dats import ParameterExecuteDAT


class Envs(BaseCOMP):
    def onCreate(self) -> None:
        self.changes: list[tuple[str, Any]] = []

    def onValueChange(self, par: Any, prev: Any) -> None:
        self.changes.append((par.name, par.eval()))


@pytest.fixture
def envs(host: Host) -> Envs:
    envs = host.root.create(Envs, "envs")
    page = envs.appendCustomPage("Envs")
    page.appendStr("Before")
    page.appendSequence("Venv", label="Environments")
    page.appendStr("Name", label="Name")
    page.appendFolder("Path")
    page.appendToggle("Import")
    page.appendPulse("Open")
    page.appendStr("After")
    envs.seq.Venv.blockSize = 4
    return envs


def names(comp: BaseCOMP) -> list[str]:
    return [p.name for p in comp.customPages[0].pars]


def test_block_size_takes_the_parameters_after_the_header_into_block_0(envs: Envs) -> None:
    venv = envs.seq.Venv
    assert (venv.name, venv.numBlocks, venv.blockSize, len(venv)) == ("Venv", 1, 4, 1)
    assert names(envs) == ["Before", "Venv", "Venv0name", "Venv0path", "Venv0import",
                           "Venv0open", "After"]
    assert envs.par.Venv0name.label == "Name" and envs.par.Venv0path.style == "Folder"
    assert envs.par.Venv.eval() == 1 and envs.par.Venv.style == "Sequence"
    assert getattr(envs.par, "Name", None) is None  # renamed, as TD does
    assert list(envs.seq) == [venv] and "Venv" in envs.seq and len(envs.seq) == 1


def test_num_blocks_adds_and_removes_blocks_at_their_defaults(envs: Envs) -> None:
    venv = envs.seq.Venv
    envs.par.Venv0path = "/tmp/a"
    venv.numBlocks = 3
    assert envs.par.Venv.eval() == 3 and ("Venv", 3) in envs.changes
    assert names(envs) == ["Before", "Venv",
                           "Venv0name", "Venv0path", "Venv0import", "Venv0open",
                           "Venv1name", "Venv1path", "Venv1import", "Venv1open",
                           "Venv2name", "Venv2path", "Venv2import", "Venv2open", "After"]
    assert envs.par.Venv2path.eval() == "" and envs.par.Venv0path.eval() == "/tmp/a"
    assert envs.par.Venv2import.eval() is False and envs.par.Venv2open.isPulse

    # The LOPs walk: index by index until a block's parameter is missing.
    found = []
    while getattr(envs.par, f"Venv{len(found)}name", None) is not None:
        found.append(getattr(envs.par, f"Venv{len(found)}path").eval())
    assert found == ["/tmp/a", "", ""]

    kept = envs.par.Venv2path
    envs.par.Venv = 2  # the header is the count
    assert venv.numBlocks == 2 and getattr(envs.par, "Venv2path", None) is None
    assert "Venv2name" not in names(envs)
    with pytest.raises(RuntimeError, match=r"/envs par.Venv2path was removed"):
        kept.val = "x"


def test_blocks_give_their_parameters_by_name_inside_the_block(envs: Envs) -> None:
    venv = envs.seq.Venv
    venv.numBlocks = 2
    envs.par.Venv1name = "tools"
    second = venv.blocks[1]
    assert second.index == 1 and second.sequence is venv and second.owner is envs
    assert second.par.path is envs.par.Venv1path and second.par["import"] is envs.par.Venv1import
    assert [p.name for p in second] == ["Venv1name", "Venv1path", "Venv1import", "Venv1open"]
    assert second.name == "tools" and second.namePar is envs.par.Venv1name
    assert venv[1] == second and venv["tools"] == second and venv[-1] == second
    assert envs.par.Venv1path.sequence is venv and envs.par.Venv.sequence is venv
    assert envs.par.Venv1path.sequenceBlock == second and envs.par.Before.sequence is None
    assert envs.par.Venv1path.sequenceBlock.par.name.eval() == "tools"  # TD's sibling idiom
    with pytest.raises(AttributeError, match=r"block 1 of /envs seq.Venv has no parameter "
                                             r"'size'; its parameters: name, path, import, "
                                             r"open"):
        second.par.size  # noqa: B018


def test_missing_sequences_and_bad_sizes_say_what_was_expected(envs: Envs) -> None:
    assert getattr(envs.seq, "Other", None) is None  # LOPs's probe
    with pytest.raises(AttributeError, match=r"/envs has no parameter sequence 'Vnev'; did "
                                             r"you mean: Venv\? its sequences: Venv"):
        envs.seq.Vnev  # noqa: B018
    venv = envs.seq.Venv
    for bad in (-1, 1.5, "2", True):
        with pytest.raises(ValueError, match=r"/envs par.Venv expected a number of blocks "
                                             r"\(a whole number >= 0\), got"):
            venv.numBlocks = bad
    venv.maxBlocks = 2
    with pytest.raises(ValueError, match=r"/envs seq.Venv.numBlocks expected at most "
                                         r"maxBlocks \(2\) blocks, got 3"):
        venv.numBlocks = 3
    assert venv.numBlocks == 1 and envs.par.Venv.eval() == 1  # nothing changed
    with pytest.raises(ValueError, match=r"/envs seq.Venv.blockSize = 2: a block's "
                                         r"parameters can be added here, not taken out"):
        venv.blockSize = 2
    with pytest.raises(ValueError, match=r"/envs seq.Venv.blockSize = 9 needs 5 more "
                                         r"parameters"):
        venv.blockSize = 9
    assert venv.blockSize == 4 and envs.par.After.sequence is None


def test_zero_blocks_and_back(envs: Envs) -> None:
    venv = envs.seq.Venv
    venv.numBlocks = 0
    assert names(envs) == ["Before", "Venv", "After"] and venv.blocks == []
    venv.numBlocks = 1
    assert names(envs)[2:4] == ["Venv0name", "Venv0path"]
    assert envs.par.Venv0name.label == "Name"


def test_a_copy_keeps_its_sequences(host: Host, envs: Envs) -> None:
    envs.seq.Venv.numBlocks = 2
    envs.par.Venv1path = "/opt/venv"
    twin = host.root.copy(envs)
    assert names(twin) == names(envs)
    assert twin.seq.Venv.numBlocks == 2 and twin.par.Venv1path.eval() == "/opt/venv"
    twin.seq.Venv.numBlocks = 3  # the copy's own sequence
    assert envs.seq.Venv.numBlocks == 2 and twin.par.Venv2path.eval() == ""


def test_a_parameter_execute_dat_hears_blocks_made_after_it(host: Host, envs: Envs) -> None:
    watcher = envs.create(ParameterExecuteDAT, "watcher")
    watcher.par.ops = envs.path
    watcher.par.pars = "Venv*"
    watcher.text = ("heard = []\n"
                    "def onValueChange(par, prev):\n"
                    "    heard.append((par.name, par.eval(), par.sequenceBlock is not None))\n")
    envs.seq.Venv.numBlocks = 2
    envs.par.Venv1path = "/opt/b"
    assert watcher.module.heard == [("Venv", 2, False), ("Venv1path", "/opt/b", True)]
