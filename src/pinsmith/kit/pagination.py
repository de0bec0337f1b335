"""Opaque keyset cursors: a page continues after the last id it returned."""

from __future__ import annotations

import base64
import binascii

from pinsmith.kit.errors import BadRequest
from pinsmith.kit.schemas import MAX_ROW_ID

_PREFIX = "after:"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        last_id = int(text.removeprefix(_PREFIX))
        if not 0 <= last_id <= MAX_ROW_ID:  # not one of ours: the database would refuse it
            raise ValueError(text)
        return last_id
    except (ValueError, UnicodeError, binascii.Error):
        message = "Invalid cursor: use the one from the previous page's Link header"
        raise BadRequest(message) from None
