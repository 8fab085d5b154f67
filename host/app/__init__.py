"""The top floor: the assembled ``Host``, the views, the CLI, the scene loader and
the pytest plugin. Stands on ``host.engine``, ``asyncio_comp`` and ``operators``.
"""
