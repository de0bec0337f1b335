"""The crash test's Pinterest: a sandbox in a process of its own, which outlives the pinsmith
processes the test kills.

``python -m tests.publishing.crash_sandbox SETUP.json OUT.json`` builds the sandbox from the
setup (accounts, boards, faults), issues each account's tokens, writes them with the port it
listens on to OUT.json (atomically), then serves on loopback until killed. Its state is in
memory only.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn

from pinsmith.sandbox import ClientConfig, FaultRule, SandboxConfig, create_sandbox_app
from pinsmith.sandbox.state import Sandbox

CLIENT_ID = "1480077"
CLIENT_SECRET = "crash-test-app-secret"
#: Far above anything the test sends, so that Pinterest's pacing never binds.
RATE_LIMITS = {
    "org_read": 1_000_000,
    "org_write": 1_000_000,
    "org_analytics": 1_000_000,
    "ads_read": 1_000_000,
}


def build(setup: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The sandbox app, and what the test needs to know about it (without the port)."""
    config = SandboxConfig(
        clients=[ClientConfig(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)],
        rate_limits=RATE_LIMITS,
        faults=[FaultRule.model_validate(rule) for rule in setup["faults"]],
    )
    app = create_sandbox_app(config)
    sandbox: Sandbox = app.state.sandbox
    accounts = []
    for number in range(setup["accounts"]):
        user = sandbox.add_user(f"crash_pinner_{number}")
        boards = [
            sandbox.add_board(user.id, f"Board {number}.{index}").id
            for index in range(setup["boards_per_account"])
        ]
        tokens = sandbox.issue_tokens(user.id, CLIENT_ID)
        accounts.append(
            {
                "user_id": user.id,
                "username": user.username,
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "boards": boards,
            }
        )
    return app, {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "accounts": accounts}


def main(setup_path: str, out_path: str) -> None:
    setup = json.loads(Path(setup_path).read_text(encoding="utf-8"))
    app, facts = build(setup)
    listener = socket.create_server(("127.0.0.1", 0))
    facts["base_url"] = f"http://127.0.0.1:{listener.getsockname()[1]}"
    partial = Path(out_path + ".partial")
    partial.write_text(json.dumps(facts), encoding="utf-8")
    os.replace(partial, out_path)  # the listener already accepts: the test may call at once
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[listener])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
