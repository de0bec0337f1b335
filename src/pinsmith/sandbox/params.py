"""Parameters many routes share: the sandbox itself and Pinterest's digit-string ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from pinsmith.sandbox.auth import sandbox_of
from pinsmith.sandbox.schemas import DIGITS
from pinsmith.sandbox.state import Sandbox


async def _sandbox(request: Request) -> Sandbox:
    """Async: FastAPI would run a plain ``def`` dependency in its thread pool."""
    return sandbox_of(request)


SandboxDep = Annotated[Sandbox, Depends(_sandbox)]

BoardId = Annotated[str, Path(pattern=DIGITS)]
SectionId = Annotated[str, Path(pattern=DIGITS)]
PinId = Annotated[str, Path(pattern=DIGITS)]
MediaId = Annotated[str, Path(pattern=DIGITS)]
