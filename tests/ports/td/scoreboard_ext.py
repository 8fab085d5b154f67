"""The scoreboard's extension, in its own file as TD projects keep them: the text DAT
``ScoreboardExt`` inside the board syncs to it, so `me` here is that DAT. No imports of
framehost: `op`, `me`, `parent`, `iop`, `absTime`, `run` are TD's globals, `tdu` and
`TDStoreTools` TD's own modules."""
# ruff: noqa: F821  (op, me, parent, iop, absTime, run are TouchDesigner globals)

import tdu
from TDStoreTools import DependDict


class ScoreboardExt:
    def __init__(self, ownerComp):
        self.ownerComp = ownerComp
        self.Scores = DependDict()
        self.Level = tdu.Dependency(1)
        self.Level.callbacks = [self._level_changed]
        self.history = op('history')  # relative to me: the DAT holding this code
        self.home = (me.path, parent().path)
        self.levelups = []

    def Add(self, player, points):
        player = tdu.validName(player)
        self.Scores[player] = self.Scores.get(player, 0) + points
        iop.History.appendRow([player, points, int(absTime.frame)])
        best = max(self.Scores.values())
        level = 1 + int(tdu.clamp(tdu.remap(best, 0, 100, 0, 4), 0, 4))
        if level != self.Level.val:
            self.Level.val = level

    def Reset(self):
        self.Scores.clear()
        iop.History.clear(keepFirstRow=True)
        self.Level.val = 1

    def _level_changed(self, info):
        self.levelups.append((info['prevVal'], info['dependency'].val))
        # A cheer two frames later, from the COMP (TD's run string with args).
        run("args[0].op('history').appendRow(['*', 'level', args[1]])",
            self.ownerComp, info['dependency'].val, delayFrames=2)
