"""A profile with many boards not embedded yet: the lexical ranker answers at once while the
semantic ranker reads the boards in the background, then the semantic ranker takes over."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from pinsmith.boards.selection_service import EMBEDDED_IN_REQUEST, BoardSelector
from pinsmith.sandbox import Sandbox
from tests.boards.accounts import TACOS, growth_pinner
from tests.conftest import Clock, Factory

pytestmark = pytest.mark.db

TOPICS = (
    "Slow Cooker Recipes",
    "Bathroom Makeover",
    "Running for Beginners",
    "Watercolor Painting",
    "Garden Planning",
    "Budget Travel",
    "Dog Training",
    "Wedding Flowers",
    "Home Office Setup",
    "Knitting Patterns",
    "Kids Crafts",
    "Meal Prep",
)


async def test_a_large_new_profile_is_ranked_lexically_until_its_boards_are_embedded(
    sandboxed_app: FastAPI,
    sandboxed_client: AsyncClient,
    pinterest_sandbox: Sandbox,
    factory: Factory,
    clock: Clock,
) -> None:
    rosa = await growth_pinner(factory, pinterest_sandbox, "rosa_warm_up")
    # Descriptions no other test uses: the embedded boards are cached per process by content.
    run = uuid.uuid4().hex
    for topic in TOPICS:
        pinterest_sandbox.add_board(rosa.account.id, topic, f"{topic} ideas ({run})")
    assert len(TOPICS) > EMBEDDED_IN_REQUEST
    selector: BoardSelector = sandboxed_app.state.board_selector

    first = await sandboxed_client.post("/boards/suggest", json=TACOS, headers=rosa.headers)

    assert first.status_code == 200, first.text
    body = first.json()
    assert body["ranker"] == "lexical"
    assert any("still reading" in note for note in body["notes"])
    assert body["boards"][0]["name"] == "Slow Cooker Recipes"
    (warming,) = selector.warming.values()
    warming.join(timeout=120)
    assert not warming.is_alive()

    second = await sandboxed_client.post("/boards/suggest", json=TACOS, headers=rosa.headers)

    assert second.status_code == 200, second.text
    assert second.json()["ranker"] == "semantic"
    assert second.json()["notes"] == []
    assert second.json()["boards"][0]["name"] == "Slow Cooker Recipes"
