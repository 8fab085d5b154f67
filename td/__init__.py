"""``td``: the ground floor, named after TouchDesigner's own module.

It holds the frame clock, the operator network, parameters, tables and TD's
globals; nothing here knows about TDAsyncIO's tracked tasks, the application or
views (its awaitables, such as ``host.next_frame()``, are plain asyncio futures on the
running loop), and everything above (``asyncio_comp``, ``operators``, ``host``)
builds on it. Its face
is what TouchDesigner code imports from TD's ``td`` module:

    import td
    from td import *          # op, me, parent, run, absTime, tableDAT, baseCOMP, ...

Importing it also adds TD's globals to Python's builtins (`td.environment`), as TD
does for every module it runs, so extension modules need no import at all.
"""

from td.absent_families import CHOP as CHOP
from td.absent_families import MAT as MAT
from td.absent_families import POP as POP
from td.absent_families import SOP as SOP
from td.absent_families import TOP as TOP
from td.current import NoCurrentHost as NoCurrentHost
from td.current import current_operator as current_operator
from td.dat import DAT as DAT
from td.environment import NoCurrentOperator as NoCurrentOperator
from td.environment import ParMode as ParMode
from td.environment import PendingRun as PendingRun
from td.environment import Run as Run
from td.environment import absTime as absTime
from td.environment import baseCOMP as baseCOMP
from td.environment import debug as debug
from td.environment import ext as ext
from td.environment import install_builtins as _install_builtins
from td.environment import iop as iop
from td.environment import ipar as ipar
from td.environment import me as me
from td.environment import mod as mod
from td.environment import op as op
from td.environment import parent as parent
from td.environment import project as project
from td.environment import root as root
from td.environment import run as run
from td.environment import tableDAT as tableDAT
from td.environment import textDAT as textDAT
from td.execute_dats import DATExecuteDAT as DATExecuteDAT
from td.execute_dats import ExecuteDAT as ExecuteDAT
from td.execute_dats import ParameterExecuteDAT as ParameterExecuteDAT
from td.execute_dats import datexecuteDAT as datexecuteDAT
from td.execute_dats import executeDAT as executeDAT
from td.execute_dats import parameterexecuteDAT as parameterexecuteDAT
from td.network import OP as OP
from td.network import BaseCOMP as BaseCOMP
from td.network import BaseCOMP as COMP
from td.pages import Page as Page
from td.params import Par as Par
from td.table import Cell as Cell
from td.table import TableDAT as TableDAT
from td.td_error import tdError as tdError
from td.text_dat import TextDAT as TextDAT

__all__ = ["CHOP", "COMP", "DAT", "MAT", "OP", "POP", "SOP", "TOP", "BaseCOMP", "Cell",
           "DATExecuteDAT", "ExecuteDAT", "NoCurrentHost", "NoCurrentOperator", "Page", "Par",
           "ParMode", "ParameterExecuteDAT", "PendingRun", "Run", "TableDAT", "TextDAT",
           "absTime", "baseCOMP", "current_operator", "datexecuteDAT", "debug", "executeDAT",
           "ext", "iop", "ipar", "me", "mod", "op", "parameterexecuteDAT", "parent", "project",
           "root", "run", "tableDAT", "tdError", "textDAT"]

_install_builtins()
