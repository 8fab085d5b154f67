"""TouchDesigner's globals for code written the TD way: ``op``, ``tableDAT``,
``baseCOMP`` and ``run`` (see `host.engine.td`, where they live).

    from host.td import op, run, tableDAT
"""

from host.engine.current import NoCurrentHost as NoCurrentHost
from host.engine.td import PendingRun as PendingRun
from host.engine.td import baseCOMP as baseCOMP
from host.engine.td import op as op
from host.engine.td import run as run
from host.engine.td import scene_globals as scene_globals
from host.engine.td import tableDAT as tableDAT

__all__ = ["NoCurrentHost", "PendingRun", "baseCOMP", "op", "run", "scene_globals",
           "tableDAT"]
