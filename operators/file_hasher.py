"""FileHasher: scans a folder and SHA-256-hashes every file without stalling a frame.

`Scan()` starts one tracked task that lists the folder on a worker thread; its
completion callback submits one tracked task per file. Each file task reads and
hashes the file chunk by chunk in ``asyncio.to_thread`` (the event loop only
awaits), reporting progress between chunks, and its completion callback writes
the row in ``files``. ``throughput`` holds files, bytes, wall seconds, MB/s and
files/s; they are measured with the wall clock because throughput is a fact about
the disk and CPU, which virtual host time knows nothing of.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from asyncio_comp.progress import report_progress
from asyncio_comp.records import TaskOutcome
from operators.dot_lop_utils import DotLOPUtils
from td.errors import describe_error
from td.network import BaseCOMP
from td.params import IntPar, StrPar
from td.table import TableDAT

__all__ = ["CHUNK_BYTES", "FileHasher", "list_files"]

CHUNK_BYTES = 1 << 20
#: Folders never worth hashing: version control and tool caches.
SKIP_DIRS = frozenset({".git", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                       ".hypothesis", "node_modules", ".venv"})


def list_files(root: Path, limit: int) -> list[Path]:
    """Regular files under ``root``, sorted, at most ``limit`` (blocking: run in a thread)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append(path)
                if len(found) >= limit:
                    return found
    return found


def _hash_chunk(path: Path, offset: int, digest: Any) -> int:
    """Hash the chunk at ``offset`` into ``digest``; bytes read (0 at the end)."""
    with path.open("rb") as f:
        f.seek(offset)
        data = f.read(CHUNK_BYTES)
    digest.update(data)
    return len(data)


async def hash_file(path: Path) -> tuple[str, int]:
    """The SHA-256 hex digest and size of ``path``, hashed off the loop, with progress.

    The file is reopened per chunk so a cancelled task never leaves a file open.
    """
    size = await asyncio.to_thread(os.path.getsize, path)
    digest = hashlib.sha256()
    offset = 0
    while True:
        read = await asyncio.to_thread(_hash_chunk, path, offset, digest)
        offset += read
        if not read:
            break
        report_progress(min(offset / size, 1.0) if size else 1.0)
    return digest.hexdigest(), offset


class FileHasher(DotLOPUtils, BaseCOMP):
    """Hashes the files of a folder into ``files``; see the module docstring."""

    parameters: ClassVar = (
        StrPar("Path", "", help="the folder to scan"),
        IntPar("Limit", 5000, min=1, help="hash at most this many files"),
    )
    #: Wall clock for throughput; an attribute so that tests can replace it.
    perf: Callable[[], float]

    def onCreate(self) -> None:
        self.perf = time.perf_counter
        self.files = self.create(TableDAT, "files")
        self.files.appendRow(["path", "bytes", "sha256", "status"])
        self.throughput = self.create(TableDAT, "throughput")
        self._rows: dict[str, int] = {}
        self._root = Path()
        self._started = 0.0
        self.expected = 0
        self.done = 0
        self.failed = 0
        self.bytes = 0
        self.finished = False
        self._write_throughput()

    def Scan(self) -> int:
        """List the folder in Path and hash every file; the id of the listing task."""
        folder = self.par.Path.eval()
        root = Path(folder)
        if not folder or not root.is_dir():
            raise ValueError(f"{self.path} par.Path expected an existing folder, got {folder!r}")
        self._root = root
        self._started = self.perf()
        task_id = self.run_async_task(
            asyncio.to_thread(list_files, root, self.par.Limit.eval()),
            description=f"list {root}", completion_callback=self._on_listed)
        assert isinstance(task_id, int)
        return task_id

    def _on_listed(self, outcome: TaskOutcome) -> None:
        if outcome.status != "completed" or not self.valid:
            self.finished = True
            return
        paths: list[Path] = outcome.result
        self.expected = len(paths)
        for path in paths:
            name = path.relative_to(self._root).as_posix()
            self._rows[name] = self.files.appendRow([name, "", "", "pending"])
            # The file's own name first: a cut description still tells files apart.
            folder = path.parent.relative_to(self._root).as_posix()
            where = "" if folder == "." else f" in {folder}/"
            self.run_async_task(hash_file(path), description=f"{path.name}{where}",
                                completion_callback=self._on_hashed, info=name)
        self.finished = not paths
        self._write_throughput()

    def _on_hashed(self, outcome: TaskOutcome) -> None:
        if not self.valid:
            return
        row = self._rows[outcome.info]
        if outcome.status == "completed":
            digest, size = outcome.result
            self.files[row, "bytes"] = size
            self.files[row, "sha256"] = digest
            self.bytes += size
            self.done += 1
        else:
            self.failed += 1
        error = outcome.error
        self.files[row, "status"] = describe_error(error) if error else outcome.status.value
        self.finished = self.done + self.failed >= self.expected
        self._write_throughput()

    def _write_throughput(self) -> None:
        seconds = max(self.perf() - self._started, 1e-9) if self._started else 0.0

        def rate(amount: float) -> str:
            return f"{amount / seconds:.1f}" if seconds else "0.0"

        self.throughput.clear()
        for name, value in (("files", f"{self.done}/{self.expected}"),
                            ("failed", self.failed),
                            ("bytes", self.bytes),
                            ("seconds", f"{seconds:.3f}"),
                            ("MB/s", rate(self.bytes / 1e6)),
                            ("files/s", rate(self.done))):
            self.throughput.appendRow([name, value])
