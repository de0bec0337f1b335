"""Pinterest's bookmark pagination: ``{"items": [...], "bookmark": str | null}``.

A bookmark remembers the last id of the page, so items created or deleted while a client walks
the list neither repeat nor go missing (lists are ordered by id, ids only grow).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query

from pinsmith.sandbox.errors import SandboxError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 250
_PREFIX = "sandbox:after:"


@dataclass(frozen=True)
class PageRequest:
    bookmark: str | None
    page_size: int


async def page_request(
    bookmark: Annotated[str | None, Query()] = None,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> PageRequest:
    return PageRequest(bookmark, page_size)


async def bookmark_only(bookmark: Annotated[str | None, Query()] = None) -> PageRequest:
    """For the few lists whose spec has no ``page_size`` (``GET /v5/search/pins``)."""
    return PageRequest(bookmark, DEFAULT_PAGE_SIZE)


Paging = Annotated[PageRequest, Depends(page_request)]
BookmarkPaging = Annotated[PageRequest, Depends(bookmark_only)]


def encode_bookmark(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_bookmark(bookmark: str) -> int:
    try:
        padded = bookmark + "=" * (-len(bookmark) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        return int(text.removeprefix(_PREFIX))
    except (ValueError, UnicodeError, binascii.Error):
        raise SandboxError.invalid("bookmark", "not a bookmark this list returned") from None


def paginate(
    items: Sequence[T],
    page: PageRequest,
    render: Callable[[T], dict[str, Any]],
    *,
    newest_first: bool,
    id_of: Callable[[T], str] = lambda item: str(getattr(item, "id")),  # noqa: B009
) -> dict[str, Any]:
    """One page of ``items`` (already ordered by id, descending when ``newest_first``)."""
    if page.bookmark:
        after = decode_bookmark(page.bookmark)
        items = [
            item
            for item in items
            if (int(id_of(item)) < after if newest_first else int(id_of(item)) > after)
        ]
    chunk = items[: page.page_size]
    more = len(items) > page.page_size
    return {
        "items": [render(item) for item in chunk],
        "bookmark": encode_bookmark(id_of(chunk[-1])) if more and chunk else None,
    }
