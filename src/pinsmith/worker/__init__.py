"""The job table and the worker: enqueue in the caller's transaction, claim with a lease, run.

A domain registers its background work in its ``tasks.py`` with ``@task("webhooks.deliver")``
and enqueues it with ``queue.enqueue(session, "webhooks.deliver", {...})`` inside the
transaction of the change that caused it. See DESIGN.md, "The job table".
"""

from pinsmith.worker.queue import enqueue, notify
from pinsmith.worker.registry import JobContext, WorkerContext, every, task
from pinsmith.worker.runner import Worker

__all__ = ["JobContext", "Worker", "WorkerContext", "enqueue", "every", "notify", "task"]
