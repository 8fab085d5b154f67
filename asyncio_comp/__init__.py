"""The TDAsyncIO component: a tracked asyncio runtime stepped once per host frame."""

from asyncio_comp.component import TDAsyncIO as TDAsyncIO
from asyncio_comp.manager import AsyncIOManager as AsyncIOManager
from asyncio_comp.outside_work import OutsideWork as OutsideWork
from asyncio_comp.outside_work import outside_work as outside_work
from asyncio_comp.progress import TaskHandle as TaskHandle
from asyncio_comp.progress import current_task as current_task
from asyncio_comp.progress import current_task_id as current_task_id
from asyncio_comp.progress import report_progress as report_progress
from asyncio_comp.records import TaskOutcome as TaskOutcome
from asyncio_comp.records import TaskRow as TaskRow
from asyncio_comp.status import InvalidTransition as InvalidTransition
from asyncio_comp.status import TaskStatus as TaskStatus
from asyncio_comp.threads import cancel_requested as cancel_requested
from asyncio_comp.threads import to_thread as to_thread
from asyncio_comp.worker.comp import SerialWorkerCOMP as SerialWorkerCOMP
from asyncio_comp.worker.comp import create_worker as create_worker
from asyncio_comp.worker.comp import find_workers as find_workers
from asyncio_comp.worker.serial_worker import SerialWorker as SerialWorker
from asyncio_comp.worker.serial_worker import WorkerSnapshot as WorkerSnapshot
from asyncio_comp.worker.task import WorkerError as WorkerError
from asyncio_comp.worker.task import WorkerStatus as WorkerStatus
from asyncio_comp.worker.task import WorkerStopped as WorkerStopped
from asyncio_comp.worker.task import WorkerTask as WorkerTask
from asyncio_comp.worker.task import WorkerTaskCancelled as WorkerTaskCancelled
from asyncio_comp.worker.task import WorkerTaskRow as WorkerTaskRow
from asyncio_comp.worker.task import current_worker_task as current_worker_task

__all__ = [
    "AsyncIOManager",
    "InvalidTransition",
    "OutsideWork",
    "SerialWorker",
    "SerialWorkerCOMP",
    "TDAsyncIO",
    "TaskHandle",
    "TaskOutcome",
    "TaskRow",
    "TaskStatus",
    "WorkerError",
    "WorkerSnapshot",
    "WorkerStatus",
    "WorkerStopped",
    "WorkerTask",
    "WorkerTaskCancelled",
    "WorkerTaskRow",
    "cancel_requested",
    "create_worker",
    "current_task",
    "current_task_id",
    "current_worker_task",
    "find_workers",
    "outside_work",
    "report_progress",
    "to_thread",
]
