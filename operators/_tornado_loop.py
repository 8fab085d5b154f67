"""Forget tornado's IOLoop for a host's asyncio loop once a farm is done with it.

Dask's client runs on tornado, and tornado keeps one class-level dict, from every
asyncio loop it has been used on to the `tornado.ioloop.IOLoop` that wraps it
(``IOLoop._ioloop_for_asyncio``). An entry goes only when that IOLoop is closed or
when tornado next makes an IOLoop and finds the asyncio loop closed. Neither happens
to a host's loop: `IOLoop.close()` would also close the asyncio loop, which the
host's other close hooks still need when the farm closes, and nothing may make an
IOLoop again in the process. So after a host with a connected `DaskFarm` closed, the
entry kept its loop alive, and through the loop the Host, for the rest of the
process.

Tornado (6.x) has no public way to forget one loop, so `forget_tornado_loop` removes
the entry itself: the step `IOLoop.close()` takes before it closes the asyncio loop.
This module is the one place that leans on tornado's internals
(``tests/asyncio_comp/test_seams.py`` knows it).
"""

from __future__ import annotations

import asyncio
import sys

__all__ = ["forget_tornado_loop"]


def forget_tornado_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Drop tornado's IOLoop for ``loop``, if it has one; ``loop`` itself is untouched.

    A client still on ``loop`` (another farm's) keeps working: tornado's objects hold
    the IOLoop they were made with, and ``IOLoop.current()`` on ``loop`` makes a new
    one if it is asked again (that farm's own close then forgets it in turn).
    """
    ioloop = sys.modules.get("tornado.ioloop")
    if ioloop is None:
        return  # tornado never ran in this process: it has no entry to forget
    ioloop.IOLoop._ioloop_for_asyncio.pop(loop, None)
