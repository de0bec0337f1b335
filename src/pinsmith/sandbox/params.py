"""Parameters many routes share: the sandbox itself and Pinterest's digit-string ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from pinsmith.sandbox.auth import sandbox_of
from pinsmith.sandbox.state import Sandbox

SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]

DIGITS = r"^\d+$"
BoardId = Annotated[str, Path(pattern=DIGITS)]
SectionId = Annotated[str, Path(pattern=DIGITS)]
PinId = Annotated[str, Path(pattern=DIGITS)]
MediaId = Annotated[str, Path(pattern=DIGITS)]
