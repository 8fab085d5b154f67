"""The TDAsyncIO component: a tracked asyncio runtime stepped once per host frame."""

from asyncio_comp.component import TDAsyncIO as TDAsyncIO
from asyncio_comp.manager import AsyncIOManager as AsyncIOManager
from asyncio_comp.progress import current_task_id as current_task_id
from asyncio_comp.progress import report_progress as report_progress
from asyncio_comp.records import TaskOutcome as TaskOutcome
from asyncio_comp.records import TaskRow as TaskRow
from asyncio_comp.status import InvalidTransition as InvalidTransition
from asyncio_comp.status import TaskStatus as TaskStatus

__all__ = [
    "AsyncIOManager",
    "InvalidTransition",
    "TDAsyncIO",
    "TaskOutcome",
    "TaskRow",
    "TaskStatus",
    "current_task_id",
    "report_progress",
]
