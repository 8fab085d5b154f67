"""Port 4: a HEGo-style cook loop polling get_status() every frame."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from host import Host

WAIT = 10.0  # seconds: the bound on every wait for the worker thread


def run_until(host: Host, condition: Callable[[], object]) -> None:
    """Frames until ``condition()``, bounded by wall time (a real thread cooks)."""
    deadline = time.monotonic() + WAIT
    host.run(until=lambda: bool(condition()) or time.monotonic() > deadline, frames=2_000_000)
    assert condition(), f"condition not met after {host.frame} frames"


def test_a_cook_is_polled_every_frame_until_it_ends(host: Host,
                                                    port: Callable[..., Any]) -> None:
    module = port(host, "houdini_cook")
    asset: Any = host.op("/asset")
    ext = asset.ext.HoudiniAssetExt
    try:
        asset.par.Cook.pulse()
        assert asset.par.State == "queued"
        run_until(host, lambda: asset.par.State == "running")
        module.gate.set()
        run_until(host, lambda: asset.par.State == "cooked")
        assert ext.seen[-2:] == ["RUNNING", "COMPLETED"]
        log = host.op("/asset/log")
        assert log.values()[1:] == [["cook tree.hda", "points", "300"]]

        asset.par.Asset = "broken.hda"
        asset.Cook()  # promoted
        run_until(host, lambda: asset.par.State == "error")
        assert log["cook broken.hda", "value"] == "RuntimeError: cannot load broken.hda"
    finally:
        module.gate.set()
        host.close()  # onDestroyTD stops the worker
    assert ext.worker.stopped
