"""/v5/boards and their sections: CRUD, privacy, ownership, and the pins listed on them."""

from __future__ import annotations

import pytest
from openapi_core.validation.response.exceptions import InvalidData

from pinsmith.sandbox import Sandbox
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import Account, account

BOARD_NOT_FOUND = (404, 40, "Board not found.")
SECTION_NOT_FOUND = (404, 2031, "Sorry! We couldn't find this board section.")


async def test_create_then_get_a_board(api: PinterestApi, alice: Account) -> None:
    created = await api.post(
        "/v5/boards",
        headers=alice.headers,
        json={
            "name": "Slow Cooker Recipes",
            "description": "Weeknight dinners",
            "privacy": "PUBLIC",
        },
    )

    assert created.status_code == 201
    board = created.json()
    assert board["id"].isdigit()
    assert board["name"] == "Slow Cooker Recipes"
    assert board["owner"] == {"username": "alice"}
    assert board["created_at"] == "2026-05-01T12:00:00Z"
    assert board["pin_count"] == 0
    fetched = await api.get(f"/v5/boards/{board['id']}", headers=alice.headers)
    assert fetched.json() == board


async def test_ads_only_board_becomes_protected(api: PinterestApi, alice: Account) -> None:
    created = await api.post(
        "/v5/boards", headers=alice.headers, json={"name": "Promo", "is_ads_only": True}
    )

    assert created.json()["name"] == "Ad-only Pins"
    assert created.json()["privacy"] == "PROTECTED"


async def test_invalid_board_bodies_are_400_code_1(api: PinterestApi, alice: Account) -> None:
    no_name = await api.post("/v5/boards", headers=alice.headers, json={}, request="invalid")
    bad_privacy = await api.post(
        "/v5/boards",
        headers=alice.headers,
        json={"name": "x", "privacy": "FRIENDS"},
        request="invalid",
    )
    not_json = await api.post(
        "/v5/boards",
        headers=alice.headers | {"Content-Type": "application/json"},
        content=b"{name",
        request="invalid",
    )

    assert error_of(no_name) == (400, 1, "Invalid parameters: name: Field required")
    status, code, message = error_of(bad_privacy)
    assert (status, code) == (400, 1)
    assert message.startswith("Invalid parameters: privacy:")
    assert error_of(not_json)[:2] == (400, 1)


async def test_update_a_board(api: PinterestApi, sandbox: Sandbox, alice: Account) -> None:
    board = sandbox.add_board(alice.user.id, "Old name", "Old description")

    updated = await api.patch(
        f"/v5/boards/{board.id}",
        headers=alice.headers,
        json={"name": "New name", "description": None, "privacy": "SECRET"},
    )

    assert updated.status_code == 200
    body = updated.json()
    assert (body["name"], body["description"], body["privacy"]) == ("New name", None, "SECRET")


async def test_update_privacy_can_only_be_public_or_secret(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")

    response = await api.patch(
        f"/v5/boards/{board.id}",
        headers=alice.headers,
        json={"privacy": "PROTECTED"},
        request="invalid",
    )

    assert error_of(response)[:2] == (400, 1)
    assert sandbox.board(board.id) is not None
    assert sandbox.board(board.id).privacy == "PUBLIC"  # type: ignore[union-attr]


async def test_renaming_a_protected_board_keeps_it_protected(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Ads", privacy="PROTECTED")

    # Checked by hand below instead of by ``api.patch``: see the spec quirk.
    response = await api.http.patch(
        f"/v5/boards/{board.id}", headers=alice.headers, json={"name": "Ads 2"}
    )

    assert response.json()["privacy"] == "PROTECTED"
    api.check_request(response.request, "valid")
    # Spec quirk: PATCH answers ``BoardWithUpdatePrivacy``, whose privacy enum (PUBLIC|SECRET) is
    # the one of the update *request*, so a protected board's true answer cannot match it...
    with pytest.raises(InvalidData) as raised:
        api.check_response(response)
    schema_errors = raised.value.__cause__.schema_errors  # type: ignore[union-attr]
    assert [error.message for error in schema_errors] == [
        "'PROTECTED' is not one of ['PUBLIC', 'SECRET']"
    ]
    # ...so this one body is validated as the Board it is (GET /v5/boards/{id}), all fields.
    api.check_response(response, method="get")


async def test_delete_a_board_with_its_sections_and_pins(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Doomed")
    section = sandbox.add_section(board.id, "Part")
    sandbox.add_pin(board.id, section_id=section.id)

    deleted = await api.delete(f"/v5/boards/{board.id}", headers=alice.headers)
    again = await api.get(f"/v5/boards/{board.id}", headers=alice.headers)

    assert deleted.status_code == 204
    assert error_of(again) == BOARD_NOT_FOUND
    assert sandbox.section(section.id) is None
    assert sandbox.pins_on_board(board.id) == []


async def test_another_users_board_is_not_found(
    api: PinterestApi, sandbox: Sandbox, alice: Account, bob: Account
) -> None:
    board = sandbox.add_board(bob.user.id, "Bob's")

    answers = [
        await api.get(f"/v5/boards/{board.id}", headers=alice.headers),
        await api.patch(f"/v5/boards/{board.id}", headers=alice.headers, json={"name": "Mine"}),
        await api.delete(f"/v5/boards/{board.id}", headers=alice.headers),
        await api.get(f"/v5/boards/{board.id}/pins", headers=alice.headers),
        await api.get(f"/v5/boards/{board.id}/sections", headers=alice.headers),
        await api.post(
            f"/v5/boards/{board.id}/sections", headers=alice.headers, json={"name": "S"}
        ),
        await api.get("/v5/boards/999/pins", headers=alice.headers),
    ]

    assert [error_of(answer) for answer in answers] == [BOARD_NOT_FOUND] * len(answers)
    assert sandbox.board(board.id) is not None


async def test_secret_boards_need_the_secret_scopes(api: PinterestApi, sandbox: Sandbox) -> None:
    plain = account(sandbox, "plain", ("boards:read", "boards:write", "pins:read"))
    public = sandbox.add_board(plain.user.id, "Public")
    secret = sandbox.add_board(plain.user.id, "Secret", privacy="SECRET")

    listed = await api.get("/v5/boards", headers=plain.headers)
    fetched = await api.get(f"/v5/boards/{secret.id}", headers=plain.headers)
    made = await api.post(
        "/v5/boards", headers=plain.headers, json={"name": "Hidden", "privacy": "SECRET"}
    )

    assert [board["id"] for board in listed.json()["items"]] == [public.id]
    assert error_of(fetched) == BOARD_NOT_FOUND
    assert error_of(made)[:2] == (403, 3)


async def test_list_boards_by_privacy(api: PinterestApi, sandbox: Sandbox, alice: Account) -> None:
    public = sandbox.add_board(alice.user.id, "Public")
    protected = sandbox.add_board(alice.user.id, "Protected", privacy="PROTECTED")
    secret = sandbox.add_board(alice.user.id, "Secret", privacy="SECRET")

    async def ids(privacy: str | None) -> list[str]:
        params = {"privacy": privacy} if privacy else {}
        response = await api.get("/v5/boards", headers=alice.headers, params=params)
        return [board["id"] for board in response.json()["items"]]

    assert await ids(None) == [public.id, protected.id, secret.id]
    assert await ids("PROTECTED") == [protected.id]
    assert await ids("PUBLIC_AND_SECRET") == [public.id, secret.id]


async def test_board_shows_its_pin_count_and_cover(
    api: PinterestApi, sandbox: Sandbox, alice: Account, clock: Clock
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")
    sandbox.add_pin(board.id, image_url="https://images.example.com/old.jpg")
    clock.advance(minutes=5)
    sandbox.add_pin(board.id, image_url="https://images.example.com/new.jpg")

    body = (await api.get(f"/v5/boards/{board.id}", headers=alice.headers)).json()

    assert body["pin_count"] == 2
    assert body["media"]["image_cover_url"] == "https://images.example.com/new.jpg"
    assert len(body["media"]["pin_thumbnail_urls"]) == 2
    assert body["board_pins_modified_at"] == "2026-05-01T12:05:00Z"


async def test_board_pins_are_listed_newest_first(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")
    pins = [sandbox.add_pin(board.id, title=f"Pin {n}") for n in range(3)]

    listed = await api.get(f"/v5/boards/{board.id}/pins", headers=alice.headers)

    assert [pin["id"] for pin in listed.json()["items"]] == [pin.id for pin in reversed(pins)]
    assert listed.json()["bookmark"] is None


async def test_sections_create_list_rename_delete(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")

    created = await api.post(
        f"/v5/boards/{board.id}/sections", headers=alice.headers, json={"name": "Mains"}
    )
    section_id = created.json()["id"]
    renamed = await api.patch(
        f"/v5/boards/{board.id}/sections/{section_id}",
        headers=alice.headers,
        json={"name": "Main courses"},
    )
    listed = await api.get(f"/v5/boards/{board.id}/sections", headers=alice.headers)
    deleted = await api.delete(
        f"/v5/boards/{board.id}/sections/{section_id}", headers=alice.headers
    )

    assert created.status_code == 201
    assert created.json() == {"id": section_id, "name": "Mains"}
    assert renamed.json() == {"id": section_id, "name": "Main courses"}
    assert listed.json() == {
        "items": [{"id": section_id, "name": "Main courses"}],
        "bookmark": None,
    }
    assert deleted.status_code == 204
    assert sandbox.sections_of(board.id) == []


async def test_section_names_are_1_to_180_characters(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")

    empty = await api.post(
        f"/v5/boards/{board.id}/sections",
        headers=alice.headers,
        json={"name": ""},
        request="invalid",
    )
    long = await api.post(
        f"/v5/boards/{board.id}/sections",
        headers=alice.headers,
        json={"name": "x" * 181},
        request="invalid",
    )
    longest = await api.post(
        f"/v5/boards/{board.id}/sections", headers=alice.headers, json={"name": "x" * 180}
    )

    assert error_of(empty)[:2] == (400, 1)
    assert "name" in error_of(long)[2]
    assert longest.status_code == 201


async def test_section_pins_and_unknown_sections(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")
    other_board = sandbox.add_board(alice.user.id, "Other")
    section = sandbox.add_section(board.id, "Part")
    foreign = sandbox.add_section(other_board.id, "Elsewhere")
    inside = sandbox.add_pin(board.id, section_id=section.id)
    sandbox.add_pin(board.id)

    listed = await api.get(
        f"/v5/boards/{board.id}/sections/{section.id}/pins", headers=alice.headers
    )
    unknown = await api.get(f"/v5/boards/{board.id}/sections/123/pins", headers=alice.headers)
    wrong_board = await api.get(
        f"/v5/boards/{board.id}/sections/{foreign.id}/pins", headers=alice.headers
    )
    rename_unknown = await api.patch(
        f"/v5/boards/{board.id}/sections/123", headers=alice.headers, json={"name": "x"}
    )

    assert [pin["id"] for pin in listed.json()["items"]] == [inside.id]
    assert listed.json()["items"][0]["board_section_id"] == section.id
    assert error_of(unknown) == SECTION_NOT_FOUND
    assert error_of(wrong_board) == SECTION_NOT_FOUND
    assert error_of(rename_unknown) == SECTION_NOT_FOUND


async def test_ids_in_paths_must_be_digits(api: PinterestApi, alice: Account) -> None:
    response = await api.get("/v5/boards/abc", headers=alice.headers, request="invalid")

    status, code, message = error_of(response)
    assert (status, code) == (400, 1)
    assert "board_id" in message
