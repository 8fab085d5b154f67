"""Port 5: a scoreboard written the TD way: the extension's code in a text DAT inside
the COMP, synced to the .py beside this scene (TD's layout, so `me` in that code is the
DAT and `parent()` the COMP), the interface wired with a Parameter Execute DAT (pulses
and value changes), an Execute DAT ticking every frame, a DAT Execute DAT reacting to
the history table, iop to the history, parameter expressions reading the extension,
and run() strings."""
# ruff: noqa: F821  (op, run, me, parent, project, tableDAT, ... are TouchDesigner globals)

import os

PAREXEC = '''
def onPulse(par):
    board = parent()
    if par.name == 'Add':
        board.Add(board.par.Player.eval(), int(board.par.Points))
    elif par.name == 'Reset':
        board.Reset()

def onValueChange(par, prev):
    if par.name == 'Player':
        op('status').text = f"{prev} -> {par.eval()}"
'''

TICKER = '''
def onFrameEnd(frame):
    if frame % 10 == 0:
        parent().par.Ticks = parent().par.Ticks + 1
'''

WATCHER = '''
def onTableChange(dat):
    parent().par.Rows = dat.numRows - 1
'''


def build(host):
    board = op('/').create(baseCOMP, 'board')
    history = board.create(tableDAT, 'history')
    history.appendRow(['player', 'points', 'frame'])
    board.create(textDAT, 'status')
    board.par.iopshortcut1 = 'History'
    board.par.iop1 = 'history'
    page = board.appendCustomPage('Board')
    page.appendStr('Player', default='ada')
    page.appendInt('Points', default=10)
    page.appendPulse('Add')
    page.appendPulse('Reset')
    page.appendInt('Ticks')
    page.appendInt('Rows')
    page.appendFloat('Best')
    page.appendStr('Title')
    code = board.create(textDAT, 'ScoreboardExt')
    code.par.file = os.path.join(project.folder, 'scoreboard_ext.py')
    board.addExtension(code.module.ScoreboardExt)
    board.par.Best.expr = "max(me.ext.ScoreboardExt.Scores.values(), default=0)"
    board.par.Title.expr = "f'Level {me.Level.val}: {me.par.Best.eval():g} points'"

    parexec = board.create(parameterexecuteDAT, 'parexec')
    parexec.par.ops = board.path
    parexec.par.pars = 'Add Reset Player'
    parexec.text = PAREXEC
    ticker = board.create(executeDAT, 'ticker')
    ticker.text = TICKER
    ticker.par.frameend = True
    watcher = board.create(datexecuteDAT, 'watcher')
    watcher.par.dats = 'history'
    watcher.text = WATCHER
    return board
