"""``framehost run ... --profile lops``: the scene's host behaves as LOPs's manager does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from host.cli import main

SCENE = """
import asyncio

async def work():
    await asyncio.sleep(0.01)

def build(host, out):
    first = host.tasks.Run(work())
    several = host.tasks.Run([work(), work()])
    with open(out, "w") as f:
        f.write(f"{host.profile} {first} {several}")
"""


@pytest.mark.parametrize(("flags", "expected"), [
    ([], "framehost 1 [2, 3]"),
    (["--profile", "framehost"], "framehost 1 [2, 3]"),
    (["--profile", "lops"], "lops 0 2"),
])
def test_the_profile_flag_reaches_the_scene_host(
        scene_file: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        flags: list[str], expected: str) -> None:
    out = tmp_path / "seen.txt"
    scene = scene_file(SCENE)
    status = main(["run", str(scene), "--headless", "--no-realtime", "--frames", "3",
                   "--arg", f"out={str(out)!r}", *flags])
    assert status == 0, capsys.readouterr().err
    assert out.read_text() == expected


def test_an_unknown_profile_is_a_usage_error(scene_file: Callable[..., Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(scene_file(SCENE)), "--headless", "--profile", "td"]) == 2
    assert "argument --profile: invalid choice: 'td' (choose from 'framehost', 'lops')" in (
        capsys.readouterr().err)
