"""Token refresh in API calls: ahead of expiry, after a 401, with rotation, and when refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from pinsmith.pinterest import (
    PinterestClient,
    PinterestTimeout,
    ReconnectRequired,
    TokenExpired,
    TokenSet,
    Unauthorized,
)
from tests.conftest import Clock
from tests.pinterest.conftest import APP, NOW, RecordingStore, token_set
from tests.pinterest.fake import Answer, FakePinterest, error, ok

ACCOUNT = ok({"id": "5550001", "username": "alice_pins"})
EXPIRED = error(401, 2, "Authentication failed.")
TOKEN_PATH = "/v5/oauth/token"


async def test_a_token_about_to_expire_is_refreshed_before_the_call(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore, fixed_clock: Clock
) -> None:
    store.tokens = token_set(expires_at=NOW + timedelta(minutes=4))
    fake.route("GET", "/v5/user_account", ACCOUNT)

    await client.get_user_account()

    assert fake.token_endpoint.refreshes_seen == ["pinr.initial"]
    assert fake.bearer_tokens("GET", "/v5/user_account") == ["pina.issued1"]
    assert [t.refresh_token for t in store.saved] == ["pinr.issued1"]
    assert store.tokens.expires_at == fixed_clock() + timedelta(seconds=2_592_000)


async def test_a_token_with_time_left_is_used_as_is(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore
) -> None:
    store.tokens = token_set(expires_at=NOW + timedelta(minutes=6))
    fake.route("GET", "/v5/user_account", ACCOUNT)

    await client.get_user_account()

    assert fake.count("POST", TOKEN_PATH) == 0
    assert store.saved == []


@pytest.mark.parametrize("code", [2, 1104])
async def test_a_read_refused_for_its_token_is_refreshed_and_sent_again(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore, code: int
) -> None:
    fake.route("GET", "/v5/user_account", error(401, code, "Token expired."), ACCOUNT)

    account = await client.get_user_account()

    assert account.username == "alice_pins"
    assert fake.bearer_tokens("GET", "/v5/user_account") == ["pina.initial", "pina.issued1"]
    assert store.tokens.refresh_token == "pinr.issued1"


async def test_rotation_never_sends_an_old_refresh_token_again(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore, fixed_clock: Clock
) -> None:
    """The fake accepts each refresh token once, as a rotating server would."""
    fake.route("GET", "/v5/user_account", ACCOUNT)

    for _ in range(3):
        store.tokens = store.tokens.model_copy(update={"expires_at": fixed_clock()})
        await client.get_user_account()

    assert fake.token_endpoint.refreshes_seen == ["pinr.initial", "pinr.issued1", "pinr.issued2"]
    assert [t.refresh_token for t in store.saved] == [
        "pinr.issued1",
        "pinr.issued2",
        "pinr.issued3",
    ]
    assert fake.bearer_tokens("GET", "/v5/user_account") == [
        "pina.issued1",
        "pina.issued2",
        "pina.issued3",
    ]


async def test_concurrent_calls_with_an_expired_token_refresh_once(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore
) -> None:
    fake.route("GET", "/v5/user_account", answer_expired_for_initial_token)

    await asyncio.gather(*(client.get_user_account() for _ in range(5)))

    assert fake.token_endpoint.refreshes_seen == ["pinr.initial"]
    assert len(store.saved) == 1


async def test_a_refused_refresh_raises_reconnect_required_and_wipes_nothing(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore
) -> None:
    fake.token_endpoint.refusal = error(400, 1, "Refresh token expired.")
    fake.route("GET", "/v5/user_account", EXPIRED)
    before = store.tokens

    with pytest.raises(ReconnectRequired, match="Refresh token expired"):
        await client.get_user_account()

    assert store.tokens == before
    assert store.saved == []
    assert fake.count("GET", "/v5/user_account") == 1
    assert fake.count("POST", TOKEN_PATH) == 1


async def test_a_refused_refresh_ahead_of_expiry_raises_reconnect_required(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore
) -> None:
    store.tokens = token_set(expires_at=NOW + timedelta(minutes=1))
    fake.token_endpoint.refusal = error(401, 2, "Authentication failed.")

    with pytest.raises(ReconnectRequired):
        await client.get_user_account()

    assert fake.count("GET", "/v5/user_account") == 0


async def test_without_a_refresh_token_the_account_must_reconnect(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore
) -> None:
    store.tokens = token_set(refresh_token=None, expires_at=NOW)

    with pytest.raises(ReconnectRequired, match="No refresh token"):
        await client.get_user_account()

    assert fake.requests == []


async def test_an_early_refresh_that_fails_uses_the_still_valid_token(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore
) -> None:
    store.tokens = token_set(expires_at=NOW + timedelta(minutes=2))
    fake.token_endpoint.refusal = error(500, 500, "Internal error.")
    fake.route("GET", "/v5/user_account", ACCOUNT)

    await client.get_user_account()

    assert fake.bearer_tokens("GET", "/v5/user_account") == ["pina.initial"]
    assert store.saved == []


async def test_a_failed_refresh_of_an_expired_token_raises(
    client: PinterestClient, fake: FakePinterest, store: RecordingStore, fixed_clock: Clock
) -> None:
    """The read is retried as a whole; every attempt's refresh times out."""
    store.tokens = token_set(expires_at=NOW - timedelta(seconds=1))
    fake.route("POST", TOKEN_PATH, httpx.ConnectTimeout("down"))

    with pytest.raises(PinterestTimeout):
        await client.get_user_account()

    assert fake.count("GET", "/v5/user_account") == 0
    assert fake.count("POST", TOKEN_PATH) == 4


async def test_a_401_a_new_token_cannot_cure_is_not_refreshed(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("GET", "/v5/user_account", error(401, 3, "Token lacks the required scopes."))

    with pytest.raises(Unauthorized) as raised:
        await client.get_user_account()

    assert not isinstance(raised.value, TokenExpired)
    assert fake.count("POST", TOKEN_PATH) == 0
    assert fake.count("GET", "/v5/user_account") == 1


class RefreshedElsewhereStore(RecordingStore):
    """Hands out the old set once; by the next read another worker has refreshed and saved."""

    def __init__(self) -> None:
        super().__init__(token_set())
        self.reads = 0

    async def current(self) -> TokenSet:
        self.reads += 1
        if self.reads == 1:
            return token_set()
        return token_set(access_token="pina.elsewhere", refresh_token="pinr.elsewhere")


async def test_a_token_refreshed_elsewhere_is_used_without_refreshing_again(
    http: httpx.AsyncClient, fake: FakePinterest
) -> None:
    client = PinterestClient(RefreshedElsewhereStore(), APP, http=http, clock=Clock(NOW))
    fake.route("GET", "/v5/user_account", answer_expired_for_initial_token)

    await client.get_user_account()

    assert fake.bearer_tokens("GET", "/v5/user_account") == ["pina.initial", "pina.elsewhere"]
    assert fake.count("POST", TOKEN_PATH) == 0


def answer_expired_for_initial_token(request: httpx.Request) -> Answer:
    return EXPIRED if request.headers["Authorization"] == "Bearer pina.initial" else ACCOUNT
