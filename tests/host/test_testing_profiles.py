"""The plugin's profiles, as a user's suite sees them: ``--framehost-profile`` and the
``both_profiles`` marker (a pytest run in a subprocess, on a test file of its own)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

USER_TESTS = """
import pytest

def test_the_option(host, realtime_host, framehost_profile):
    assert host.profile == realtime_host.profile == framehost_profile
    print("OPTION", framehost_profile, host.tasks.Run([]) if framehost_profile == "lops" else "")

@pytest.mark.both_profiles
def test_the_marker(host):
    print("MARKER", host.profile)
"""


def run_pytest(tmp_path: Path, *args: str,
               source: str = USER_TESTS) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_user.py"
    test_file.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
         str(test_file), *args],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_the_option_sets_the_profile_and_the_marker_runs_both(tmp_path: Path) -> None:
    default = run_pytest(tmp_path)
    assert default.returncode == 0, default.stdout + default.stderr
    assert "OPTION framehost" in default.stdout
    assert "MARKER framehost" in default.stdout and "MARKER lops" in default.stdout
    assert "3 passed" in default.stdout

    lops = run_pytest(tmp_path, "--framehost-profile=lops")
    assert lops.returncode == 0, lops.stdout + lops.stderr
    assert "OPTION lops None" in lops.stdout and "3 passed" in lops.stdout


def test_a_bad_profile_or_a_marker_without_a_host_is_refused(tmp_path: Path) -> None:
    bad = run_pytest(tmp_path, "--framehost-profile=td")
    assert bad.returncode == 4
    assert "--framehost-profile: invalid choice: 'td'" in bad.stderr
    no_host = run_pytest(tmp_path, source="""
        import pytest

        @pytest.mark.both_profiles
        def test_without_a_host():
            pass
    """)
    assert no_host.returncode != 0
    assert "is marked both_profiles but uses no host fixture" in no_host.stdout + no_host.stderr
