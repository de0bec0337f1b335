"""Serving the sandbox over HTTP: ``run_sandbox`` (the ``pinsmith sandbox`` command) and
``serve_in_thread`` for tests and scripts that need a real port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from pinsmith.sandbox.app import create_sandbox_app
from pinsmith.sandbox.config import SandboxConfig


def run_sandbox(
    host: str = "127.0.0.1",
    port: int = 8765,
    config: SandboxConfig | None = None,
    *,
    log_level: str = "info",
) -> None:
    """Serve the sandbox until interrupted: API at ``http://host:port/v5``, OAuth page at
    ``http://host:port/oauth/``."""
    uvicorn.run(create_sandbox_app(config), host=host, port=port, log_level=log_level)


class SandboxNotStarted(RuntimeError):
    """The sandbox's server thread did not come up (its socket could not be served)."""


@contextmanager
def serve_in_thread(
    app: FastAPI,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    listener: socket.socket | None = None,
    startup_timeout: float = 10.0,
) -> Iterator[str]:
    """Serve a sandbox app (from ``create_sandbox_app``, seeded as needed) on a real socket
    (port 0: a free one; or ``listener``, bound beforehand so its port is known) in a thread;
    yields its base URL and stops the server on exit."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    sockets = [listener] if listener is not None else None
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": sockets}, name="pinsmith-sandbox", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise SandboxNotStarted("the Pinterest sandbox did not start")
        time.sleep(0.01)
    bound_host, bound_port = server.servers[0].sockets[0].getsockname()[:2]
    try:
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)
        if thread.is_alive():
            raise RuntimeError("the sandbox server did not stop")
