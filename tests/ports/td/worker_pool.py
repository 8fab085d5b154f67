"""Port 5: a pool that grows and shrinks by copying a template COMP, TD's way:
custom parameters set up as TD scripts do (appendCOMP, appendDAT, clampMin, readOnly),
comp.copy(), tags and findChildren(), storage fetched from the pool by its workers,
ops() patterns, destroy() and valid, and a text DAT log written with print()."""
# ruff: noqa: F821  (op, tableDAT, textDAT, baseCOMP are TouchDesigner globals)


class WorkerPoolExt:
    def __init__(self, ownerComp):
        self.ownerComp = ownerComp
        page = ownerComp.appendCustomPage('Pool')
        template = page.appendCOMP('Template', label='Worker template')[0]
        template.val = 'template'
        size = page.appendInt('Size')[0]
        size.min = 1
        size.clampMin = True
        size.default = 1
        log = page.appendDAT('Log')[0]
        log.val = 'log'
        status = page.appendStr('Status')[0]
        status.readOnly = True
        mode = page.appendStrMenu('Mode')[0]
        mode.menuNames = ['fifo', 'lifo']
        mode.val = 'fifo'
        ownerComp.store('Config', {'retries': 3})

    @property
    def Workers(self):
        return self.ownerComp.findChildren(tags=['worker'], depth=1)

    def Scale(self):
        wanted = int(self.ownerComp.par.Size)
        workers = self.Workers
        template = self.ownerComp.par.Template.eval()
        log = self.ownerComp.par.Log.eval()
        while len(workers) < wanted:
            worker = self.ownerComp.copy(template, name='worker1')
            worker.tags.add('worker')
            worker.comment = 'copied from ' + template.path
            workers.append(worker)
            print('added', worker.name, file=log)
        for worker in workers[wanted:]:
            print('removed', worker.name, file=log)
            worker.destroy()
        self.ownerComp.par.Status = f'{len(self.Workers)} workers'

    def Assign(self, job):
        workers = sorted(self.ownerComp.ops('worker*'), key=lambda w: w.name)
        worker = workers[len(self.ownerComp.fetch('Assigned', [], storeDefault=True))
                         % len(workers)]
        worker.op('jobs').appendRow([job, worker.fetch('Config')['retries']])
        self.ownerComp.fetch('Assigned').append(job)
        return worker


def build(host):
    pool = op('/').create(baseCOMP, 'pool')
    template = pool.create(baseCOMP, 'template')
    jobs = template.create(tableDAT, 'jobs')
    jobs.appendRow(['job', 'retries'])
    template.store('Kind', 'worker')
    pool.create(textDAT, 'log')
    pool.addExtension(WorkerPoolExt)
    return pool
