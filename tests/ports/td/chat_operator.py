"""Port 1: a LOPs chat operator. An extension class (DotLOPUtils) calls an API with
the operator's Timeout parameter (0 = no timeout, the LOPs default) and writes the
reply from a completion callback; a Parameter Execute DAT sends the Send pulse to it.
Written as it is in TouchDesigner: TD's globals (op, run, parent, tableDAT, baseCOMP,
parameterexecuteDAT) are used without importing them."""
# ruff: noqa: F821  (op, tableDAT, baseCOMP, ... are TouchDesigner globals)

import asyncio

from dot_lop_utils import DotLOPUtils  # as LOPs code imports it


async def call_model(prompt, model):
    """Stands in for the HTTP call: answers after 0.4 s, refuses empty prompts."""
    await asyncio.sleep(0.4)
    if not prompt.strip():
        raise ValueError("empty prompt")
    return f"[{model}] you said: {prompt}"


class ChatExt(DotLOPUtils):
    def __init__(self, ownerComp):
        super().__init__(ownerComp)
        self.conversation = ownerComp.op('conversation')
        self.pending = {}

    def Send(self, prompt=None):
        if prompt is None:
            prompt = self.ownerComp.par.Prompt.eval()
        model = self.ownerComp.par.Model.eval()
        timeout = self.ownerComp.par.Timeout.eval()
        task_id = self.run_async_task(
            call_model(prompt, model),
            description=f"chat: {prompt[:20]}",
            completion_callback=self.onReply,
            info={'prompt': prompt},
            timeout=timeout,
        )
        self.pending[task_id] = prompt
        self.logger.info('sent %r as task %s', prompt, task_id)
        if timeout:
            # LOPs calls back on completed and failed only: a timeout is looked for.
            run(self.checkTimeout, task_id, delayMilliSeconds=int(timeout * 1000) + 50)
        return task_id

    def checkTimeout(self, task_id):
        info = op.TDAsyncIO.GetTaskInfo(task_id)
        if task_id in self.pending and info is not None and info['status'] == 'timeout':
            prompt = self.pending.pop(task_id)
            self.conversation.appendRow([task_id, prompt, '', str(info['error'])])

    def onReply(self, task):
        prompt = self.pending.pop(task.task_id)
        if task.status.value == 'completed':
            self.conversation.appendRow([task.task_id, prompt, task.result, ''])
        else:
            self.conversation.appendRow([task.task_id, prompt, '', str(task.error)])
        if self.ownerComp.par.Autoclear:
            op.TDAsyncIO.Clearfinished()


PAREXEC = '''
def onPulse(par):
    if par.name == 'Send':
        parent().Send()
'''


def build(host):
    chat = op('/').create(baseCOMP, 'chat')
    table = chat.create(tableDAT, 'conversation')
    table.appendRow(['task_id', 'prompt', 'reply', 'error'])
    page = chat.appendCustomPage('Chat')
    page.appendStr('Prompt', label='Prompt')
    page.appendMenu('Model', menuNames=['small', 'large'], menuLabels=['Small', 'Large'])
    page.appendFloat('Timeout', label='Timeout (s)')  # 0: no timeout, as in LOPs
    page.appendToggle('Autoclear', label='Clear Finished')
    page.appendPulse('Send')
    chat.addExtension(ChatExt)
    parexec = chat.create(parameterexecuteDAT, 'parexec')
    parexec.par.ops = chat.path
    parexec.par.pars = 'Send'
    parexec.text = PAREXEC
    return chat
