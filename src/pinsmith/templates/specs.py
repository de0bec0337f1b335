"""A custom template's spec, checked with the render library's own model; what it refuses comes
back in FastAPI's 422 shape, each problem located at its layer and named by it.

Pydantic's raw locations carry a discriminated union's tag (``layers.3.text.font``) and union
members (``fill.Gradient``), which mean nothing to the person who wrote the JSON: they are
removed, and a layer's problem reads ``layer 3 ('Title'): ...``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from pinsmith.kit.errors import PinsmithError
from pinsmith.render import TemplateSpec

LAYER_KINDS = ("image", "shape", "text")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Errors a union member reports when the value is of the other member's type: noise when that
# member reported something more precise below the same place.
_TYPE_MISMATCH = frozenset({"string_type", "model_type", "dict_type", "model_attributes_type"})


class InvalidSpec(PinsmithError):
    """A spec the render library refuses: a 422 listing every problem, as FastAPI does."""

    status_code: ClassVar[int] = 422

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(problem["msg"]) for problem in problems))
        self.problems = problems

    def payload(self) -> Any:
        return self.problems


def parse_spec(
    raw: Mapping[str, Any], *, location: Sequence[str | int] = ("body", "spec")
) -> TemplateSpec:
    """The spec as the renderer reads it, or InvalidSpec located under ``location``."""
    try:
        return TemplateSpec.model_validate(raw)
    except ValidationError as exc:
        raise InvalidSpec(_problems(raw, exc.errors(include_url=False), location)) from None


def _problems(
    raw: Mapping[str, Any], errors: list[ErrorDetails], location: Sequence[str | int]
) -> list[dict[str, Any]]:
    cleaned = [(_clean_loc(raw, error["loc"]), error) for error in errors]
    problems: list[dict[str, Any]] = []
    seen: set[tuple[str | int, ...]] = set()
    for loc, error in cleaned:
        if _is_noise(loc, error, cleaned) or loc in seen:
            continue
        seen.add(loc)
        problems.append(
            {"type": error["type"], "loc": [*location, *loc], "msg": _message(raw, loc, error)}
        )
    return problems


def _clean_loc(raw: Mapping[str, Any], loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Without the layer's ``kind`` tag and without union member names."""
    parts = list(loc)
    if (
        len(parts) > 2
        and parts[0] == "layers"
        and isinstance(parts[1], int)
        and parts[2] in LAYER_KINDS
        and parts[2] == _layer(raw, parts[1]).get("kind")
    ):
        del parts[2]
    return tuple(part for part in parts if isinstance(part, int) or _FIELD_NAME.match(part))


def _is_noise(
    loc: tuple[str | int, ...],
    error: ErrorDetails,
    cleaned: list[tuple[tuple[str | int, ...], ErrorDetails]],
) -> bool:
    if error["type"] not in _TYPE_MISMATCH:
        return False
    return any(
        other is not error and len(other_loc) > len(loc) and other_loc[: len(loc)] == loc
        for other_loc, other in cleaned
    )


def _message(raw: Mapping[str, Any], loc: tuple[str | int, ...], error: ErrorDetails) -> str:
    text = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "union_tag_not_found":
        text = f"kind is required: one of {', '.join(LAYER_KINDS)}"
    elif error["type"] == "union_tag_invalid":
        given = _layer(raw, loc[1]).get("kind") if len(loc) > 1 else None
        text = f"kind must be one of {', '.join(LAYER_KINDS)}, not {given!r}"
    if len(loc) < 2 or loc[0] != "layers" or not isinstance(loc[1], int):
        return text
    prefix = _layer_label(raw, loc[1])
    field = ".".join(str(part) for part in loc[2:])
    if not field or error["type"].startswith("union_tag"):
        return f"{prefix}: {text}"
    last = str(loc[-1]).replace("_", " ")
    if error["type"] == "value_error" and last in text:
        return f"{prefix}: {text}"  # the message names its field ("unknown font ...")
    if text.startswith("must "):
        return f"{prefix}: {field} {text}"
    return f"{prefix}: {field}: {text}"


def _layer(raw: Mapping[str, Any], index: int | str) -> Mapping[str, Any]:
    layers = raw.get("layers")
    if isinstance(index, int) and isinstance(layers, list) and 0 <= index < len(layers):
        layer = layers[index]
        if isinstance(layer, Mapping):
            return layer
    return {}


def _layer_label(raw: Mapping[str, Any], index: int) -> str:
    name = _layer(raw, index).get("name")
    return f"layer {index} ({name!r})" if isinstance(name, str) and name else f"layer {index}"
