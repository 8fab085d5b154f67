"""TouchDesigner's globals for code written the TD way: ``op``, ``tableDAT``,
``textDAT``, ``baseCOMP`` and ``run`` (see `td.environment`, where they live).

    from host.td import op, run, tableDAT
"""

from td.current import NoCurrentHost as NoCurrentHost
from td.environment import PendingRun as PendingRun
from td.environment import baseCOMP as baseCOMP
from td.environment import op as op
from td.environment import run as run
from td.environment import scene_globals as scene_globals
from td.environment import tableDAT as tableDAT
from td.environment import textDAT as textDAT

__all__ = ["NoCurrentHost", "PendingRun", "baseCOMP", "op", "run", "scene_globals",
           "tableDAT", "textDAT"]
