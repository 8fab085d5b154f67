"""The serial worker (the Houdini Engine for Godot pattern): one background thread
running blocking callables in strict submission order, its tasks, its COMP and its
``worker_table``. Its face is re-exported by ``asyncio_comp``.
"""
