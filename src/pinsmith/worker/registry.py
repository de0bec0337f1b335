"""Tasks by name: ``@task("webhooks.deliver")`` registers an async handler for that job kind."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import Job

# The domains' tasks.py modules, imported when a worker starts so their @task lines run.
TASK_MODULES: tuple[str, ...] = ("pinsmith.webhooks.tasks", "pinsmith.publishing.tasks")


@dataclass(frozen=True)
class JobContext:
    """What a handler gets besides its payload: the database (it opens its own transactions:
    the job is the edge that owns them), the job row as claimed (``attempts`` counts this
    run) and the worker's settings (None for a worker built without them)."""

    database: Database
    job: Job
    settings: Settings | None = None
    services: Mapping[str, object] = field(default_factory=dict)


Handler = Callable[[JobContext, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class WorkerContext:
    """What periodic work gets: the database and the worker's settings."""

    database: Database
    settings: Settings | None = None
    services: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Periodic:
    """Work every worker does on its own every ``seconds`` (it must be safe to run in several
    workers at once: it claims what it changes in a transaction)."""

    name: str
    seconds: float
    run: Callable[[WorkerContext], Awaitable[None]]


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self.periodic: dict[str, Periodic] = {}

    def every(
        self, name: str, seconds: float
    ) -> Callable[
        [Callable[[WorkerContext], Awaitable[None]]], Callable[[WorkerContext], Awaitable[None]]
    ]:
        """Register the decorated function to run every ``seconds`` in each worker."""

        def register(
            run: Callable[[WorkerContext], Awaitable[None]],
        ) -> Callable[[WorkerContext], Awaitable[None]]:
            self.periodic[name] = Periodic(name, seconds, run)
            return run

        return register

    def task(self, kind: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of jobs of ``kind``."""

        def register(handler: Handler) -> Handler:
            existing = self._handlers.get(kind)
            if existing is not None and existing is not handler:
                raise ValueError(f"task {kind!r} is already registered to {existing.__qualname__}")
            self._handlers[kind] = handler
            return handler

        return register

    def get(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    def kinds(self) -> list[str]:
        return sorted(self._handlers)


registry = Registry()
task = registry.task
every = registry.every


def load_task_modules() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)
