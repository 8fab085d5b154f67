"""The files scene: every digest in the table matches hashlib's."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from host.testing import run_until
from operators.file_hasher import CHUNK_BYTES


def _tree(root: Path) -> dict[str, bytes]:
    contents = {
        "a.txt": b"hello frames\n",
        "empty.bin": b"",
        "sub/big.bin": bytes(range(256)) * (CHUNK_BYTES // 256 * 2 + 3),  # three chunks
        "sub/deeper/c.py": b"print('x')\n" * 100,
        ".git/ignored": b"never hashed",
    }
    for name, data in contents.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return {k: v for k, v in contents.items() if not k.startswith(".git")}


@pytest.mark.timeout(60)
def test_hashes_in_the_table_match_hashlib(host, build_scene, tmp_path):
    expected = _tree(tmp_path)
    hasher = build_scene(host, "files", path=str(tmp_path))
    host.asyncio_comp.par.Clearafter = 1e9
    run_until(host, lambda: hasher.finished, frames=200_000, what="hashing finished")

    rows = {row[0].val: [c.val for c in row] for row in hasher.files.rows()[1:]}
    assert set(rows) == set(expected)
    for name, data in expected.items():
        assert rows[name] == [name, str(len(data)), hashlib.sha256(data).hexdigest(),
                              "completed"]
    counts = host.tasks.counts()
    assert counts["completed"] == len(expected) + 1  # the listing task and one per file
    throughput = {row[0].val: row[1].val for row in hasher.throughput.rows()}
    assert throughput["files"] == f"{len(expected)}/{len(expected)}"
    assert throughput["bytes"] == str(sum(map(len, expected.values())))
    assert float(throughput["MB/s"]) > 0 and float(throughput["files/s"]) > 0


@pytest.mark.timeout(60)
def test_default_scans_the_projects_own_tree(host, build_scene):
    hasher = build_scene(host, "files", limit="40")
    host.asyncio_comp.par.Clearafter = 1e9
    run_until(host, lambda: hasher.finished, frames=200_000, what="hashing finished")
    from host.scenes.files import PROJECT_ROOT

    assert hasher.done == 40
    for row in hasher.files.rows()[1:]:
        data = (PROJECT_ROOT / row[0].val).read_bytes()
        assert row[2].val == hashlib.sha256(data).hexdigest()


def test_a_missing_folder_is_refused_by_name(host, build_scene, tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(ValueError, match=r"par\.Path expected an existing folder, got '.*nope'"):
        build_scene(host, "files", path=str(missing))
