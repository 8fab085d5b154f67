"""CPython's own test_asyncio, run against the host's loop beside the stock loop.

Run by hand: ``python bench/cpython_asyncio.py [--jobs N] [--timeout S] [MODULE ...]``
(every ``test.test_asyncio`` module by default; the suite ships with Python).

Each module runs three times, each in a fresh interpreter, from a scratch folder
outside the repository (``$TMPDIR/framehost-test-asyncio``), the suite itself
imported from the Python installation, never copied:

* ``stock``: as CPython runs it;
* ``realtime``: every loop asyncio makes (``asyncio.new_event_loop()``,
  ``asyncio.run``, ``asyncio.Runner``) is a fresh realtime ``Host``'s loop;
* ``virtual``: the same with ``Host(realtime=False)``: the loop's time is virtual and,
  driven directly, jumps to its next timer unless outside work holds it.

The hosts' loops are made by the default policy's loop factory, so a test that
resets the policy (most modules do, at tear-down) still gets one; a test that builds
``asyncio.SelectorEventLoop`` or CPython's ``TestLoop`` itself tests those, not the
host's. Prints one row per module, ``passed/run`` for each flavour (``!`` marks a
flavour that did worse than stock), then the tests that fail on a host's loop but
not on the stock one, by name, each with its exception's line.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from typing import Any

try:
    from bench._common import positive, script_parser
except ModuleNotFoundError:
    # Run as ``python bench/cpython_asyncio.py``: the sibling module, found on
    # sys.path[0] (this folder), so the host it tests stays the active venv's.
    from _common import positive, script_parser  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parent.parent
FLAVOURS = ("stock", "realtime", "virtual")


def _install(flavour: str) -> None:
    """Make every loop asyncio's default policy creates a new host's loop."""
    if flavour == "stock":
        return
    import asyncio

    from host import Host

    hosts: list[Host] = []

    def host_loop() -> asyncio.AbstractEventLoop:
        for old in [h for h in hosts if h.loop.is_closed()]:
            hosts.remove(old)
            try:
                old.close()
            except Exception:  # its loop was closed by the test: nothing left to do
                pass
        new = Host(realtime=flavour == "realtime")
        hosts.append(new)
        return new.loop

    policy_class = type(asyncio.get_event_loop_policy())
    policy_class._loop_factory = staticmethod(host_loop)  # type: ignore[attr-defined]
    asyncio.set_event_loop_policy(None)


def run_one(flavour: str, module: str) -> dict[str, Any]:
    """Run ``test.test_asyncio.<module>`` here, with the ``flavour``'s loops."""
    _install(flavour)
    try:
        suite = unittest.defaultTestLoader.loadTestsFromName(f"test.test_asyncio.{module}")
    except unittest.SkipTest as skip:  # a module for another platform
        return {"run": 0, "failed": [], "skipped": 0, "module_skipped": str(skip)}
    with open(os.devnull, "w") as quiet:
        result = unittest.TextTestRunner(stream=quiet, verbosity=0).run(suite)
    reasons = {test.id(): _last_line(text) for test, text in result.failures + result.errors}
    return {"run": result.testsRun, "failed": sorted(reasons), "skipped": len(result.skipped),
            "reasons": reasons}


def _last_line(traceback_text: str) -> str:
    """A failure's exception line (its traceback's last non-empty line)."""
    lines = [line for line in traceback_text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else "no traceback"


def _child(flavour: str, module: str, timeout: float, scratch: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), *sys.path[1:]])}
    started = time.monotonic()
    try:
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", flavour, module],
            cwd=scratch, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"run": 0, "failed": [f"{module}: timed out after {timeout:g} s"],
                "skipped": 0, "seconds": timeout}
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        tail = (out.stderr or out.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"run": 0, "failed": [f"{module}: exit {out.returncode}: {tail[0]}"],
                "skipped": 0, "seconds": time.monotonic() - started}
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["seconds"] = time.monotonic() - started
    return figures


def _cell(figures: dict[str, Any], stock: dict[str, Any] | None) -> str:
    if "module_skipped" in figures:
        return f"skipped ({figures['module_skipped']})"
    passed = figures["run"] - len(figures["failed"])
    text = f"{passed}/{figures['run']}"
    if stock is not None and (len(figures["failed"]) > len(stock["failed"])
                              or figures["run"] < stock["run"]):
        text += " !"
    return text


def modules() -> list[str]:
    import test.test_asyncio as package

    return sorted(info.name for info in pkgutil.iter_modules(package.__path__)
                  if info.name.startswith("test_"))


def main(argv: list[str]) -> None:
    parser = script_parser(__doc__)
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help="test.test_asyncio modules (default: all)")
    parser.add_argument("--jobs", type=positive(int, "a number of jobs"), default=2)
    parser.add_argument("--timeout", type=positive(float, "seconds per module"),
                        default=600.0)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(*args.one)), flush=True)
        return
    names = args.modules or modules()
    scratch = Path(tempfile.gettempdir()) / "framehost-test-asyncio"
    scratch.mkdir(exist_ok=True)
    results: dict[tuple[str, str], dict[str, Any]] = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = {pool.submit(_child, flavour, name, args.timeout, scratch): (flavour, name)
                for name in names for flavour in FLAVOURS}
        for job in concurrent.futures.as_completed(jobs):
            results[jobs[job]] = job.result()
    print(f"Python {sys.version.split()[0]}, {len(names)} modules of test.test_asyncio")
    print("| module | stock | realtime host | virtual host |")
    print("|---|---:|---:|---:|")
    totals = {flavour: [0, 0] for flavour in FLAVOURS}
    for name in names:
        stock = results[("stock", name)]
        cells = []
        for flavour in FLAVOURS:
            figures = results[(flavour, name)]
            totals[flavour][0] += figures["run"] - len(figures["failed"])
            totals[flavour][1] += figures["run"]
            cells.append(_cell(figures, None if flavour == "stock" else stock))
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| **all** | " + " | ".join(f"{p}/{r}" for p, r in totals.values()) + " |")
    for flavour in FLAVOURS[1:]:
        worse = []
        for name in names:
            stock_failed = set(results[("stock", name)]["failed"])
            worse += [t for t in results[(flavour, name)]["failed"] if t not in stock_failed]
        print(f"\nFailing on the {flavour} host's loop, not on the stock loop "
              f"({len(worse)}):")
        reasons: dict[str, str] = {}
        for name in names:
            reasons.update(results[(flavour, name)].get("reasons", {}))
        for test in worse:
            print(f"  {test}: {reasons.get(test, '')}")


if __name__ == "__main__":
    main(sys.argv[1:])
