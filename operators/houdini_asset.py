"""HoudiniAsset: a simulated Houdini Digital Asset driven the Houdini Engine for Godot way.

Every call (`instantiate`, `set_parm`, `cook`, `fetch_surfaces`) returns a
`WorkerTask` at once and runs later, in order, on the one thread of a shared
`SerialWorkerCOMP` (a Houdini Engine session may only be used from one thread). Calls
queued without waiting run in submission order, so awaiting only the last one
suffices; `build_and_fetch` shows the pattern::

    asset = host.root.create(HoudiniAsset, "rock")
    asset.run_async_task(asset.build_and_fetch("terrain", divisions=300))

The "engine" is `HoudiniSession`: plain Python touched only on the worker thread,
whose cook does real CPU work with numpy (a mesh of a few hundred thousand vertices,
its triangles, vertex normals, bounds and area) and reports progress as it goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from asyncio_comp.worker.comp import SerialWorkerCOMP, create_worker
from asyncio_comp.worker.task import WorkerTask, current_worker_task
from operators.dot_lop_utils import DotLOPUtils
from td.network import BaseCOMP
from td.params import Par, PulsePar, StrPar
from td.table import TableDAT

__all__ = [
    "ASSET_DEFINITIONS",
    "DEFAULT_WORKER_PATH",
    "AssetInfo",
    "CookResult",
    "HoudiniAsset",
    "HoudiniSession",
    "SurfaceSummary",
]

T = TypeVar("T")
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]

#: The shared session worker every asset uses unless its ``Worker`` parameter says otherwise.
DEFAULT_WORKER_PATH = "/ChatTD/HoudiniEngine"

#: The assets the simulated engine knows, with their parameters' defaults. The default
#: sizes make a cook build 300k-360k vertices; tests set smaller divisions.
ASSET_DEFINITIONS: dict[str, dict[str, float | int]] = {
    "torus": {"major_radius": 1.0, "minor_radius": 0.35, "u_divisions": 640,
              "v_divisions": 480, "twist": 0.0},
    "terrain": {"size": 10.0, "divisions": 600, "height": 1.5, "octaves": 4, "seed": 0},
}

_PARM_MINIMUMS: dict[str, int] = {"u_divisions": 3, "v_divisions": 3, "divisions": 2,
                                  "octaves": 1}

SURFACE_COLUMNS = ("name", "vertices", "faces", "bounds_min", "bounds_max", "area")


@dataclass(frozen=True, slots=True)
class AssetInfo:
    """What `instantiate` returns: the asset and its parameters' starting values."""

    name: str
    parms: tuple[tuple[str, float | int], ...]


@dataclass(frozen=True, slots=True)
class CookResult:
    """What `cook` returns: the size of the mesh it built."""

    asset: str
    vertex_count: int
    face_count: int
    cook_count: int


@dataclass(frozen=True, slots=True)
class SurfaceSummary:
    """One cooked surface as `fetch_surfaces` reports it (triangles, world units)."""

    name: str
    vertex_count: int
    face_count: int
    bounds_min: tuple[float, float, float]
    bounds_max: tuple[float, float, float]
    area: float


class HoudiniSession:
    """The simulated engine session of one asset; used only on the worker thread.

    Not a host object and not locked: the serial worker guarantees one call at a time.
    """

    def __init__(self) -> None:
        self._asset: str | None = None
        self._parms: dict[str, float | int] = {}
        self._positions: FloatArray | None = None
        self._triangles: IndexArray | None = None
        self._normals: FloatArray | None = None
        self._cook_count = 0

    def instantiate(self, asset_name: str) -> AssetInfo:
        if asset_name not in ASSET_DEFINITIONS:
            raise ValueError(f"instantiate() expected one of {sorted(ASSET_DEFINITIONS)!r}, "
                             f"got {asset_name!r}")
        self._asset = asset_name
        self._parms = dict(ASSET_DEFINITIONS[asset_name])
        self._positions = self._triangles = self._normals = None
        return AssetInfo(asset_name, tuple(self._parms.items()))

    def set_parm(self, name: str, value: float | int) -> None:
        asset = self._require_asset("set_parm")
        if name not in self._parms:
            raise KeyError(f"{asset} has no parm {name!r}; it has: {', '.join(self._parms)}")
        default = ASSET_DEFINITIONS[asset][name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"set_parm({name!r}) expected a number, got {value!r}")
        if isinstance(default, int) and not isinstance(value, int):
            raise TypeError(f"set_parm({name!r}) expected an integer, got {value!r}")
        minimum = _PARM_MINIMUMS.get(name)
        if minimum is not None and value < minimum:
            raise ValueError(f"set_parm({name!r}) expected at least {minimum}, got {value!r}")
        self._parms[name] = value
        self._positions = self._triangles = self._normals = None

    def cook(self) -> CookResult:
        asset = self._require_asset("cook")
        report = _progress_reporter()
        p = self._parms
        if asset == "torus":
            positions, triangles = _torus(float(p["major_radius"]), float(p["minor_radius"]),
                                          int(p["u_divisions"]), int(p["v_divisions"]),
                                          float(p["twist"]), report)
        else:
            positions, triangles = _terrain(float(p["size"]), int(p["divisions"]),
                                            float(p["height"]), int(p["octaves"]),
                                            int(p["seed"]), report)
        report(0.6)
        self._normals = _vertex_normals(positions, triangles)
        report(0.95)
        self._positions, self._triangles = positions, triangles
        self._cook_count += 1
        return CookResult(asset, len(positions), len(triangles), self._cook_count)

    def fetch_surfaces(self) -> tuple[SurfaceSummary, ...]:
        asset = self._require_asset("fetch_surfaces")
        positions, triangles = self._positions, self._triangles
        if positions is None or triangles is None:
            raise RuntimeError(f"fetch_surfaces() found {asset!r} not cooked since its last "
                               "change; queue cook() before fetch_surfaces()")
        low, high = positions.min(axis=0), positions.max(axis=0)
        a, b, c = (positions[triangles[:, k]] for k in range(3))
        area = float(0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1).sum())
        return (SurfaceSummary(
            f"{asset}_surface", len(positions), len(triangles),
            (float(low[0]), float(low[1]), float(low[2])),
            (float(high[0]), float(high[1]), float(high[2])), area,
        ),)

    def _require_asset(self, what: str) -> str:
        if self._asset is None:
            raise RuntimeError(f"{what}() needs an instantiated asset; queue instantiate() first")
        return self._asset


class HoudiniAsset(DotLOPUtils, BaseCOMP):
    """An operator holding one simulated asset; every call returns a `WorkerTask` at once."""

    parameters = (
        StrPar("Worker", DEFAULT_WORKER_PATH,
               help="the SerialWorkerCOMP driving the session; the default one is created "
                    "on first use"),
        StrPar("Assetname", "torus", label="Asset Name", help="what the Build pulse cooks"),
        PulsePar("Build", label="Build & Fetch"),
    )

    def onCreate(self) -> None:
        self._session = HoudiniSession()
        self.surfaces_table = self.create(TableDAT, "surfaces")
        self.surfaces_table.appendRow(SURFACE_COLUMNS)
        self.surfaces: tuple[SurfaceSummary, ...] = ()

    @property
    def worker_comp(self) -> SerialWorkerCOMP:
        """The worker named by ``Worker``; the default shared one is created if missing."""
        path = self.par.Worker.eval()
        comp = self.op(path)
        if comp is None and path == DEFAULT_WORKER_PATH:
            comp = create_worker(self.host, DEFAULT_WORKER_PATH.rsplit("/", 1)[1])
        if not isinstance(comp, SerialWorkerCOMP):
            raise LookupError(f"{self.path} par.Worker expected the path of a SerialWorkerCOMP, "
                              f"got {path!r} (found {comp!r})")
        return comp

    # -- the Houdini Engine calls: each returns at once --------------------------------
    def instantiate(self, asset_name: str) -> WorkerTask[AssetInfo]:
        return self._submit(self._session.instantiate, f"instantiate {asset_name!r}",
                            asset_name)

    def set_parm(self, name: str, value: float | int) -> WorkerTask[None]:
        return self._submit(self._session.set_parm, f"set_parm {name}={value!r}", name, value)

    def cook(self) -> WorkerTask[CookResult]:
        return self._submit(self._session.cook, "cook")

    def fetch_surfaces(self) -> WorkerTask[tuple[SurfaceSummary, ...]]:
        return self._submit(self._session.fetch_surfaces, "fetch_surfaces")

    async def build_and_fetch(self, asset_name: str | None = None,
                              **parms: float | int) -> tuple[SurfaceSummary, ...]:
        """Queue the whole build, await only its last call, publish the surfaces.

        Runs in TDAsyncIO (``self.run_async_task(self.build_and_fetch())``); a failure
        anywhere in the chain makes the later calls fail too, so awaiting the last one
        raises it.
        """
        self.instantiate(asset_name if asset_name is not None else self.par.Assetname.eval())
        for name, value in parms.items():
            self.set_parm(name, value)
        self.cook()
        surfaces = await self.fetch_surfaces()
        self._publish(surfaces)
        return surfaces

    def onPulse(self, par: Par) -> None:
        if par.name == "Build":
            self.run_async_task(self.build_and_fetch(), description=f"{self.path} build")

    # -- internals -------------------------------------------------------------------------
    def _submit(self, fn: Callable[..., T], what: str, *args: Any) -> WorkerTask[T]:
        return self.worker_comp.submit(fn, *args, description=f"{self.name}: {what}")

    def _publish(self, surfaces: tuple[SurfaceSummary, ...]) -> None:
        self.surfaces = surfaces
        table = self.surfaces_table
        table.clear(keepFirstRow=True)
        for s in surfaces:
            table.appendRow([s.name, s.vertex_count, s.face_count, _triple(s.bounds_min),
                             _triple(s.bounds_max), f"{s.area:.4f}"])


# == the mesh work (worker thread) =============================================================
def _progress_reporter() -> Callable[[float], None]:
    task = current_worker_task()
    return task.report_progress if task is not None else (lambda fraction: None)


def _triple(v: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.4f}" for x in v)


def _grid_triangles(nu: int, nv: int, wrap_u: bool, wrap_v: bool) -> IndexArray:
    """Two triangles per grid quad, vertex ``i * nv + j``; wrapped sides close the surface."""
    i = np.arange(nu if wrap_u else nu - 1)
    j = np.arange(nv if wrap_v else nv - 1)
    ii, jj = np.meshgrid(i, j, indexing="ij")
    i1, j1 = (ii + 1) % nu, (jj + 1) % nv
    a, b, c, d = ii * nv + jj, i1 * nv + jj, i1 * nv + j1, ii * nv + j1
    quads = np.stack([a, b, c, a, c, d], axis=-1).reshape(-1, 3)
    return quads.astype(np.int64)


def _torus(major: float, minor: float, nu: int, nv: int, twist: float,
           report: Callable[[float], None]) -> tuple[FloatArray, IndexArray]:
    u = np.linspace(0.0, 2.0 * np.pi, nu, endpoint=False)
    v = np.linspace(0.0, 2.0 * np.pi, nv, endpoint=False)
    positions = np.empty((nu, nv, 3))
    chunks = 8
    for k, rows in enumerate(np.array_split(np.arange(nu), chunks)):
        uu, vv = np.meshgrid(u[rows], v, indexing="ij")
        vv = vv + twist * uu
        ring = major + minor * np.cos(vv)
        positions[rows] = np.stack([ring * np.cos(uu), ring * np.sin(uu),
                                    minor * np.sin(vv)], axis=-1)
        report(0.4 * (k + 1) / chunks)
    triangles = _grid_triangles(nu, nv, wrap_u=True, wrap_v=True)
    return positions.reshape(-1, 3), triangles


def _terrain(size: float, n: int, height: float, octaves: int, seed: int,
             report: Callable[[float], None]) -> tuple[FloatArray, IndexArray]:
    axis = np.linspace(-size / 2.0, size / 2.0, n)
    x, y = np.meshgrid(axis, axis, indexing="ij")
    z = np.zeros_like(x)
    rng = np.random.default_rng(seed)
    for k in range(octaves):
        frequency = 2.0 ** k * 2.0 * np.pi / size
        phase = rng.uniform(0.0, 2.0 * np.pi, size=2)
        z += 0.5 ** k * np.sin(frequency * x + phase[0]) * np.cos(frequency * y + phase[1])
        report(0.4 * (k + 1) / octaves)
    positions = np.stack([x, y, height * z], axis=-1).reshape(-1, 3)
    return positions, _grid_triangles(n, n, wrap_u=False, wrap_v=False)


def _vertex_normals(positions: FloatArray, triangles: IndexArray) -> FloatArray:
    """Area-weighted vertex normals: each triangle's cross product added to its corners."""
    a, b, c = (positions[triangles[:, k]] for k in range(3))
    face = np.cross(b - a, c - a)
    corners = triangles.ravel()
    normals = np.empty_like(positions)
    for axis in range(3):
        normals[:, axis] = np.bincount(corners, weights=np.repeat(face[:, axis], 3),
                                       minlength=len(positions))
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    unit: FloatArray = normals / np.maximum(lengths, 1e-12)
    return unit
