"""Every client method against spec-checked answers: what is sent, and what comes back typed."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime

import httpx
import pytest

from pinsmith.pinterest import (
    SANDBOX_API_URL,
    CarouselImage,
    ImageBase64,
    ImageUrl,
    MediaSource,
    MediaUpload,
    MultipleImageUrls,
    PinNotFound,
    PinterestClient,
    UnexpectedResponse,
    VideoId,
)
from tests.conftest import Clock
from tests.pinterest.conftest import APP, NOW, RecordingStore
from tests.pinterest.fake import Answer, FakePinterest, board, no_content, ok, pin

S3_URL = "https://pinterest-media-upload.s3-accelerate.amazonaws.com/"


def body_of(request: httpx.Request) -> object:
    return json.loads(request.content)


def paged(
    items: Sequence[Mapping[str, object]], page_size: int = 250
) -> Callable[[httpx.Request], Answer]:
    """A handler serving ``items`` in pages, each bookmark naming the next offset."""

    def handler(request: httpx.Request) -> Answer:
        size = int(request.url.params.get("page_size", 25))
        start = int(request.url.params.get("bookmark", "0"))
        end = start + min(size, page_size)
        return ok({"items": items[start:end], "bookmark": str(end) if end < len(items) else None})

    return handler


async def test_get_user_account(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route(
        "GET",
        "/v5/user_account",
        ok({"id": "5550001", "username": "alice_pins", "account_type": "BUSINESS", "x": 1}),
    )

    account = await client.get_user_account()

    assert (account.id, account.username, account.account_type) == (
        "5550001",
        "alice_pins",
        "BUSINESS",
    )
    assert fake.bearer_tokens("GET", "/v5/user_account") == ["pina.initial"]


async def test_list_boards_collects_600_boards_in_order_by_bookmark(
    client: PinterestClient, fake: FakePinterest
) -> None:
    boards = [board(str(1000 + n), f"Board {n}") for n in range(600)]
    fake.route("GET", "/v5/boards", paged(boards))

    listed = await client.list_boards()

    assert [b.id for b in listed] == [str(1000 + n) for n in range(600)]
    sent = fake.sent("GET", "/v5/boards")
    assert [dict(r.url.params) for r in sent] == [
        {"page_size": "250"},
        {"page_size": "250", "bookmark": "250"},
        {"page_size": "250", "bookmark": "500"},
    ]
    assert listed[0].created_at == datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


async def test_list_boards_filters_by_privacy(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("GET", "/v5/boards", ok({"items": [board("7", privacy="SECRET")], "bookmark": None}))

    listed = await client.list_boards(privacy="SECRET")

    assert [(b.id, b.privacy) for b in listed] == [("7", "SECRET")]
    assert fake.sent("GET", "/v5/boards")[0].url.params["privacy"] == "SECRET"


async def test_an_empty_list_is_one_request(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("GET", "/v5/boards", ok({"items": [], "bookmark": None}))

    assert await client.list_boards() == []
    assert fake.count("GET", "/v5/boards") == 1


async def test_a_repeated_bookmark_stops_paging(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("GET", "/v5/boards", ok({"items": [board("1")], "bookmark": "same"}))

    with pytest.raises(UnexpectedResponse, match="twice"):
        await client.list_boards()
    assert fake.count("GET", "/v5/boards") == 2


async def test_get_board(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("GET", "/v5/boards/1001", ok(board("1001", "Soups")))

    found = await client.get_board("1001")

    assert (found.id, found.name, found.owner and found.owner.username) == (
        "1001",
        "Soups",
        "alice_pins",
    )


async def test_create_board(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("POST", "/v5/boards", ok(board("1002", "Soups", privacy="SECRET"), status=201))

    created = await client.create_board("Soups", "Warm things", privacy="SECRET")

    assert created.id == "1002"
    assert body_of(fake.sent("POST", "/v5/boards")[0]) == {
        "name": "Soups",
        "description": "Warm things",
        "privacy": "SECRET",
    }


async def test_create_board_defaults_to_public(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("POST", "/v5/boards", ok(board("1003", "Soups"), status=201))

    await client.create_board("Soups")

    assert body_of(fake.sent("POST", "/v5/boards")[0]) == {"name": "Soups", "privacy": "PUBLIC"}


async def test_update_board_sends_only_the_given_fields(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("PATCH", "/v5/boards/1001", ok(board("1001", "Stews")))

    updated = await client.update_board("1001", name="Stews")

    assert updated.name == "Stews"
    assert body_of(fake.sent("PATCH", "/v5/boards/1001")[0]) == {"name": "Stews"}


async def test_update_board_with_nothing_to_change_sends_nothing(
    client: PinterestClient, fake: FakePinterest
) -> None:
    with pytest.raises(ValueError, match="nothing to update"):
        await client.update_board("1001")
    assert fake.requests == []


async def test_delete_board(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("DELETE", "/v5/boards/1001", no_content())

    await client.delete_board("1001")

    assert fake.count("DELETE", "/v5/boards/1001") == 1


async def test_list_sections_follows_bookmarks(
    client: PinterestClient, fake: FakePinterest
) -> None:
    sections = [{"id": str(500 + n), "name": f"Section {n}"} for n in range(260)]
    fake.route("GET", "/v5/boards/1001/sections", paged(sections))

    listed = await client.list_sections("1001")

    assert [s.id for s in listed] == [str(500 + n) for n in range(260)]
    assert fake.count("GET", "/v5/boards/1001/sections") == 2


async def test_create_section(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("POST", "/v5/boards/1001/sections", ok({"id": "549", "name": "Salads"}, 201))

    section = await client.create_section("1001", "Salads")

    assert (section.id, section.name) == ("549", "Salads")
    assert body_of(fake.sent("POST", "/v5/boards/1001/sections")[0]) == {"name": "Salads"}


async def test_list_board_pins_keeps_pinterests_newest_first_order(
    client: PinterestClient, fake: FakePinterest
) -> None:
    pins = [pin(str(9000 - n)) for n in range(300)]
    fake.route("GET", "/v5/boards/1001/pins", paged(pins))

    listed = await client.list_board_pins("1001")

    assert [p.id for p in listed] == [str(9000 - n) for n in range(300)]
    assert listed[0].media is not None
    assert listed[0].media.images is not None
    assert listed[0].media.images["600x"].width == 600


async def test_list_board_pins_of_a_section(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route(
        "GET",
        "/v5/boards/1001/sections/549/pins",
        ok({"items": [pin("77", board_section_id="549")], "bookmark": None}),
    )

    listed = await client.list_board_pins("1001", section_id="549")

    assert [(p.id, p.board_section_id) for p in listed] == [("77", "549")]


async def test_iterating_board_pins_fetches_later_pages_only_on_demand(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("GET", "/v5/boards/1001/pins", paged([pin(str(n)) for n in range(1, 600)]))

    recent = []
    async for found in client.iter_board_pins("1001"):
        recent.append(found.id)
        if len(recent) == 10:
            break

    assert recent == [str(n) for n in range(1, 11)]
    assert fake.count("GET", "/v5/boards/1001/pins") == 1


MEDIA_SOURCES: list[tuple[MediaSource, dict[str, object]]] = [
    (
        ImageUrl("https://example.com/soup.jpg"),
        {"source_type": "image_url", "url": "https://example.com/soup.jpg"},
    ),
    (
        ImageBase64.from_bytes(b"\xff\xd8\xff\xe0jpeg", "image/jpeg"),
        {"source_type": "image_base64", "content_type": "image/jpeg", "data": "/9j/4GpwZWc="},
    ),
    (
        MultipleImageUrls(
            [
                "https://example.com/1.jpg",
                CarouselImage("https://example.com/2.jpg", title="Two", link="https://e.com/2"),
            ],
            index=1,
        ),
        {
            "source_type": "multiple_image_urls",
            "items": [
                {"url": "https://example.com/1.jpg"},
                {"url": "https://example.com/2.jpg", "title": "Two", "link": "https://e.com/2"},
            ],
            "index": 1,
        },
    ),
    (
        VideoId("12345", cover_image_url="https://example.com/cover.jpg"),
        {
            "source_type": "video_id",
            "media_id": "12345",
            "cover_image_url": "https://example.com/cover.jpg",
        },
    ),
    (
        VideoId("12345", cover_image_key_frame_time=3),
        {"source_type": "video_id", "media_id": "12345", "cover_image_key_frame_time": 3},
    ),
]


@pytest.mark.parametrize(("source", "expected"), MEDIA_SOURCES)
async def test_create_pin_sends_each_media_source(
    client: PinterestClient,
    fake: FakePinterest,
    source: MediaSource,
    expected: dict[str, object],
) -> None:
    fake.route("POST", "/v5/pins", ok(pin("8001"), status=201))

    created = await client.create_pin("1001", media_source=source)

    assert created.id == "8001"
    assert body_of(fake.sent("POST", "/v5/pins")[0]) == {
        "board_id": "1001",
        "media_source": expected,
    }


async def test_create_pin_with_every_field(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("POST", "/v5/pins", ok(pin("8002", board_section_id="549")))

    created = await client.create_pin(
        "1001",
        media_source=ImageUrl("https://example.com/soup.jpg"),
        title="Soup",
        description="A quick soup",
        link="https://example.com/soup",
        alt_text="A bowl of soup",
        board_section_id="549",
    )

    assert (created.id, created.title, created.board_section_id) == ("8002", "Soup", "549")
    assert body_of(fake.sent("POST", "/v5/pins")[0]) == {
        "board_id": "1001",
        "board_section_id": "549",
        "title": "Soup",
        "description": "A quick soup",
        "link": "https://example.com/soup",
        "alt_text": "A bowl of soup",
        "media_source": {"source_type": "image_url", "url": "https://example.com/soup.jpg"},
    }


async def test_get_pin(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("GET", "/v5/pins/8001", ok(pin("8001")))

    found = await client.get_pin("8001")

    assert (found.id, found.link, found.is_owner) == ("8001", "https://example.com/soup", True)


async def test_update_pin_sends_only_the_given_fields(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("PATCH", "/v5/pins/8001", ok(pin("8001", title="Better soup")))

    updated = await client.update_pin("8001", title="Better soup", board_id="1002")

    assert updated.title == "Better soup"
    assert body_of(fake.sent("PATCH", "/v5/pins/8001")[0]) == {
        "title": "Better soup",
        "board_id": "1002",
    }


async def test_update_pin_with_nothing_to_change_sends_nothing(
    client: PinterestClient, fake: FakePinterest
) -> None:
    with pytest.raises(ValueError, match="nothing to update"):
        await client.update_pin("8001")
    assert fake.requests == []


async def test_delete_pin(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("DELETE", "/v5/pins/8001", no_content())

    await client.delete_pin("8001")

    assert fake.count("DELETE", "/v5/pins/8001") == 1


async def test_an_id_cannot_change_the_path(store: RecordingStore) -> None:
    paths: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path)
        return httpx.Response(404, json={"code": 50, "message": "Pin not found."})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = PinterestClient(store, APP, http=http, clock=Clock(NOW))
        with pytest.raises(PinNotFound):
            await client.get_pin("../boards?x=1")

    assert paths == [b"/v5/pins/..%2Fboards%3Fx%3D1"]


UPLOAD = {
    "media_id": "12345",
    "media_type": "video",
    "upload_url": S3_URL,
    "upload_parameters": {
        "Content-Type": "multipart/form-data",
        "key": "uploads/11/aa/22/3:video:2030:5212",
        "policy": "eyJleHBpcmF0aW9uIjoiMj..==",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": "ASIA6QZJ64OPIKV7FRVX/20220127/us-east-1/s3/aws4_request",
        "x-amz-date": "20220127T185143Z",
        "x-amz-security-token": "IQoJb3JpZ2luX2VjEJr...==",
        "x-amz-signature": "fcd6309a6aaee213348666a72abed8b44552a43acb6b340e8e1b288d21a5fe92",
    },
}


async def test_register_video(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("POST", "/v5/media", ok(UPLOAD, status=201))

    upload = await client.register_video()

    assert (upload.media_id, upload.upload_url) == ("12345", S3_URL)
    assert upload.upload_parameters["key"] == "uploads/11/aa/22/3:video:2030:5212"
    assert body_of(fake.sent("POST", "/v5/media")[0]) == {"media_type": "video"}


async def test_upload_video_posts_every_parameter_then_the_file_without_a_token(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("POST", "/", Answer(204, None, content_type=""))
    upload = MediaUpload.model_validate(UPLOAD)

    await client.upload_video(upload, b"\x00\x00\x00\x18ftypmp42", "soup.mp4")

    (request,) = fake.sent("POST", "/")
    assert str(request.url) == S3_URL
    assert "Authorization" not in request.headers
    fields = _multipart_fields(request)
    assert [name for name, _ in fields] == [*upload.upload_parameters, "file"]
    assert dict(fields)["key"] == b"uploads/11/aa/22/3:video:2030:5212"
    assert dict(fields)["file"] == b"\x00\x00\x00\x18ftypmp42"


async def test_a_refused_upload_is_a_typed_error(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route(
        "POST",
        "/",
        Answer(403, b"<Error><Code>AccessDenied</Code></Error>", content_type="application/xml"),
    )

    with pytest.raises(Exception, match="AccessDenied") as raised:
        await client.upload_video(MediaUpload.model_validate(UPLOAD), b"video", "soup.mp4")
    assert getattr(raised.value, "status", None) == 403
    assert fake.count("POST", "/") == 1


async def test_get_media(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route(
        "GET",
        "/v5/media/12345",
        ok({"media_id": "12345", "media_type": "video", "status": "succeeded"}),
    )

    media = await client.get_media("12345")

    assert (media.media_id, media.status) == ("12345", "succeeded")


ANALYTICS = {
    "all": {
        "daily_metrics": [
            {
                "date": "2026-04-01",
                "data_status": "READY",
                "metrics": {"IMPRESSION": 240, "SAVE": 20, "SAVE_RATE": 0.18},
            }
        ],
        "summary_metrics": {"IMPRESSION": 240, "SAVE": 20, "SAVE_RATE": 0.18},
        "lifetime_metrics": {"TOTAL_COMMENTS": 10},
    }
}


async def test_pin_analytics(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("GET", "/v5/pins/8001/analytics", ok(ANALYTICS))

    report = await client.pin_analytics(
        "8001", date(2026, 4, 1), date(2026, 4, 30), ["IMPRESSION", "SAVE", "SAVE_RATE"]
    )

    assert report["all"].summary_metrics == {"IMPRESSION": 240, "SAVE": 20, "SAVE_RATE": 0.18}
    assert report["all"].daily_metrics[0].date == date(2026, 4, 1)
    assert report["all"].lifetime_metrics == {"TOTAL_COMMENTS": 10}
    assert dict(fake.sent("GET", "/v5/pins/8001/analytics")[0].url.params) == {
        "start_date": "2026-04-01",
        "end_date": "2026-04-30",
        "metric_types": "IMPRESSION,SAVE,SAVE_RATE",
    }


async def test_pin_analytics_with_metrics_of_one_list_and_a_split(
    client: PinterestClient, fake: FakePinterest
) -> None:
    """VIDEO_START and PROFILE_VISIT each belong to one enum, so the spec takes them as is."""
    fake.route("GET", "/v5/pins/8001/analytics", ok({"WEB": ANALYTICS["all"]}))

    report = await client.pin_analytics(
        "8001",
        date(2026, 4, 1),
        date(2026, 4, 30),
        ["VIDEO_START", "PROFILE_VISIT"],
        app_types="WEB",
        split_field="APP_TYPE",
    )

    assert list(report) == ["WEB"]
    params = fake.sent("GET", "/v5/pins/8001/analytics")[0].url.params
    assert (params["app_types"], params["split_field"]) == ("WEB", "APP_TYPE")


async def test_pin_analytics_needs_a_metric(client: PinterestClient) -> None:
    with pytest.raises(ValueError, match="metric"):
        await client.pin_analytics("8001", date(2026, 4, 1), date(2026, 4, 30), [])


async def test_a_metric_pinterest_does_not_know_fails_the_spec_check(
    client: PinterestClient, fake: FakePinterest
) -> None:
    """The quirk handling re-reads oneOf as anyOf; it does not accept anything."""
    fake.route("GET", "/v5/pins/8001/analytics", ok(ANALYTICS))

    with pytest.raises(AssertionError, match="violates the spec"):
        await client.pin_analytics("8001", date(2026, 4, 1), date(2026, 4, 2), ["IMPRESSION", "X"])


async def test_account_analytics(client: PinterestClient, fake: FakePinterest) -> None:
    account = {"all": {key: ANALYTICS["all"][key] for key in ("daily_metrics", "summary_metrics")}}
    fake.route("GET", "/v5/user_account/analytics", ok(account))

    report = await client.account_analytics(
        date(2026, 4, 1),
        date(2026, 4, 30),
        metric_types=["IMPRESSION", "SAVE"],
        split_field="NO_SPLIT",
        from_claimed_content="BOTH",
        pin_format="ORGANIC_IMAGE",
        content_type="ORGANIC",
        source="YOUR_PINS",
        app_types="ALL",
    )

    assert report["all"].summary_metrics["IMPRESSION"] == 240
    assert dict(fake.sent("GET", "/v5/user_account/analytics")[0].url.params) == {
        "start_date": "2026-04-01",
        "end_date": "2026-04-30",
        "metric_types": "IMPRESSION,SAVE",
        "app_types": "ALL",
        "split_field": "NO_SPLIT",
        "from_claimed_content": "BOTH",
        "pin_format": "ORGANIC_IMAGE",
        "content_type": "ORGANIC",
        "source": "YOUR_PINS",
    }


async def test_account_analytics_asks_for_all_metrics_by_default(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("GET", "/v5/user_account/analytics", ok({}))

    assert await client.account_analytics(date(2026, 4, 1), date(2026, 4, 30)) == {}
    params = fake.sent("GET", "/v5/user_account/analytics")[0].url.params
    assert "metric_types" not in params


async def test_search_boards(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route(
        "GET", "/v5/search/boards", ok({"items": [board("1001", "Soups")], "bookmark": None})
    )

    found = await client.search_boards("soup")

    assert [b.name for b in found] == ["Soups"]
    assert dict(fake.sent("GET", "/v5/search/boards")[0].url.params) == {
        "query": "soup",
        "page_size": "250",
    }


async def test_search_pins_sends_no_page_size(client: PinterestClient, fake: FakePinterest) -> None:
    pages = iter(
        [
            ok({"items": [pin("1"), pin("2")], "bookmark": "b2"}),
            ok({"items": [pin("3")], "bookmark": None}),
        ]
    )
    fake.route("GET", "/v5/search/pins", lambda _request: next(pages))

    found = await client.search_pins("soup")

    assert [p.id for p in found] == ["1", "2", "3"]
    assert [dict(r.url.params) for r in fake.sent("GET", "/v5/search/pins")] == [
        {"query": "soup"},
        {"query": "soup", "bookmark": "b2"},
    ]


async def test_list_followers(client: PinterestClient, fake: FakePinterest) -> None:
    users = [{"type": "user", "username": f"fan{n}"} for n in range(3)]
    fake.route("GET", "/v5/user_account/followers", ok({"items": users, "bookmark": None}))

    followers = await client.list_followers()

    assert [u.username for u in followers] == ["fan0", "fan1", "fan2"]


async def test_list_following(client: PinterestClient, fake: FakePinterest) -> None:
    users = [{"type": "user", "username": "chef"}]
    fake.route("GET", "/v5/user_account/following", ok({"items": users, "bookmark": None}))

    following = await client.list_following()

    assert [(u.username, u.type) for u in following] == [("chef", "user")]


async def test_list_following_boards(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route(
        "GET",
        "/v5/user_account/following/boards",
        ok({"items": [board("3003", "Chef's board")], "bookmark": None}),
    )

    boards = await client.list_following_boards()

    assert [b.id for b in boards] == ["3003"]


async def test_follow_user(client: PinterestClient, fake: FakePinterest) -> None:
    fake.route("POST", "/v5/user_account/following/chef", ok({"type": "user", "username": "chef"}))

    followed = await client.follow_user("chef")

    assert followed.username == "chef"
    assert body_of(fake.sent("POST", "/v5/user_account/following/chef")[0]) == {}


async def test_a_success_of_the_wrong_shape_is_an_unexpected_response(
    client: PinterestClient, fake: FakePinterest
) -> None:
    fake.route("GET", "/v5/boards/1001", Answer(200, {"name": "no id"}, conformant=False))

    with pytest.raises(UnexpectedResponse, match="Board") as raised:
        await client.get_board("1001")
    assert raised.value.status == 200


def _multipart_fields(request: httpx.Request) -> list[tuple[str, bytes]]:
    boundary = request.headers["Content-Type"].split("boundary=")[1].encode()
    fields = []
    for part in request.content.split(b"--" + boundary)[1:-1]:
        head, _, value = part.strip(b"\r\n").partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        fields.append((name, value))
    return fields


async def test_every_call_carries_the_configured_timeouts(
    http: httpx.AsyncClient, fake: FakePinterest, store: RecordingStore
) -> None:
    fake.route("GET", "/v5/boards/1001", ok(board("1001")))
    default = PinterestClient(store, APP, http=http, clock=Clock(NOW))
    custom = PinterestClient(
        store, APP, http=http, timeout=httpx.Timeout(3.0, connect=1.0), clock=Clock(NOW)
    )

    await default.get_board("1001")
    await custom.get_board("1001")

    first, second = fake.sent("GET", "/v5/boards/1001")
    assert first.extensions["timeout"] == {
        "connect": 5.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 30.0,
    }
    assert second.extensions["timeout"] == {"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0}


async def test_the_api_host_is_a_parameter(store: RecordingStore) -> None:
    urls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json=board("1001"))

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = PinterestClient(store, APP, api_url=SANDBOX_API_URL, http=http, clock=Clock(NOW))
        await client.get_board("1001")

    assert urls == ["https://api-sandbox.pinterest.com/v5/boards/1001"]


async def test_a_client_without_a_given_http_client_closes_its_own(store: RecordingStore) -> None:
    async with PinterestClient(store, APP, api_url="http://127.0.0.1:9/v5/") as client:
        assert client.oauth.api_url == "http://127.0.0.1:9/v5"

    assert client._http.is_closed


async def test_a_given_http_client_is_left_open(
    http: httpx.AsyncClient, store: RecordingStore
) -> None:
    async with PinterestClient(store, APP, http=http):
        pass

    assert not http.is_closed
