"""JSON for long listings, straight from database rows.

Pydantic validating and dumping hundreds of rows costs more than the query; listings select
exactly the fields of their response schema and are encoded here in one pass. UTC datetimes come
out as ``...Z``, exactly as pydantic writes them, so a listed item equals the same item fetched
alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import Response
from sqlalchemy import Row

_OPTIONS = orjson.OPT_UTC_Z


def rows_response(rows: Sequence[Row[Any]], *, headers: dict[str, str] | None = None) -> Response:
    keys = rows[0]._fields if rows else ()
    body = orjson.dumps([dict(zip(keys, row, strict=True)) for row in rows], option=_OPTIONS)
    return Response(body, media_type="application/json", headers=headers)
