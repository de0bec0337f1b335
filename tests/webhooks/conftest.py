"""Webhook test helpers: a receiver on a real loopback port, and a worker for the webhook jobs."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from httpx import AsyncClient

from pinsmith.config import Settings
from pinsmith.events.service import FAN_OUT
from pinsmith.kit.db import Database
from pinsmith.sandbox import serve_in_thread
from pinsmith.webhooks import service as webhooks
from pinsmith.webhooks import tasks as webhook_tasks
from pinsmith.worker import Worker
from pinsmith.worker.registry import Registry
from tests.conftest import Account, Clock, Factory, account

BOARD = "123456789012345678"
IMAGE = "https://images.example.com/summer.jpg"


def verify(body: bytes, secret: str, header: str) -> bool:
    """PinFlow's documented snippet, verbatim."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A webhook endpoint: records every request and answers the next status of ``answers``
    (the last one again once they run out)."""

    url: str = ""
    answers: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/{path:path}")
        async def hook(path: str, request: Request) -> Response:
            body = await request.body()
            with self.lock:
                self.received.append(Received(f"/{path}", dict(request.headers), body))
                status = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
            headers = {"Location": "/elsewhere"} if 300 <= status < 400 else {}
            return Response(status_code=status, headers=headers)

        return app

    def hits(self, path: str = "/hook") -> list[Received]:
        with self.lock:
            return [item for item in self.received if item.path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    with serve_in_thread(found.app()) as base_url:
        found.url = base_url
        yield found


def webhook_tasks_only() -> Registry:
    tasks = Registry()
    tasks.task(FAN_OUT)(webhook_tasks.fan_out)
    tasks.task(webhooks.DELIVER)(webhook_tasks.deliver)
    return tasks


@pytest.fixture
def worker(database: Database, settings: Settings) -> Worker:
    """Runs the due webhook jobs when told (``await worker.run_due()``); time moves by ``clock``."""
    return Worker(database, settings=settings, tasks=webhook_tasks_only(), listen=False)


@pytest.fixture
async def alice(factory: Factory, clock: Clock) -> Account:
    return await account(factory, "alice", plan="growth")


@pytest.fixture
async def bob(factory: Factory, clock: Clock) -> Account:
    return await account(factory, "bob", plan="growth")


async def register(
    client: AsyncClient, who: Account, url: str, event: str = "pin.created", **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        "/webhooks", json={"url": url, "event": event, **fields}, headers=who.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def create_pin(client: AsyncClient, who: Account, **fields: Any) -> dict[str, Any]:
    body = {"board_id": BOARD, "media_url": IMAGE, "title": "Summer Recipe Ideas"} | fields
    response = await client.post("/pins", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def deliveries(client: AsyncClient, who: Account, webhook_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/webhooks/{webhook_id}/deliveries", headers=who.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found
