"""The README's code runs as written, and it opens with the two promised commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import host

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("profile", ["framehost", "lops"])
def test_readme_python_blocks_run(profile: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under both profiles: the README's code behaves the same in TouchDesigner."""

    class ProfiledHost(host.Host):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("profile", profile)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(host, "Host", ProfiledHost)  # what the blocks' `from host import Host` get
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "the README should show a first operator"
    for index, block in enumerate(blocks):
        exec(compile(block, f"README.md block {index}", "exec"), {"__name__": "readme"})


def test_readme_opens_with_the_demo_and_test_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README.read_text(), re.S)
    assert first_block is not None
    lines = first_block.group(1).strip().splitlines()
    assert "framehost run" in lines[0]
    assert "-m pytest" in lines[1]
    assert "-X dev -W error -m pytest" in lines[1]
