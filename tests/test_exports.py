"""Pins the public surface of each package (Trio's test_exports idea)."""

from __future__ import annotations

import importlib

import pytest

# The contract's names, which every package must export.
CONTRACT = {
    "host": {"Host", "BaseCOMP", "TableDAT", "ThreadViolation"},
    "asyncio_comp": {"TaskStatus", "AsyncIOManager", "TDAsyncIO", "SerialWorker",
                     "WorkerStatus", "WorkerTask"},
    "operators": {"DotLOPUtils", "DaskFarm"},
    "host.td": {"op", "tableDAT", "baseCOMP", "run"},
}

# The whole public surface today; a new public name is added here on purpose.
SURFACE = {
    "host": CONTRACT["host"] | {
        "OP", "Cell", "FloatPar", "FrameClock", "FrameStats", "Hook", "HostCore", "IntPar",
        "MenuPar", "Par", "PulsePar", "StrPar", "TogglePar", "DAT", "TextDAT",
        "OperatorDestroyed",
    },
    "asyncio_comp": CONTRACT["asyncio_comp"] | {
        "InvalidTransition", "TaskOutcome", "TaskRow", "current_task_id", "report_progress",
        "TaskHandle", "current_task",
        "SerialWorkerCOMP", "WorkerError", "WorkerSnapshot", "WorkerStopped",
        "WorkerTaskCancelled", "WorkerTaskRow", "create_worker", "current_worker_task",
        "find_workers", "OutsideWork", "outside_work", "to_thread", "cancel_requested",
    },
    "operators": CONTRACT["operators"] | {"LoggerCOMP", "LopsLogger"},
    "host.td": CONTRACT["host.td"] | {"NoCurrentHost", "PendingRun", "scene_globals",
                                      "textDAT"},
}


@pytest.mark.parametrize("package", sorted(CONTRACT))
def test_contract_names_are_exported(package: str) -> None:
    module = importlib.import_module(package)
    exported = set(module.__all__)
    missing = CONTRACT[package] - exported
    assert not missing, f"{package}.__all__ lacks contract names {sorted(missing)}"


@pytest.mark.parametrize("package", sorted(CONTRACT))
def test_surface_is_pinned(package: str) -> None:
    exported = set(importlib.import_module(package).__all__)
    assert exported == SURFACE[package]


@pytest.mark.parametrize("package", sorted(CONTRACT))
def test_all_names_exist_and_are_unique(package: str) -> None:
    module = importlib.import_module(package)
    assert len(module.__all__) == len(set(module.__all__))
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.__all__ names {name!r}, which is missing"


@pytest.mark.parametrize("package", sorted(CONTRACT))
def test_no_private_names_exported(package: str) -> None:
    module = importlib.import_module(package)
    assert [n for n in module.__all__ if n.startswith("_")] == []


def test_thread_violation_is_a_runtime_error() -> None:
    import host

    assert issubclass(host.ThreadViolation, RuntimeError)


def test_task_status_is_a_str_enum() -> None:
    from enum import Enum

    from asyncio_comp import TaskStatus

    assert issubclass(TaskStatus, str) and issubclass(TaskStatus, Enum)


def test_host_and_asyncio_comp_import_in_either_order() -> None:
    import subprocess
    import sys

    for first, second in (("host", "asyncio_comp"), ("asyncio_comp", "host"),
                          ("operators", "host")):
        code = f"import {first}, {second}; {second}.__all__; {first}.__all__"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stderr
