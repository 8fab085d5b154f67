"""``td``: the ground floor, named after TouchDesigner's own module.

It holds the frame clock, the operator network, parameters, tables and TD's
globals; nothing here knows about asyncio tasks, the application or views, and
everything above (``asyncio_comp``, ``operators``, ``host``) builds on it. Its face
is what TouchDesigner code imports from TD's ``td`` module:

    import td
    from td import *          # op, run, tableDAT, baseCOMP, ...
"""

from td.current import NoCurrentHost as NoCurrentHost
from td.dat import DAT as DAT
from td.environment import PendingRun as PendingRun
from td.environment import baseCOMP as baseCOMP
from td.environment import op as op
from td.environment import run as run
from td.environment import tableDAT as tableDAT
from td.environment import textDAT as textDAT
from td.network import OP as OP
from td.network import BaseCOMP as BaseCOMP
from td.params import Par as Par
from td.table import Cell as Cell
from td.table import TableDAT as TableDAT
from td.text_dat import TextDAT as TextDAT

__all__ = ["DAT", "OP", "BaseCOMP", "Cell", "NoCurrentHost", "Par", "PendingRun", "TableDAT",
           "TextDAT", "baseCOMP", "op", "run", "tableDAT", "textDAT"]
