"""A parameter stack's extension, written as TD extensions are: TD's classes in the
annotations (evaluated when the class is made), ``tdu`` and ``tdError`` with no import,
TDFunctions through ``op.TDModules``, TDJSON imported, pages iterated, paths kept
relative to the COMP, a callbacks DAT's module, and expressions evaluated as the
target would evaluate them."""
# ruff: noqa: F821  (op, tdu, tdError, Par, COMP, DAT, TOP, ParMode are TouchDesigner globals)

import TDJSON

TDF = op.TDModules.mod.TDFunctions


class ParamStackExt:
    def __init__(self, ownerComp: COMP) -> None:
        self.ownerComp = ownerComp
        self.table: DAT = ownerComp.op('stack')

    @property
    def Callbacks(self) -> DAT:
        return self.ownerComp.par.Callbacks.eval()

    def Preview(self) -> TOP:  # TD code names TOPs; there are none here
        return None

    def AddPages(self, comp: COMP, pattern: str = '*') -> int:
        added = 0
        pages = {page.name: page for page in comp.customPages}
        for name in tdu.match(pattern, list(pages)):
            for par in pages[name]:
                added += self.AddPar(par)
        return added

    def AddPar(self, par: Par) -> int:
        if not isinstance(par, Par):
            raise TypeError(f'expected a parameter, got {par!r}')
        key = tdu.legalName(f'{par.owner.name} {par.name}')
        if self.table.row(key):
            return 0
        mode = par.mode.name
        value = par.expr if par.mode == ParMode.EXPRESSION else par.eval()
        self.table.appendRow([key, self.ownerComp.relativePath(par.owner), par.name, mode, value])
        self.Callbacks.module.onAdded(key, par)
        return 1

    def Remove(self, key: str) -> bool:
        try:
            self.table.deleteRow(key)
        except tdError:
            return False
        return True

    def Values(self) -> dict:
        found = {}
        for row in self.table.rows()[1:]:
            owner = self.ownerComp.op(row[1].val)
            if row[3].val == 'EXPRESSION':
                found[row[0].val] = owner.evalExpression(row[4].val)
            else:
                found[row[0].val] = owner.par[row[2].val].eval()
        return found

    def Describe(self, comp: COMP) -> str:
        return TDJSON.jsonToText(TDJSON.opToJSONOp(comp), indent=None)

    def Rebuild(self, comp: COMP, description: str) -> list:
        return TDJSON.addParametersFromJSONOp(comp, TDJSON.textToJSON(description))

    def Page(self, comp: COMP, name: str):
        return TDF.getCustomPage(comp, name)
