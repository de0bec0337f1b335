"""The OAuth consent page at /oauth/: a real form, Allow and Deny, refusals without redirects."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from pinsmith.sandbox import Sandbox
from tests.sandbox.conformance import PinterestApi, form
from tests.sandbox.conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI

QUERY = {
    "client_id": CLIENT_ID,
    "redirect_uri": REDIRECT_URI,
    "response_type": "code",
    "scope": "boards:read,pins:read,pins:write,user_accounts:read",
    "state": "csrf-123",
}


def consent(user_id: str, decision: str, **overrides: str) -> dict[str, str]:
    return QUERY | {"user_id": user_id, "decision": decision} | overrides


def redirected_query(location: str) -> dict[str, list[str]]:
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT_URI
    return parse_qs(parts.query)


async def test_the_page_is_a_form_listing_the_sandbox_users(
    api: PinterestApi, sandbox: Sandbox
) -> None:
    alice = sandbox.add_user("alice")
    sandbox.add_user("bob", account_type="PINNER")

    page = await api.get("/oauth/", params=QUERY)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert re.search(r'<form method="post"', page.text)
    assert f'name="user_id" value="{alice.id}"' in page.text
    assert "alice" in page.text
    assert "bob" in page.text
    assert 'value="allow"' in page.text
    assert 'value="deny"' in page.text
    assert 'name="state" value="csrf-123"' in page.text
    assert "<script" not in page.text


async def test_allow_redirects_with_a_code_that_can_be_exchanged_once(
    api: PinterestApi, sandbox: Sandbox
) -> None:
    alice = sandbox.add_user("alice")

    allowed = await api.post("/oauth/", data=consent(alice.id, "allow"))

    assert allowed.status_code == 302
    query = redirected_query(allowed.headers["location"])
    assert query["state"] == ["csrf-123"]
    code = query["code"][0]
    token_request = form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)
    tokens = await api.post("/v5/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), **token_request)
    assert tokens.status_code == 200
    assert tokens.json()["scope"] == QUERY["scope"]
    me = await api.get(
        "/v5/user_account", headers={"Authorization": f"Bearer {tokens.json()['access_token']}"}
    )
    assert me.json()["id"] == alice.id
    again = await api.post("/v5/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), **token_request)
    assert again.status_code == 400


async def test_deny_redirects_with_access_denied(api: PinterestApi, sandbox: Sandbox) -> None:
    alice = sandbox.add_user("alice")

    denied = await api.post("/oauth/", data=consent(alice.id, "deny"))

    assert denied.status_code == 302
    assert redirected_query(denied.headers["location"]) == {
        "error": ["access_denied"],
        "state": ["csrf-123"],
    }
    assert sandbox.state.codes == {}


async def test_unknown_client_gets_an_error_page_not_a_redirect(
    api: PinterestApi, sandbox: Sandbox
) -> None:
    sandbox.add_user("alice")

    page = await api.get("/oauth/", params=QUERY | {"client_id": "stranger"})
    posted = await api.post("/oauth/", data=consent("1", "allow", client_id="stranger"))

    assert page.status_code == 400
    assert "location" not in page.headers
    assert "stranger" in page.text
    assert posted.status_code == 400
    assert "location" not in posted.headers


async def test_unregistered_redirect_uri_gets_an_error_page(api: PinterestApi) -> None:
    page = await api.get("/oauth/", params=QUERY | {"redirect_uri": "https://evil.test/steal"})

    assert page.status_code == 400
    assert "location" not in page.headers
    assert "not registered" in page.text


async def test_bad_response_type_or_scope_goes_back_to_the_app(api: PinterestApi) -> None:
    token_flow = await api.get("/oauth/", params=QUERY | {"response_type": "token"})
    bad_scope = await api.get("/oauth/", params=QUERY | {"scope": "pins:read,root:all"})

    assert token_flow.status_code == 302
    assert redirected_query(token_flow.headers["location"])["error"] == [
        "unsupported_response_type"
    ]
    assert redirected_query(bad_scope.headers["location"])["error"] == ["invalid_scope"]


async def test_the_legacy_consumer_id_alias_is_understood(
    api: PinterestApi, sandbox: Sandbox
) -> None:
    sandbox.add_user("alice")
    query = {key: value for key, value in QUERY.items() if key != "client_id"}

    page = await api.get("/oauth/", params=query | {"consumer_id": CLIENT_ID})

    assert page.status_code == 200
    assert "alice" in page.text
