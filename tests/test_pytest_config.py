"""The suite's own pytest configuration keeps a failing test's report readable.

``filterwarnings = ["error"]`` turns every warning into a failure, including one raised
while pytest or a plugin is *reporting* a failure; such a warning replaces the report
with an INTERNALERROR and hides what failed. These tests run a deliberately failing
test in a fresh interpreter under the repository's own configuration, the way CI runs
the suite, and read what a developer would see.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

_FAILING_PROPERTY = '''
from hypothesis import given, strategies as st


@given(st.integers())
def test_small(x):
    assert x < 5
'''


def test_a_failing_hypothesis_test_reports_its_falsifying_example(tmp_path: Path) -> None:
    """Hypothesis prints a failing example's patch with libcst, imported only then.

    The import must happen in the run itself (a fresh interpreter), since an
    interpreter that has already imported libcst raises no warning on the way.
    """
    (tmp_path / "test_property.py").write_text(_FAILING_PROPERTY)
    completed = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-m", "pytest", "-q",
         "-c", str(_PYPROJECT), "--rootdir", str(tmp_path), "-p", "no:cacheprovider",
         str(tmp_path / "test_property.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=90, check=False,
    )
    output = completed.stdout + completed.stderr
    assert "INTERNALERROR" not in output, output
    # Older Hypothesis releases head the example "Falsifying example", newer ones
    # "Failing test case" (what a fresh install gets); either way it must be there.
    assert re.search(r"(Falsifying example|Failing test case): test_small\(", output), output
    assert "x=5," in output, output
    assert "1 failed" in output, output
    assert completed.returncode == 1, output
