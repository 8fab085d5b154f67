"""Port 2: an operator that reads TDAsyncIO's task_table by task id (the row label)
and pulses Cancel Active. A plain TD extension: promoted calls on op.TDAsyncIO, the
table read with TD's idioms, an Execute DAT's onFrameEnd updating a status table, a
Parameter Execute DAT sending the pulse to the extension."""
# ruff: noqa: F821  (op, tableDAT, baseCOMP, executeDAT, ... are TouchDesigner globals)

import asyncio


async def download(index, seconds):
    await asyncio.sleep(seconds)
    if index == 2:
        raise ConnectionError(f"mirror {index} refused")
    return f"file-{index}"


class DownloadsExt:
    def __init__(self, ownerComp):
        self.ownerComp = ownerComp
        self.task_ids = []

    def Start(self, count):
        for i in range(count):
            seconds = 0.1 if i < 3 else 10
            task_id = op.TDAsyncIO.Run(download(i, seconds), description=f'download {i}',
                                       info={'index': i})
            self.task_ids.append(task_id)
        return list(self.task_ids)

    def Status(self, task_id):
        table = op('/ChatTD/TDAsyncIO/task_table')
        cell = table[str(task_id), 'status']
        return cell.val if cell is not None else 'gone'

    def UpdateStatus(self):
        table = op('/ChatTD/TDAsyncIO/task_table')
        status = self.ownerComp.op('status')
        status.clear(keepFirstRow=True)
        for task_id in self.task_ids:
            row = table.row(str(task_id))
            if row is None:
                status.appendRow([task_id, 'gone', '', ''])
                continue
            seconds = float(table[str(task_id), 'duration'])
            status.appendRow([task_id, row[1].val, f"{seconds:.1f}", table[str(task_id), 'error']])

    def CancelAll(self):
        op.TDAsyncIO.par.Cancelactive.pulse()


PAREXEC = '''
def onPulse(par):
    if par.name == 'Cancelall':
        parent().CancelAll()
'''

TICKER = '''
def onFrameEnd(frame):
    parent().UpdateStatus()
'''


def build(host):
    downloads = op('/').create(baseCOMP, 'downloads')
    status = downloads.create(tableDAT, 'status')
    status.appendRow(['task_id', 'status', 'seconds', 'error'])
    downloads.appendCustomPage('Downloads').appendPulse('Cancelall', label='Cancel All')
    downloads.addExtension(DownloadsExt)
    parexec = downloads.create(parameterexecuteDAT, 'parexec')
    parexec.par.ops = downloads.path
    parexec.par.pars = 'Cancelall'
    parexec.text = PAREXEC
    ticker = downloads.create(executeDAT, 'ticker')
    ticker.par.frameend = True
    ticker.text = TICKER
    return downloads
