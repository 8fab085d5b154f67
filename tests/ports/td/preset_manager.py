"""Port 6: presets of another COMP's custom parameters, kept in storage, TD's way:
an appendCOMP parameter naming the target, store/fetch/unstore with patterns,
customPars and their attributes, a table listed after dat.clear(), backups made with
comp.copy() of a DAT, and notes written to a text DAT."""
# ruff: noqa: F821  (op, tableDAT, textDAT, baseCOMP are TouchDesigner globals)


class PresetManagerExt:
    def __init__(self, ownerComp):
        self.ownerComp = ownerComp
        page = ownerComp.appendCustomPage('Presets')
        page.appendCOMP('Target')
        page.appendStr('Preset')
        page.appendPulse('Store')
        page.appendPulse('Recall')

    def target(self):
        target = self.ownerComp.par.Target.eval()
        if target is None:
            raise ValueError('Target names no COMP: ' + repr(self.ownerComp.par.Target.val))
        return target

    def Store(self, name):
        values = {par.name: par.eval() for par in self.target().customPars
                  if not par.isPulse and not par.readOnly}
        self.ownerComp.store('preset_' + name, values)
        self.ownerComp.op('notes').write('stored ' + name + '\n')
        self.List()

    def Recall(self, name):
        values = self.ownerComp.fetch('preset_' + name, None, search=False)
        if values is None:
            return False
        target = self.target()
        for par_name, value in values.items():
            target.par[par_name].val = value
        return True

    def Forget(self, pattern):
        self.ownerComp.unstore('preset_' + pattern)
        self.List()

    def List(self):
        table = self.ownerComp.op('presets')
        table.clear(keepFirstRow=True)
        for key in sorted(self.ownerComp.storage):
            if key.startswith('preset_'):
                table.appendRow([key[len('preset_'):], len(self.ownerComp.storage[key])])

    def Backup(self):
        tables = self.ownerComp.findChildren(type=tableDAT, maxDepth=1, name='presets')
        return [self.ownerComp.copy(table, name='presets_backup') for table in tables]


def build(host):
    synth = op('/').create(baseCOMP, 'synth')
    page = synth.appendCustomPage('Voice')
    cutoff = page.appendFloat('Cutoff')[0]
    cutoff.max = 20000
    cutoff.clampMax = True
    page.appendMenu('Wave')[0].menuNames = ['sine', 'saw']
    page.appendStr('Version')[0].readOnly = True
    manager = op('/').create(baseCOMP, 'presets')
    table = manager.create(tableDAT, 'presets')
    table.appendRow(['name', 'values'])
    manager.create(textDAT, 'notes')
    manager.addExtension(PresetManagerExt)
    manager.par.Target = synth
    return manager
