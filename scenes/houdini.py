"""Houdini: simulated Houdini Digital Assets cooked on one serial worker thread, in order.

Two HoudiniAsset operators (``/torus`` and ``/terrain``) share the serial worker at
``/ChatTD/HoudiniEngine``, the way a Houdini Engine session may only be used from
one thread. Each build queues instantiate → set_parm… → cook → fetch_surfaces
without waiting and awaits only the last call, as a tracked TDAsyncIO task; the
worker runs them strictly in submission order, the cooks doing real numpy mesh
work off the frame thread. The torus is then rebuilt with a twist, queued behind.
Watch ``/ChatTD/HoudiniEngine/worker_table`` and each asset's ``surfaces`` DAT.

Arguments: ``divisions`` of the terrain grid (300), ``ring`` divisions of the
torus around its ring (320; 240 around the tube).
"""

from __future__ import annotations

from typing import Any

from operators.houdini_asset import HoudiniAsset


def build(host: Any, divisions: str = "300", ring: str = "320") -> list[HoudiniAsset]:
    n, nu = int(divisions), int(ring)
    nv = max(3, nu * 3 // 4)
    torus = host.root.create(HoudiniAsset, "torus")
    terrain = host.root.create(HoudiniAsset, "terrain")
    torus.run_async_task(torus.build_and_fetch("torus", u_divisions=nu, v_divisions=nv),
                         description="torus build")
    terrain.run_async_task(terrain.build_and_fetch("terrain", divisions=n, octaves=5),
                           description="terrain build")
    torus.run_async_task(torus.build_and_fetch("torus", u_divisions=nu, v_divisions=nv,
                                               twist=2.0),
                         description="torus rebuild (twist)")
    return [torus, terrain]
