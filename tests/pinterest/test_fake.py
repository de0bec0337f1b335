"""The spec-checking fake refuses what Pinterest's description refuses, so the other tests'
passing means the client's requests and the fake's answers are shaped as Pinterest documents.
"""

from __future__ import annotations

import httpx
import pytest

from tests.pinterest.fake import API_HOST, Answer, FakePinterest, ok


async def send(fake: FakePinterest, request: httpx.Request) -> httpx.Response:
    async with httpx.AsyncClient(transport=fake.transport) as http:
        return await http.send(request)


def api(method: str, path: str, bearer: str = "Bearer pina.x", **kwargs: object) -> httpx.Request:
    headers = {"Authorization": bearer}
    return httpx.Request(method, f"{API_HOST}{path}", headers=headers, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "request_",
    [
        api("GET", "/v5/boards", params={"page_size": 251}),
        api("GET", "/v5/boards", params={"privacy": "FRIENDS"}),
        api("GET", "/v5/search/pins", params={"query": "soup", "page_size": 250}),
        api("POST", "/v5/pins", json={"board_id": "1", "title": "t" * 101}),
        api("GET", "/v5/boards", bearer="Basic bm90OmFwaQ=="),
        httpx.Request("GET", f"{API_HOST}/v5/boards"),
    ],
    ids=["page_size", "enum", "undeclared", "maxLength", "token", "no-auth"],
)
async def test_a_request_off_the_spec_is_refused(
    fake: FakePinterest, request_: httpx.Request
) -> None:
    fake.route("GET", request_.url.path, ok({"items": [], "bookmark": None}))
    fake.route("POST", request_.url.path, ok({"id": "1"}))

    with pytest.raises(AssertionError):
        await send(fake, request_)


async def test_a_token_request_missing_the_grants_field_is_refused(fake: FakePinterest) -> None:
    request = httpx.Request(
        "POST",
        f"{API_HOST}/v5/oauth/token",
        headers={"Authorization": "Basic MTQ4MDAwMDphcHAtc2VjcmV0"},
        data={"grant_type": "authorization_code", "redirect_uri": "https://x.example/cb"},
    )

    with pytest.raises(AssertionError, match="'code' is a required property"):
        await send(fake, request)


async def test_an_answer_off_the_spec_is_refused(fake: FakePinterest) -> None:
    fake.route("GET", "/v5/boards/1", ok({"name": "no id"}))

    with pytest.raises(Exception, match="'id' is a required property"):
        await send(fake, api("GET", "/v5/boards/1"))


async def test_an_answer_marked_off_spec_is_served(fake: FakePinterest) -> None:
    fake.route("GET", "/v5/boards/1", Answer(200, {"name": "no id"}, conformant=False))

    response = await send(fake, api("GET", "/v5/boards/1"))

    assert response.json() == {"name": "no id"}
