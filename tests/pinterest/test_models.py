"""Parsing: Pinterest's answers become typed, UTC-aware models; tokens never show in logs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from pinsmith.pinterest import Board, MemoryTokenStore, Pin, TokenSet
from tests.pinterest.conftest import NOW, token_set


def test_a_timestamp_without_offset_is_utc() -> None:
    """Pinterest's own examples send ``2025-01-15T10:30:00``."""
    found = Pin.model_validate({"id": "1", "created_at": "2025-01-15T10:30:00"})

    assert found.created_at == datetime(2025, 1, 15, 10, 30, tzinfo=UTC)


def test_a_timestamp_with_an_offset_becomes_utc() -> None:
    found = Board.model_validate(
        {"id": "1", "name": "b", "created_at": "2025-01-15T12:30:00+02:00"}
    )

    assert found.created_at == datetime(2025, 1, 15, 10, 30, tzinfo=UTC)
    assert found.created_at is not None
    assert found.created_at.tzinfo is UTC


def test_unknown_fields_are_ignored() -> None:
    found = Board.model_validate({"id": "1", "name": "b", "brand_new_field": {"x": 1}})

    assert found.privacy == "PUBLIC"
    assert not hasattr(found, "brand_new_field")


def test_token_times_are_kept_in_utc() -> None:
    paris = timezone(timedelta(hours=2))

    tokens = token_set(expires_at=datetime(2026, 5, 1, 14, 0, tzinfo=paris))

    assert tokens.expires_at == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert tokens.expires_at.tzinfo is UTC


def test_token_times_must_be_aware() -> None:
    with pytest.raises(ValidationError):
        token_set(expires_at=datetime(2026, 5, 1, 12, 0))


def test_tokens_stay_out_of_repr() -> None:
    text = repr(token_set(access_token="pina.SECRET", refresh_token="pinr.SECRET"))

    assert "SECRET" not in text
    assert "expires_at" in text


def test_a_token_set_survives_json_for_encrypted_storage() -> None:
    tokens = token_set()

    assert TokenSet.model_validate_json(tokens.model_dump_json()) == tokens


def test_expiry_checks() -> None:
    tokens = token_set(expires_at=NOW + timedelta(minutes=5))

    assert tokens.expires_within(timedelta(minutes=5), now=NOW)
    assert not tokens.expires_within(timedelta(minutes=4), now=NOW)
    assert not tokens.is_expired(now=NOW)
    assert tokens.is_expired(now=NOW + timedelta(minutes=5))


async def test_the_memory_store_keeps_what_it_is_given() -> None:
    store = MemoryTokenStore(token_set())

    await store.save(token_set(access_token="pina.next"))

    assert (await store.current()).access_token == "pina.next"
