"""Port 4: the Houdini Engine for Godot pattern. Blocking cooks go to one serial worker;
the operator polls get_status() once per frame (Godot's _process, TD's Execute DAT
onFrameStart) and reads get_result()/get_error_message() when the task is done. The
Cook pulse reaches the extension through a Parameter Execute DAT, as in TD.

The one framehost import that stays: the serial worker is Houdini Engine for Godot's
pattern, which framehost implements and TouchDesigner has no module for, so TD code
cannot be written against it; `framehost check` flags the import (FH503) for that
reason and the allow below says so."""
# ruff: noqa: F821  (op, tableDAT, baseCOMP, executeDAT, ... are TouchDesigner globals)

import threading

# The Houdini Engine serial worker is framehost's (HEGo's pattern); TD has none.
from asyncio_comp import SerialWorker, WorkerStatus  # framehost: allow FH503

# The test holds cooks here so it can see them pending and running.
gate = threading.Event()


def cook_asset(path, iterations):
    gate.wait(10)
    if path.endswith('broken.hda'):
        raise RuntimeError(f"cannot load {path}")
    return {'path': path, 'points': iterations * 100}


class HoudiniAssetExt:
    def __init__(self, ownerComp):
        self.ownerComp = ownerComp
        self.worker = SerialWorker(name='houdini-engine')
        self.worker.start()
        self.task = None
        self.seen = []

    def Cook(self):
        self.task = self.worker.submit(cook_asset, self.ownerComp.par.Asset.eval(),
                                       int(self.ownerComp.par.Iterations),
                                       description=f"cook {self.ownerComp.par.Asset}")
        self.ownerComp.par.State = 'queued'

    def OnFrameStart(self, frame):
        task = self.task
        if task is None:
            return
        status = task.get_status()
        if not self.seen or self.seen[-1] != status.name:
            self.seen.append(status.name)
        if status < WorkerStatus.COMPLETED:
            self.ownerComp.par.State = status.name.lower()
            return
        self.task = None
        log = self.ownerComp.op('log')
        if task.get_error_message():
            self.ownerComp.par.State = 'error'
            log.appendRow([task.get_description(), 'error', task.get_error_message()])
        else:
            self.ownerComp.par.State = 'cooked'
            log.appendRow([task.get_description(), 'points', task.get_result()['points']])

    def onDestroyTD(self):
        self.worker.stop()


PAREXEC = '''
def onPulse(par):
    if par.name == 'Cook':
        parent().Cook()
'''

TICKER = '''
def onFrameStart(frame):
    parent().OnFrameStart(frame)
'''


def build(host):
    asset = op('/').create(baseCOMP, 'asset')
    log = asset.create(tableDAT, 'log')
    log.appendRow(['task', 'what', 'value'])
    page = asset.appendCustomPage('Asset')
    page.appendStr('Asset', default='tree.hda')
    page.appendInt('Iterations', default=3, min=1)
    page.appendStr('State', default='idle')
    page.appendPulse('Cook')
    asset.addExtension(HoudiniAssetExt)
    parexec = asset.create(parameterexecuteDAT, 'parexec')
    parexec.par.ops = asset.path
    parexec.par.pars = 'Cook'
    parexec.text = PAREXEC
    ticker = asset.create(executeDAT, 'ticker')
    ticker.par.framestart = True
    ticker.text = TICKER
    return asset
