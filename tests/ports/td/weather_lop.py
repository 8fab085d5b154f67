"""Port 6: a LOPs operator as LOPs writes one: DotLOPUtils imported from where LOPs
ships it, parameters made with create_parameter, LOPs's logger call forms into the
operator's Logger COMP, a deferred run() string that puts the Status parameter in
expression mode on the Logger's latest line, pulses wired by a Parameter Execute DAT
and an Execute DAT's onStart."""
# ruff: noqa: F821  (op, run, parent, baseCOMP, tableDAT, ... are TouchDesigner globals)

import asyncio

from dot_lop_utils import DotLOPUtils, LoggerCOMP  # LOPs: the base and the Logger COMP


class WeatherExt(DotLOPUtils):
    def __init__(self, ownerComp):
        super().__init__(ownerComp)
        self.create_parameter('City', 'str', page='Weather', default='Oslo',
                              help='the city to ask about')
        self.create_parameter('Fetch', 'pulse', page='Weather', label='Fetch')
        self.create_parameter('Status', 'str', page='Weather', default='Ready', readOnly=True)
        self.create_parameter('Tempc', 'float', page='Weather', label='Temperature (C)')
        self.create_parameter('Statusheader', 'header', page='Weather', label='Status')
        self.readings = self.ownerComp.op('readings')
        self.logger.log('WeatherExt initialized', 'Weather', 'INFO')
        run("args[0].par.Status.expr = \"op('./Logger/out1')[1, 'message'].val "
            "if op('./Logger/out1').numRows > 1 else 'Ready'\"", self.ownerComp, delayFrames=1)

    def Fetch(self):
        city = self.ownerComp.par.City.eval()
        task_id = self.run_async_task(self._ask(city), description=f'weather {city}',
                                      completion_callback=self._done, info={'city': city})
        self.logger.log(f'asking about {city} (task {task_id})', level='DEBUG')
        return task_id

    async def _ask(self, city):
        await asyncio.sleep(0.25)
        if city == 'Atlantis':
            raise LookupError(f'no station in {city}')
        return round(len(city) * 1.5, 1)

    def _done(self, task):
        city = task.info['city']
        if task.status.value == 'completed':
            self.readings.appendRow([city, task.result])
            self.ownerComp.par.Tempc = task.result
            self.logger.log(f'{city}: {task.result} C', 'Weather', 'INFO')
        else:
            self.logger.log(f'{city} failed: {task.error}', 'Weather', level='ERROR')


def build(host):
    weather = op('/').create(baseCOMP, 'weather')
    weather.create(LoggerCOMP, 'Logger')
    readings = weather.create(tableDAT, 'readings')
    readings.appendRow(['city', 'tempc'])
    weather.addExtension(WeatherExt)
    pulses = weather.create(parameterexecuteDAT, 'pulses')
    pulses.par.ops = weather.path
    pulses.par.valuechange = False
    pulses.text = "def onPulse(par):\n    getattr(parent(), par.name)()\n"
    start = weather.create(executeDAT, 'start')
    start.text = "def onStart():\n    parent().par.City = 'Bergen'\n"
    start.par.start = True
    return weather
