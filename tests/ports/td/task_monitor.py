"""Port 3: a monitor that counts tasks by status with GetAllTasksInfo/GetTaskStatus and
refreshes itself with run(..., delayFrames=N), the way TD code polls."""
# ruff: noqa: F821  (op, run, tableDAT, baseCOMP are TouchDesigner globals)


class TaskMonitorExt:
    def __init__(self, ownerComp):
        self.ownerComp = ownerComp
        self.summary = ownerComp.op('summary')
        self.refreshes = 0

    def Refresh(self):
        manager = op('/ChatTD/TDAsyncIO').ext.AsyncIOManager
        TaskStatus = manager.GetTaskStatus()
        counts = {status.value: 0 for status in TaskStatus}
        oldest_running = None
        for info in manager.GetAllTasksInfo():
            # A plain string in LOPs (a str enum here): compared and counted as one.
            counts[str(info['status'])] += 1
            if info['status'] == 'running':
                if oldest_running is None or info['created_at'] < oldest_running['created_at']:
                    oldest_running = info
        self.summary.clear(keepFirstRow=True)
        for name, count in counts.items():
            self.summary.appendRow([name, count])
        self.ownerComp.par.Active = manager.GetActiveTasksCount()
        self.ownerComp.par.Oldest = oldest_running['description'] if oldest_running else ''
        self.refreshes += 1
        if self.ownerComp.par.Autorefresh:
            run(self.Refresh, delayFrames=int(self.ownerComp.par.Interval))


def build(host):
    monitor = op('/').create(baseCOMP, 'monitor')
    summary = monitor.create(tableDAT, 'summary')
    summary.appendRow(['status', 'count'])
    page = monitor.appendCustomPage('Monitor')
    page.appendInt('Interval', default=10, min=1)
    page.appendToggle('Autorefresh', default=True)
    page.appendInt('Active')
    page.appendStr('Oldest')
    ext = monitor.addExtension(TaskMonitorExt)
    run(ext.Refresh)
    return monitor
