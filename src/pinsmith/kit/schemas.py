"""Base classes for request and response bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from pinsmith.kit.time import check_timezone


class Input(BaseModel):
    """A request body: an unknown field is a 422, so a misspelt field is never silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    """A response body, read from ORM rows."""

    model_config = ConfigDict(from_attributes=True)


Timezone = Annotated[str, AfterValidator(check_timezone)]
