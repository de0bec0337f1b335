"""The route class of every emulated endpoint: injected faults around the handler, and a save
of the state after each change (when persistence is on).

A route knows its own path template (``/v5/pins/{pin_id}``), which is how fault rules name it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from pinsmith.sandbox.auth import sandbox_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SandboxRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        template = self.path_format

        async def handle_with_faults(request: Request) -> Response:
            sandbox = sandbox_of(request)
            plan = sandbox.faults.plan(request.method, template)
            if plan.latency:
                await sandbox.sleep(plan.latency)
            if plan.error is not None:
                return plan.error.response()
            response = await handle(request)
            if request.method not in SAFE_METHODS:
                sandbox.commit()
            if plan.drop_seconds is not None:
                # Commit then drop: the work is done; hold the answer past any client timeout.
                await sandbox.sleep(plan.drop_seconds)
            return response

        return handle_with_faults

    def fault_keys(self) -> list[str]:
        """``METHOD /path/template`` for each method, as fault rules name routes."""
        return [f"{method} {self.path_format}" for method in sorted(self.methods or ())]
