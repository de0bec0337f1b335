"""OAuth against the sandbox: the authorize page, the code exchange, refresh with rotation, the
one replay of a write refused for its token, and the refusals that need a reconnect."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from pinsmith.pinterest import (
    DEFAULT_SCOPES,
    BadRequest,
    ImageUrl,
    ReconnectRequired,
    TokenExpired,
    Unauthorized,
)
from tests.conftest import Clock
from tests.integration.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    START,
    Account,
    Host,
)

IMAGE = ImageUrl("https://images.example.com/pin.jpg")
PINS = "POST /v5/pins"


class ConsentForm(HTMLParser):
    """The fields of the authorize page's form, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.users: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.action = attributes.get("action") or ""
        name, value = attributes.get("name"), attributes.get("value") or ""
        if tag != "input" or name is None:
            return
        if name == "user_id":
            self.users.append(value)
        else:
            self.fields[name] = value


async def revoke(host: Host, token: str, hint: str) -> None:
    """Revoke a token at the sandbox's token endpoint, as the app's owner could."""
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    answer = await host.http.post(
        "/v5/oauth/token/revoke",
        data={"token": token, "token_type_hint": hint},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert answer.status_code == 200


async def test_a_person_allows_access_and_the_code_becomes_working_tokens(host: Host) -> None:
    alice = host.sandbox.add_user("alice")
    oauth = host.oauth()
    url = oauth.authorize_url(REDIRECT_URI, state="csrf-42")

    page = await host.http.get(url)
    form = ConsentForm()
    form.feed(page.text)
    decision = await host.http.post(
        form.action, data=form.fields | {"user_id": alice.id, "decision": "allow"}
    )
    location = urlsplit(decision.headers["location"])
    query = parse_qs(location.query)
    tokens = await oauth.exchange_code(query["code"][0], REDIRECT_URI)
    account = await host.client(tokens).get_user_account()

    assert page.status_code == 200
    assert form.action == urlsplit(url).path
    assert form.users == [alice.id]
    assert form.fields["scope"] == ",".join(DEFAULT_SCOPES)
    assert decision.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    assert query["state"] == ["csrf-42"]
    assert tokens.access_token.startswith("pina_")
    assert tokens.refresh_token is not None
    assert tokens.refresh_token.startswith("pinr_")
    assert tokens.scopes == DEFAULT_SCOPES
    assert tokens.expires_at == START + timedelta(days=30)
    assert tokens.refresh_token_expires_at == START + timedelta(days=60)
    assert (account.id, account.username) == (alice.id, "alice")


async def test_a_code_is_good_for_one_exchange(host: Host) -> None:
    alice = host.sandbox.add_user("alice")
    code = host.sandbox.create_authorization_code(CLIENT_ID, alice.id, REDIRECT_URI, ["pins:read"])
    oauth = host.oauth()

    await oauth.exchange_code(code.code, REDIRECT_URI)

    with pytest.raises(BadRequest, match="already used"):
        await oauth.exchange_code(code.code, REDIRECT_URI)


async def test_a_refresh_rotates_the_refresh_token(host: Host, alice: Account) -> None:
    old = alice.store.tokens
    assert old.refresh_token is not None
    oauth = host.oauth()
    host.clock.advance(days=1)

    fresh = await oauth.refresh(old.refresh_token)

    assert fresh.access_token != old.access_token
    assert fresh.refresh_token not in (None, old.refresh_token)
    assert fresh.expires_at == host.clock() + timedelta(days=30)
    assert fresh.scopes == old.scopes
    with pytest.raises(ReconnectRequired, match="revoked or already used"):
        await oauth.refresh(old.refresh_token)


async def test_a_token_about_to_expire_is_refreshed_before_the_call(
    host: Host, alice: Account
) -> None:
    old = alice.store.tokens
    assert old.refresh_token is not None
    host.clock.advance(days=30, minutes=-4)  # inside the client's 5-minute margin

    account = await alice.client.get_user_account()
    board = await alice.client.create_board("After the refresh")

    assert account.username == "alice"
    assert host.sandbox.board(board.id) is not None
    assert len(alice.store.saved) == 1  # refreshed once, for both calls
    fresh = alice.store.tokens
    assert fresh.access_token != old.access_token
    assert fresh.refresh_token not in (None, old.refresh_token)
    assert fresh.expires_at == host.clock() + timedelta(days=30)
    assert host.sandbox.state.access_tokens[fresh.access_token].expires_at == fresh.expires_at
    with pytest.raises(ReconnectRequired):
        await host.oauth().refresh(old.refresh_token)


async def test_concurrent_calls_share_one_refresh(host: Host, alice: Account) -> None:
    host.clock.advance(days=30, minutes=-1)
    board = host.sandbox.add_board(alice.user.id, "Board")

    answers = await asyncio.gather(
        *(alice.client.get_board(board.id) for _ in range(5)),
        alice.client.get_user_account(),
        alice.client.create_board("Meanwhile"),
    )

    assert [answer.id for answer in answers[:5]] == [board.id] * 5
    assert len(alice.store.saved) == 1  # a second refresh would have spent a used token


async def test_clients_that_refresh_at_once_through_one_store_both_go_on(
    host: Host, alice: Account
) -> None:
    """Two clients (two requests, or two workers) share a store but not a lock: the loser of the
    race is refused its spent refresh token, and takes the winner's tokens from the store."""
    host.clock.advance(days=30, minutes=-1)
    other = host.client(alice.store)

    mine, theirs = await asyncio.gather(alice.client.get_user_account(), other.get_user_account())

    assert mine == theirs
    assert len(alice.store.saved) >= 1
    final = alice.store.tokens
    assert await host.client(final).get_user_account() == mine


async def test_a_refresh_that_fails_for_a_moment_keeps_the_token_still_valid(
    host: Host, alice: Account
) -> None:
    old = alice.store.tokens
    host.clock.advance(days=30, minutes=-4)
    host.fault("POST /v5/oauth/token", status=503, times=1)

    first = await alice.client.get_user_account()
    second = await alice.client.get_user_account()

    assert first == second
    assert [tokens.access_token for tokens in alice.store.saved] == [
        alice.store.tokens.access_token
    ]
    assert alice.store.tokens.access_token != old.access_token


async def test_an_expired_token_is_refreshed_and_the_new_one_works(
    host: Host, alice: Account
) -> None:
    host.clock.advance(days=45)  # the access token is dead, the refresh token still good

    boards = await alice.client.list_boards()
    again = await alice.client.list_boards()

    assert boards == again == []
    assert len(alice.store.saved) == 1


async def test_a_write_refused_for_an_expired_token_is_replayed_once(host: Host) -> None:
    alice = host.sandbox.add_user("alice")
    board = host.sandbox.add_board(alice.id, "Board")
    store = host.sign_in(alice)
    old = store.tokens
    # The client's clock lags a month behind Pinterest's: it believes the token still good.
    client = host.client(store, clock=Clock(START))
    host.clock.advance(days=31)

    pin = await client.create_pin(board.id, media_source=IMAGE, title="Replayed")

    assert [p.id for p in host.sandbox.pins_on_board(board.id)] == [pin.id]
    assert pin.title == "Replayed"
    assert len(store.saved) == 1
    assert store.tokens.access_token != old.access_token
    assert store.tokens.refresh_token != old.refresh_token


async def test_a_write_refused_for_a_revoked_access_token_is_replayed_once(
    host: Host, alice: Account
) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    old = alice.store.tokens
    await revoke(host, old.access_token, "access_token")

    pin = await alice.client.create_pin(board.id, media_source=IMAGE, title="Once")

    assert [p.title for p in host.sandbox.pins_on_board(board.id)] == ["Once"]
    assert pin.board_id == board.id
    assert [tokens.access_token for tokens in alice.store.saved] == [
        alice.store.tokens.access_token
    ]
    assert alice.store.tokens.access_token != old.access_token


async def test_a_write_is_replayed_at_most_once(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    host.fault(PINS, status=401, code=1104, times=3)

    with pytest.raises(TokenExpired):
        await alice.client.create_pin(board.id, media_source=IMAGE)

    assert host.fired(PINS) == 2  # the first attempt and one replay
    assert host.sandbox.pins_on_board(board.id) == []
    assert len(alice.store.saved) == 1


async def test_a_401_that_a_refresh_cannot_cure_is_not_refreshed(
    host: Host, alice: Account
) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    host.fault(PINS, status=401, code=3, message="Missing scopes.")

    with pytest.raises(Unauthorized) as raised:
        await alice.client.create_pin(board.id, media_source=IMAGE)

    assert not isinstance(raised.value, TokenExpired)
    assert host.fired(PINS) == 1
    assert alice.store.saved == []


async def test_a_revoked_grant_needs_a_reconnect(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    before = alice.store.tokens
    assert before.refresh_token is not None
    await revoke(host, before.refresh_token, "refresh_token")

    with pytest.raises(ReconnectRequired) as raised:
        await alice.client.create_pin(board.id, media_source=IMAGE)

    assert raised.value.status == 400
    assert host.sandbox.pins_on_board(board.id) == []
    assert alice.store.saved == []
    assert alice.store.tokens == before


async def test_an_expired_refresh_token_needs_a_reconnect(host: Host, alice: Account) -> None:
    host.clock.advance(days=61)

    with pytest.raises(ReconnectRequired, match="expired"):
        await alice.client.get_user_account()

    assert alice.store.saved == []
