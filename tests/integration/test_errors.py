"""Each typed error, caused the way the sandbox causes it (its fault API where nothing else can)."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from pinsmith.pinterest import (
    DEFAULT_SCOPES,
    BadRequest,
    BoardNotFound,
    Conflict,
    ImageUrl,
    MemoryTokenStore,
    NotFound,
    NotPermitted,
    PinNotFound,
    PinterestClient,
    PinterestTimeout,
    RateLimited,
    SectionNotFound,
    ServerError,
    TokenSet,
    UserNotFound,
)
from tests.conftest import Clock
from tests.integration.conftest import APP, START, Account, Host

IMAGE = ImageUrl("https://images.example.com/pin.jpg")


async def test_a_missing_board_is_board_not_found(alice: Account) -> None:
    with pytest.raises(BoardNotFound) as raised:
        await alice.client.get_board("12345")

    assert (raised.value.status, raised.value.code) == (404, 40)


async def test_a_missing_pin_is_pin_not_found(alice: Account) -> None:
    with pytest.raises(PinNotFound) as raised:
        await alice.client.delete_pin("12345")

    assert (raised.value.status, raised.value.code) == (404, 50)


async def test_a_missing_section_is_section_not_found(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")

    with pytest.raises(SectionNotFound) as raised:
        await alice.client.list_board_pins(board.id, section_id="12345")

    assert (raised.value.status, raised.value.code) == (404, 2031)


async def test_a_missing_media_is_not_found(alice: Account) -> None:
    with pytest.raises(NotFound) as raised:
        await alice.client.get_media("12345")

    assert type(raised.value) is NotFound


async def test_a_missing_user_is_user_not_found(alice: Account) -> None:
    with pytest.raises(UserNotFound) as raised:
        await alice.client.follow_user("nobody_here")

    assert (raised.value.status, raised.value.code) == (404, 30)


async def test_another_users_boards_and_pins_are_not_found(
    host: Host, alice: Account, bob: Account
) -> None:
    secret = host.sandbox.add_board(bob.user.id, "Surprise party", privacy="SECRET")
    public = host.sandbox.add_board(bob.user.id, "Bikes")
    pin = host.sandbox.add_pin(public.id, title="Fixie")

    with pytest.raises(BoardNotFound):
        await alice.client.get_board(secret.id)
    with pytest.raises(BoardNotFound):
        await alice.client.delete_board(public.id)
    with pytest.raises(PinNotFound):
        await alice.client.update_pin(pin.id, title="Mine now")
    with pytest.raises(BadRequest, match="board_id"):
        await alice.client.create_pin(secret.id, media_source=IMAGE)

    assert host.sandbox.board(public.id) is not None
    assert [p.title for p in host.sandbox.pins_on_board(public.id)] == ["Fixie"]
    assert host.sandbox.pins_on_board(secret.id) == []


async def test_a_missing_scope_is_not_permitted(host: Host) -> None:
    erin = host.account("erin", scopes=DEFAULT_SCOPES)  # no user_accounts:write
    host.sandbox.add_user("frank")

    with pytest.raises(NotPermitted) as raised:
        await erin.client.follow_user("frank")

    assert (raised.value.status, raised.value.code) == (403, 3)
    assert host.sandbox.following_of(erin.user.id) == []


async def test_a_secret_board_without_the_secret_scope_is_not_permitted(host: Host) -> None:
    scopes = ("boards:read", "boards:write", "user_accounts:read")
    gina = host.account("gina", scopes=scopes)

    with pytest.raises(NotPermitted, match="boards:write_secret"):
        await gina.client.create_board("Hidden", privacy="SECRET")

    assert host.sandbox.boards_of(gina.user.id) == []


async def test_an_upload_after_its_policy_expired_is_not_permitted(
    host: Host, alice: Account
) -> None:
    upload = await alice.client.register_video()
    host.clock.advance(hours=2)

    with pytest.raises(NotPermitted, match="Policy expired") as raised:
        await alice.client.upload_video(upload, b"\x00\x00\x00\x18ftypmp42", "clip.mp4")

    assert raised.value.status == 403
    assert (await alice.client.get_media(upload.media_id)).status == "registered"


async def test_an_invalid_field_is_a_bad_request(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")

    with pytest.raises(BadRequest, match="title") as raised:
        await alice.client.create_pin(board.id, media_source=IMAGE, title="x" * 101)

    assert (raised.value.status, raised.value.code) == (400, 1)
    assert host.sandbox.pins_on_board(board.id) == []


async def test_analytics_too_far_back_are_a_bad_request(host: Host, alice: Account) -> None:
    today = host.clock.now.date()

    with pytest.raises(BadRequest, match="90 days"):
        await alice.client.account_analytics(today - timedelta(days=91), today)


async def test_a_conflict_is_conflict(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    host.fault("POST /v5/boards/{board_id}/sections", status=409)

    with pytest.raises(Conflict):
        await alice.client.create_section(board.id, "Busy")

    assert host.sandbox.sections_of(board.id) == []


@pytest.mark.parametrize("sandbox_settings", [{"rate_limits": {"org_write": 2}}])
async def test_an_exhausted_write_limit_is_rate_limited_until_the_window_resets(
    host: Host, alice: Account
) -> None:
    await alice.client.create_board("One")
    host.clock.advance(seconds=15)
    await alice.client.create_board("Two")

    with pytest.raises(RateLimited) as raised:
        await alice.client.create_board("Three")

    limited = raised.value
    assert (limited.status, limited.code, limited.is_spam_block) == (429, 8, False)
    assert limited.reset_at == host.clock() + timedelta(seconds=45)
    host.clock.now = limited.reset_at
    await alice.client.create_board("Three")
    names = [board.name for board in host.sandbox.boards_of(alice.user.id)]
    assert names == ["One", "Two", "Three"]


@pytest.mark.parametrize(
    "sandbox_settings", [{"rate_limits": {"org_read": 1}, "rate_limit_window": 3600}]
)
async def test_a_read_over_a_long_limit_gives_up_at_once(host: Host, alice: Account) -> None:
    await alice.client.get_user_account()

    with pytest.raises(RateLimited) as raised:
        await alice.client.list_boards()

    assert raised.value.reset_at == host.clock() + timedelta(hours=1)


async def test_a_spam_block_is_rate_limited_and_marked(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    host.fault("POST /v5/pins", "spam_block")

    with pytest.raises(RateLimited) as raised:
        await alice.client.create_pin(board.id, media_source=IMAGE)

    assert raised.value.is_spam_block
    assert "spam" in raised.value.message
    assert host.sandbox.pins_on_board(board.id) == []


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_5xx_is_a_server_error(host: Host, alice: Account, status: int) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    host.fault("PATCH /v5/boards/{board_id}", status=status)

    with pytest.raises(ServerError) as raised:
        await alice.client.update_board(board.id, name="Renamed")

    assert raised.value.status == status
    stored = host.sandbox.board(board.id)
    assert stored is not None
    assert stored.name == "Board"


# A dropped answer (PinterestTimeout that reached Pinterest): see test_retries.py.


async def test_a_closed_port_is_a_timeout_that_never_reached_pinterest() -> None:
    with socket.socket() as probe:  # a loopback port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tokens = TokenSet(access_token="pina_unused", expires_at=START + timedelta(days=1))
    api_url = f"http://127.0.0.1:{port}/v5"
    async with PinterestClient(
        MemoryTokenStore(tokens), APP, api_url=api_url, clock=Clock(START)
    ) as client:
        with pytest.raises(PinterestTimeout) as raised:
            await client.create_board("Never sent")

    assert not raised.value.reached_pinterest
