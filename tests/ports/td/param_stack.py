"""Port 10: a parameter stack, built as a TD network would hold it: a table, a
callbacks text DAT reached through a DAT parameter, and the extension."""
# ruff: noqa: F821  (op, baseCOMP, tableDAT, textDAT are TouchDesigner globals)

from param_stack_ext import ParamStackExt

CALLBACKS = '''
added = []

def onAdded(key, par):
    added.append((key, par.name, me.name))
'''


def build(host):
    manager = op('/').create(baseCOMP, 'manager')
    stack = manager.create(baseCOMP, 'stack')
    stack.create(tableDAT, 'stack').appendRow(['key', 'path', 'par', 'mode', 'value'])
    stack.create(textDAT, 'callbacks').text = CALLBACKS
    stack.appendCustomPage('Stack').appendDAT('Callbacks')
    stack.par.Callbacks = 'callbacks'
    stack.addExtension(ParamStackExt)

    synth = op('/').create(baseCOMP, 'synth')
    tone = synth.appendCustomPage('Tone')
    cutoff = tone.appendFloat('Cutoff')[0]
    cutoff.normMax = 20000
    tone.appendStr('Title')
    synth.appendCustomPage('Other').appendToggle('Mute')
    return stack
