from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pinsmith.kit.schemas import Input, Output, RowId


class CollectionWrite(Input):
    name: str = Field(min_length=1, max_length=128)


class CollectionPinAdd(Input):
    pin_id: RowId


class Collection(Output):
    id: int
    name: str
    pin_count: int
    created_at: datetime
    updated_at: datetime


class CollectionDetail(Collection):
    pin_ids: list[int]
