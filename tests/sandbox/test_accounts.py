"""/v5/user_account: the account, followers, following, following a user; and /v5/search."""

from __future__ import annotations

import pytest

from pinsmith.sandbox import Sandbox
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import Account, account


async def test_the_account_of_the_token(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")
    sandbox.add_pin(board.id)

    response = await api.get("/v5/user_account", headers=alice.headers)

    assert response.json() | {"profile_image": ""} == {
        "account_type": "BUSINESS",
        "id": alice.user.id,
        "username": "alice",
        "profile_image": "",
        "website_url": "",
        "about": "",
        "business_name": "alice",
        "board_count": 1,
        "pin_count": 1,
        "follower_count": 0,
        "following_count": 0,
        "monthly_views": 0,
    }


async def test_a_pinner_account_has_no_business_name(api: PinterestApi, sandbox: Sandbox) -> None:
    pinner = sandbox.add_user(
        "pinner", account_type="PINNER", about="Hi", website_url="https://p.test"
    )
    tokens = sandbox.issue_tokens(pinner.id, "1484364")

    body = (await api.get("/v5/user_account", headers=tokens.headers)).json()

    assert (body["account_type"], body["business_name"], body["about"]) == ("PINNER", None, "Hi")


async def test_follow_a_user_then_list_followers_and_following(
    api: PinterestApi, sandbox: Sandbox, alice: Account, bob: Account
) -> None:
    followed = await api.post("/v5/user_account/following/bob", headers=alice.headers, json={})
    following = await api.get("/v5/user_account/following", headers=alice.headers)
    followers = await api.get("/v5/user_account/followers", headers=bob.headers)
    bob_account = await api.get("/v5/user_account", headers=bob.headers)

    assert followed.json() == {"type": "user", "username": "bob"}
    assert following.json() == {"items": [{"type": "user", "username": "bob"}], "bookmark": None}
    assert followers.json()["items"] == [{"type": "user", "username": "alice"}]
    assert bob_account.json()["follower_count"] == 1


async def test_following_nobody_or_oneself_is_refused(api: PinterestApi, alice: Account) -> None:
    nobody = await api.post("/v5/user_account/following/ghost", headers=alice.headers, json={})
    oneself = await api.post("/v5/user_account/following/alice", headers=alice.headers, json={})

    assert error_of(nobody) == (404, 30, "User not found.")
    assert error_of(oneself)[:2] == (400, 1)


async def test_followed_boards(
    api: PinterestApi, sandbox: Sandbox, alice: Account, bob: Account
) -> None:
    public = sandbox.add_board(bob.user.id, "Bob's public")
    secret = sandbox.add_board(bob.user.id, "Bob's secret", privacy="SECRET")
    sandbox.follow_board(alice.user.id, public.id)
    sandbox.follow_board(alice.user.id, secret.id)

    listed = await api.get("/v5/user_account/following/boards", headers=alice.headers)
    board = await api.get(f"/v5/boards/{public.id}", headers=bob.headers)

    assert [b["id"] for b in listed.json()["items"]] == [public.id]
    assert board.json()["follower_count"] == 1


async def test_search_the_users_boards_and_pins(
    api: PinterestApi, sandbox: Sandbox, alice: Account, bob: Account
) -> None:
    soups = sandbox.add_board(alice.user.id, "Winter Soups", "Warm bowls")
    sandbox.add_board(alice.user.id, "Garden")
    sandbox.add_board(bob.user.id, "Bob's soups")
    lentil = sandbox.add_pin(soups.id, title="Lentil soup")
    sandbox.add_pin(soups.id, title="Bread", description="Goes with SOUP")
    sandbox.add_pin(soups.id, title="Salad")

    boards = await api.get("/v5/search/boards", headers=alice.headers, params={"query": "soup"})
    everything = await api.get("/v5/search/boards", headers=alice.headers)
    pins = await api.get("/v5/search/pins", headers=alice.headers, params={"query": "soup"})
    no_query = await api.get("/v5/search/pins", headers=alice.headers, request="invalid")

    assert [b["name"] for b in boards.json()["items"]] == ["Winter Soups"]
    assert len(everything.json()["items"]) == 2
    assert [p["title"] for p in pins.json()["items"]] == ["Bread", lentil.title]
    assert error_of(no_query) == (400, 1, "Invalid parameters: query: Field required")


async def test_search_needs_the_secret_scopes(api: PinterestApi, sandbox: Sandbox) -> None:
    plain = account(sandbox, "plain", ("boards:read", "pins:read"))

    response = await api.get("/v5/search/boards", headers=plain.headers, params={"query": "x"})

    assert error_of(response)[:2] == (403, 3)


def test_usernames_are_unique_and_never_all_digits(sandbox: Sandbox) -> None:
    sandbox.add_user("alice")

    with pytest.raises(ValueError, match="taken"):
        sandbox.add_user("alice")
    with pytest.raises(ValueError, match="invalid"):
        sandbox.add_user("12345")
