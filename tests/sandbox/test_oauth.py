"""POST /v5/oauth/token and /v5/oauth/token/revoke: codes, rotation, client auth, revocation."""

from __future__ import annotations

from datetime import timedelta

from pinsmith.sandbox import Sandbox
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi, error_of, form
from tests.sandbox.conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, Account

APP = (CLIENT_ID, CLIENT_SECRET)
SCOPES = ["boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read"]


def code_for(sandbox: Sandbox, user_id: str, scopes: list[str] = SCOPES) -> str:
    return sandbox.create_authorization_code(CLIENT_ID, user_id, REDIRECT_URI, scopes).code


async def exchange(api: PinterestApi, code: str, **overrides: object) -> dict[str, object]:
    fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    response = await api.post("/v5/oauth/token", auth=APP, **form(**(fields | overrides)))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_code_exchange_answers_pinterest_token_response(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    body = await exchange(api, code_for(sandbox, alice.user.id))

    assert str(body["access_token"]).startswith("pina")
    assert str(body["refresh_token"]).startswith("pinr")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 24 * 3600
    assert body["refresh_token_expires_in"] == 60 * 24 * 3600
    assert body["scope"] == ",".join(SCOPES)
    assert body["response_type"] == "authorization_code"
    expires_at = int(sandbox.now().timestamp()) + 60 * 24 * 3600
    assert body["refresh_token_expires_at"] == expires_at
    me = await api.get(
        "/v5/user_account", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["username"] == "alice"


async def test_a_code_works_once(api: PinterestApi, sandbox: Sandbox, alice: Account) -> None:
    code = code_for(sandbox, alice.user.id)
    await exchange(api, code)

    again = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI),
    )

    status, pinterest_code, message = error_of(again)
    assert (status, pinterest_code) == (400, 283)
    assert "already used" in message


async def test_a_code_expires_after_ten_minutes(
    api: PinterestApi, sandbox: Sandbox, alice: Account, clock: Clock
) -> None:
    code = code_for(sandbox, alice.user.id)
    clock.advance(minutes=10)

    response = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI),
    )

    assert error_of(response)[:2] == (400, 283)
    assert "expired" in response.json()["message"]


async def test_redirect_uri_must_match_the_authorize_request(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    response = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(
            grant_type="authorization_code",
            code=code_for(sandbox, alice.user.id),
            redirect_uri="http://elsewhere.test/cb",
        ),
    )

    assert error_of(response)[:2] == (400, 283)
    assert "redirect_uri" in response.json()["message"]


async def test_another_apps_code_is_refused(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    sandbox.add_client("other-app", "other-secret", [REDIRECT_URI])
    code = code_for(sandbox, alice.user.id)

    response = await api.post(
        "/v5/oauth/token",
        auth=("other-app", "other-secret"),
        **form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI),
    )

    assert error_of(response)[:2] == (400, 283)


async def test_wrong_client_credentials_fail_authentication(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    fields = form(
        grant_type="authorization_code",
        code=code_for(sandbox, alice.user.id),
        redirect_uri=REDIRECT_URI,
    )
    wrong_secret = await api.post("/v5/oauth/token", auth=(CLIENT_ID, "nope"), **fields)
    # No Authorization header at all: the spec's basic scheme rejects the request too.
    no_auth = await api.post("/v5/oauth/token", request="invalid", **fields)

    assert error_of(wrong_secret) == (401, 2, "Authentication failed.")
    assert error_of(no_auth) == (401, 2, "Authentication failed.")


async def test_refresh_rotates_the_refresh_token(
    api: PinterestApi, alice: Account, clock: Clock
) -> None:
    clock.advance(days=29)
    response = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(
            grant_type="refresh_token",
            refresh_token=alice.tokens.refresh_token,
            continuous_refresh="true",
        ),
    )
    body = response.json()

    assert response.status_code == 200
    assert body["response_type"] == "refresh_token"
    assert body["refresh_token"] != alice.tokens.refresh_token
    assert body["refresh_token_expires_in"] == 60 * 24 * 3600
    old = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(grant_type="refresh_token", refresh_token=alice.tokens.refresh_token),
    )
    assert error_of(old)[:2] == (400, 283)
    newest = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(grant_type="refresh_token", refresh_token=body["refresh_token"]),
    )
    assert newest.status_code == 200


async def test_refresh_can_narrow_but_not_widen_scopes(api: PinterestApi, sandbox: Sandbox) -> None:
    user = sandbox.add_user("carol")
    tokens = sandbox.issue_tokens(user.id, CLIENT_ID, ["boards:read", "pins:read"])

    narrowed = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(grant_type="refresh_token", refresh_token=tokens.refresh_token, scope="pins:read"),
    )
    widened = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(
            grant_type="refresh_token",
            refresh_token=narrowed.json()["refresh_token"],
            scope="pins:read,pins:write",
        ),
    )

    assert narrowed.json()["scope"] == "pins:read"
    status, code, message = error_of(widened)
    assert (status, code) == (400, 1)
    assert "scope" in message


async def test_an_expired_refresh_token_is_refused(
    api: PinterestApi, alice: Account, clock: Clock
) -> None:
    clock.advance(days=60)

    response = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(grant_type="refresh_token", refresh_token=alice.tokens.refresh_token),
    )

    assert error_of(response)[:2] == (400, 283)
    assert "expired" in response.json()["message"]


async def test_grant_type_is_required_and_checked(api: PinterestApi) -> None:
    # The spec's discriminator makes both requests invalid; the sandbox says which field is wrong.
    missing = await api.post("/v5/oauth/token", auth=APP, request="invalid", **form(code="x"))
    unknown = await api.post(
        "/v5/oauth/token", auth=APP, request="invalid", **form(grant_type="password")
    )
    credentials = await api.post(
        "/v5/oauth/token", auth=APP, **form(grant_type="client_credentials", scope="pins:read")
    )

    assert error_of(missing) == (400, 1, "Invalid parameters: grant_type: Field required")
    assert error_of(unknown)[:2] == (400, 1)
    assert error_of(credentials)[:2] == (400, 1)
    assert "client_credentials" in credentials.json()["message"]


async def test_revoking_an_access_token_ends_it(api: PinterestApi, alice: Account) -> None:
    revoked = await api.post(
        "/v5/oauth/token/revoke",
        auth=APP,
        **form(token=alice.tokens.access_token, token_type_hint="access_token"),
    )

    assert revoked.status_code == 200
    assert revoked.content == b""
    after = await api.get("/v5/user_account", headers=alice.headers)
    assert error_of(after) == (401, 2, "Authentication failed.")


async def test_revoking_a_refresh_token_ends_the_whole_grant(
    api: PinterestApi, alice: Account
) -> None:
    await api.post("/v5/oauth/token/revoke", auth=APP, **form(token=alice.tokens.refresh_token))

    access = await api.get("/v5/user_account", headers=alice.headers)
    refresh = await api.post(
        "/v5/oauth/token",
        auth=APP,
        **form(grant_type="refresh_token", refresh_token=alice.tokens.refresh_token),
    )

    assert error_of(access)[:2] == (401, 2)
    assert error_of(refresh)[:2] == (400, 283)


async def test_an_app_cannot_revoke_another_apps_token(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    sandbox.add_client("other-app", "other-secret", [REDIRECT_URI])

    response = await api.post(
        "/v5/oauth/token/revoke",
        auth=("other-app", "other-secret"),
        **form(token=alice.tokens.access_token),
    )
    unknown = await api.post("/v5/oauth/token/revoke", auth=APP, **form(token="pina_unknown"))
    bad_client = await api.post(
        "/v5/oauth/token/revoke", auth=(CLIENT_ID, "wrong"), **form(token="pina_unknown")
    )

    assert error_of(response) == (403, 29, "You are not permitted to access that resource.")
    assert unknown.status_code == 200
    assert error_of(bad_client) == (401, 2, "Authentication failed.")
    me = await api.get("/v5/user_account", headers=alice.headers)
    assert me.status_code == 200


async def test_token_lifetimes_come_from_the_config(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    sandbox.config.access_token_lifetime = 3600
    body = await exchange(api, code_for(sandbox, alice.user.id))

    assert body["expires_in"] == 3600
    assert sandbox.state.access_tokens[
        str(body["access_token"])
    ].expires_at == sandbox.now() + timedelta(hours=1)
