"""Files: SHA-256 of real files (this project, or --arg path=DIR) on worker threads.

A FileHasher at ``/files`` lists the folder on a thread, then runs one tracked task
per file that reads and hashes it chunk by chunk through ``asyncio.to_thread``.
``/files/files`` fills with digests as they finish and ``/files/throughput`` shows
MB/s and files/s, while the frame loop only ever awaits.

Arguments: ``path`` the folder to scan (default: the project's tree),
``limit`` the most files to hash (5000).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from operators.file_hasher import FileHasher

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def build(host: Any, path: str = "", limit: str = "5000") -> FileHasher:
    hasher = host.root.create(FileHasher, "files")
    hasher.par.Path = path or str(PROJECT_ROOT)
    hasher.par.Limit = int(limit)
    hasher.Scan()
    return hasher
