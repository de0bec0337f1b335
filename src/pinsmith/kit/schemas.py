"""Base classes for request and response bodies, and the rules every input shares."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from pinsmith.kit.time import check_timezone

NUL_REFUSED = "must not contain the NUL character (\\u0000)"
T = TypeVar("T")


def holds_nul(value: object) -> bool:
    """Whether text anywhere in ``value`` (a string, or a list or mapping of them) has U+0000.

    PostgreSQL's text cannot store it (SQLite's can): refusing it on the way in makes both
    databases answer the same 422 instead of one of them a 500."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    return False


def without_nul(value: T) -> T:
    if holds_nul(value):
        raise ValueError(NUL_REFUSED)
    return value


class Input(BaseModel):
    """A request body: an unknown field is a 422, so a misspelt field is never silently ignored;
    text holding U+0000 is a 422 naming its field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return without_nul(value)


class Output(BaseModel):
    """A response body, read from ORM rows."""

    model_config = ConfigDict(from_attributes=True)


Timezone = Annotated[str, AfterValidator(check_timezone)]
#: Digits-only ids (Pinterest's): 0-9, not a Unicode ``\d``, which takes any script's digits.
DIGITS = r"^[0-9]+$"
#: A free-text query parameter (a search, a filter); bodies get the same rule from ``Input``.
QueryText = Annotated[str, AfterValidator(without_nul)]

#: Row ids live in INTEGER columns, 32-bit on PostgreSQL: a larger number names no row, and the
#: database drivers refuse to send it (SQLite's overflows at 64 bits), so it is a 422 here.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
"""The id of one of our rows (a pin, a collection, a profile...) as a client sends it."""
