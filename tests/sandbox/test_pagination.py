"""Bookmark pagination: walking long lists, page sizes, bookmarks that survive changes."""

from __future__ import annotations

from typing import Any

import pytest

from pinsmith.sandbox import Sandbox
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import Account


async def walk(api: PinterestApi, url: str, account: Account, **params: Any) -> list[list[str]]:
    """Every page's ids, following bookmarks until a null one."""
    pages: list[list[str]] = []
    bookmark: str | None = None
    while True:
        query = params | ({"bookmark": bookmark} if bookmark else {})
        response = await api.get(url, headers=account.headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        bookmark = body["bookmark"]
        if bookmark is None:
            return pages
        assert len(pages) < 100, "the bookmarks never end"


async def test_600_boards_walk_in_pages_of_250_without_gaps_or_repeats(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    boards = [sandbox.add_board(alice.user.id, f"Board {n}") for n in range(600)]

    pages = await walk(api, "/v5/boards", alice, page_size=250)

    assert [len(page) for page in pages] == [250, 250, 100]
    assert [board_id for page in pages for board_id in page] == [board.id for board in boards]


async def test_the_default_page_is_25(api: PinterestApi, sandbox: Sandbox, alice: Account) -> None:
    board = sandbox.add_board(alice.user.id, "Board")
    for _ in range(30):
        sandbox.add_pin(board.id)

    pages = await walk(api, f"/v5/boards/{board.id}/pins", alice)

    assert [len(page) for page in pages] == [25, 5]


async def test_an_exact_last_page_has_a_null_bookmark(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    for n in range(4):
        sandbox.add_board(alice.user.id, f"Board {n}")

    pages = await walk(api, "/v5/boards", alice, page_size=2)

    assert [len(page) for page in pages] == [2, 2]


async def test_pins_created_while_walking_neither_repeat_nor_shift(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")
    old = [sandbox.add_pin(board.id) for _ in range(4)]

    first = await api.get(
        f"/v5/boards/{board.id}/pins", headers=alice.headers, params={"page_size": 2}
    )
    sandbox.add_pin(board.id)  # newest first: it goes on a page already seen
    second = await api.get(
        f"/v5/boards/{board.id}/pins",
        headers=alice.headers,
        params={"page_size": 2, "bookmark": first.json()["bookmark"]},
    )

    seen = [pin["id"] for pin in first.json()["items"] + second.json()["items"]]
    assert seen == [pin.id for pin in reversed(old)]


@pytest.mark.parametrize("page_size", ["0", "251", "-1", "many"])
async def test_page_size_out_of_range_is_400(
    api: PinterestApi, alice: Account, page_size: str
) -> None:
    response = await api.get(
        "/v5/boards", headers=alice.headers, params={"page_size": page_size}, request="invalid"
    )

    status, code, message = error_of(response)
    assert (status, code) == (400, 1)
    assert "page_size" in message


async def test_a_forged_bookmark_is_400(api: PinterestApi, alice: Account) -> None:
    response = await api.get("/v5/pins", headers=alice.headers, params={"bookmark": "not-ours"})

    assert error_of(response)[:2] == (400, 1)
    assert "bookmark" in error_of(response)[2]


async def test_sections_and_media_lists_paginate_too(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")
    for n in range(5):
        sandbox.add_section(board.id, f"Section {n}")
    for _ in range(3):
        sandbox.register_media(alice.user.id)

    sections = await walk(api, f"/v5/boards/{board.id}/sections", alice, page_size=2)
    media = await api.get("/v5/media", headers=alice.headers, params={"page_size": 2})

    assert [len(page) for page in sections] == [2, 2, 1]
    assert len(media.json()["items"]) == 2
    assert media.json()["bookmark"] is not None
