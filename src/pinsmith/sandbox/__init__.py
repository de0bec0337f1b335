"""A local, faithful emulator of the Pinterest API v5, so the demo, the tests and development run
with no Pinterest account and no network.

A library: it imports nothing from pinsmith but ``pinsmith.kit``, and has its own settings
(``SandboxConfig``), never pinsmith's ``Settings``.
"""

from pinsmith.sandbox.app import create_sandbox_app
from pinsmith.sandbox.config import ClientConfig, SandboxConfig, SeedUser
from pinsmith.sandbox.entities import (
    ALL_SCOPES,
    Board,
    Client,
    Media,
    Pin,
    SandboxUser,
    Section,
    TokenPair,
)
from pinsmith.sandbox.faults import FaultRule
from pinsmith.sandbox.server import SandboxNotStarted, run_sandbox, serve_in_thread
from pinsmith.sandbox.state import Sandbox

__all__ = [
    "ALL_SCOPES",
    "Board",
    "Client",
    "ClientConfig",
    "FaultRule",
    "Media",
    "Pin",
    "Sandbox",
    "SandboxConfig",
    "SandboxNotStarted",
    "SandboxUser",
    "Section",
    "SeedUser",
    "TokenPair",
    "create_sandbox_app",
    "run_sandbox",
    "serve_in_thread",
]
