"""Opaque keyset cursors: a page continues after the last id it returned."""

from __future__ import annotations

import base64
import binascii

from pinsmith.kit.errors import BadRequest

_PREFIX = "after:"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        return int(text.removeprefix(_PREFIX))
    except (ValueError, UnicodeError, binascii.Error):
        message = "Invalid cursor: use the one from the previous page's Link header"
        raise BadRequest(message) from None
