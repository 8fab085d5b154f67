"""The ground floor: frame clock, operator network, parameters, tables, thread guard.

Nothing here knows about asyncio tasks or views; everything above builds on it.
"""
