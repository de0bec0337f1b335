"""Pin Generator's JSON bodies, read by hand: every problem becomes one ``{"error"}`` sentence
that names the field as the documentation does ("title is required")."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pinsmith.kit.errors import BadRequest, PayloadTooLarge

ModelT = TypeVar("ModelT", bound=BaseModel)

MAX_BODY_BYTES = 1024 * 1024  # far above any real call: text fields, URLs and custom fields


async def parse_body(request: Request, model: type[ModelT]) -> ModelT:
    """The body as ``model``; BadRequest (or 413) with the first problem otherwise."""
    raw = await _read_json(request)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise BadRequest(describe(exc.errors(include_url=False)[0], model)) from None


async def _read_json(request: Request) -> dict[str, Any]:
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY_BYTES:
            raise PayloadTooLarge("The request body is larger than 1 MB")
    if not data.strip():
        return {}  # no body at all: the first required field is what is missing
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
        raise BadRequest("The request body must be JSON (Content-Type: application/json)") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object")
    return body


def describe(problem: ErrorDetails, model: type[BaseModel]) -> str:
    """One sentence for one pydantic error, in Pin Generator's words."""
    loc = problem["loc"]
    name = str(loc[0]) if loc else ""
    kind = problem["type"]
    message = str(problem["msg"]).removeprefix("Value error, ")
    context = problem.get("ctx") or {}
    if not name:
        return message
    field = model.model_fields.get(name)
    required = field is not None and field.is_required()
    blank = problem.get("input") in (None, "")
    if required and (kind == "missing" or (blank and kind in ("string_type", "string_too_short"))):
        return f"{name} is required"
    if kind == "string_type":
        return f"{name} must be a string"
    if kind in ("string_too_long", "too_long"):
        return f"{name} must be at most {context.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return f"{name} must be a Pinterest id (digits only)"
    if kind in ("bool_type", "bool_parsing"):
        return f"{name} must be true or false"
    if kind == "value_error":
        return f"{name} {message}"
    return f"{name}: {message}"
