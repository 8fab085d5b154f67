"""The ``framehost`` command's launcher: the lines it runs before ``host`` is imported.

It sits above the application (it imports ``host`` and nothing imports it) and
exists so that a signal during the host's imports is held rather than fatal: see
`framehost.launch`. ``python -m framehost`` is the command too.
"""
