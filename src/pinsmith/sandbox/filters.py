"""List-valued query parameters, which Pinterest takes repeated or comma-separated."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated

from fastapi import Query

from pinsmith.sandbox.entities import Pin
from pinsmith.sandbox.errors import SandboxError

CREATIVE_TYPES = (
    "REGULAR",
    "VIDEO",
    "SHOPPING",
    "CAROUSEL",
    "MAX_VIDEO",
    "SHOP_THE_PIN",
    "COLLECTION",
    "IDEA",
    "SHOWCASE",
    "QUIZ",
    "COLLAGE",
    "MAX_WIDTH_REGULAR_COLLECTION",
    "MAX_WIDTH_VIDEO_COLLECTION",
)

CreativeTypes = Annotated[list[str] | None, Query()]


def parse_list(field: str, values: Iterable[str] | None, allowed: Sequence[str]) -> list[str]:
    """``["A,B", "C"]`` -> ``["A", "B", "C"]``, each one of ``allowed`` (400 naming the field)."""
    items = [item.strip() for value in values or () for item in value.split(",") if item.strip()]
    for item in items:
        if item not in allowed:
            raise SandboxError.invalid(field, f"{item!r} is not one of {', '.join(allowed)}")
    return list(dict.fromkeys(items))


def keep_creative_types(pins: Iterable[Pin], creative_types: list[str] | None) -> list[Pin]:
    wanted = set(parse_list("creative_types", creative_types, CREATIVE_TYPES))
    return [pin for pin in pins if not wanted or pin.creative_type in wanted]
