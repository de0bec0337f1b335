"""``/_sandbox``: what is not Pinterest's API but drives or shows the emulator.

- ``POST /_sandbox/faults`` (one rule or a list), ``GET`` to list, ``DELETE`` to clear.
- ``GET /_sandbox/state``: counts of what the sandbox holds, for tests and curious people.
- ``GET /_sandbox/files/{id}``: pictures and videos the sandbox stores (pin media links here).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from pinsmith.sandbox.errors import Problem, SandboxError
from pinsmith.sandbox.faults import FaultRule
from pinsmith.sandbox.images import placeholder_png
from pinsmith.sandbox.params import SandboxDep

router = APIRouter(prefix="/_sandbox", tags=["sandbox"])


@router.post("/faults", status_code=status.HTTP_201_CREATED)
async def add_faults(
    body: FaultRule | list[FaultRule], sandbox: SandboxDep
) -> list[dict[str, Any]]:
    rules = body if isinstance(body, list) else [body]
    try:
        for rule in rules:
            sandbox.faults.check_route(rule.route)
    except ValueError as exc:
        raise SandboxError.invalid("route", str(exc)) from None
    return [fault.describe() for fault in sandbox.faults.add_all(rules)]


@router.get("/faults")
async def list_faults(sandbox: SandboxDep) -> list[dict[str, Any]]:
    return [fault.describe() for fault in sandbox.faults.active()]


@router.delete("/faults", status_code=status.HTTP_204_NO_CONTENT)
async def clear_faults(sandbox: SandboxDep) -> Response:
    sandbox.clear_faults()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/state")
async def show_state(sandbox: SandboxDep) -> dict[str, Any]:
    return {
        "counts": sandbox.counts(),
        "users": [{"id": u.id, "username": u.username} for u in sandbox.users()],
        "faults": [fault.describe() for fault in sandbox.faults.active()],
    }


@router.get("/files/{file_id}")
async def get_file(file_id: str, sandbox: SandboxDep) -> Response:
    stored = sandbox.file(file_id)
    if stored is None:
        raise SandboxError(Problem.ROUTE_NOT_FOUND)
    return Response(stored.data, media_type=stored.content_type)


@router.get("/placeholder.png")
async def get_placeholder() -> Response:
    return Response(placeholder_png(), media_type="image/png")
