"""The video flow: register media, upload it to the sandbox's S3-like URL, poll, pin it."""

from __future__ import annotations

from typing import Any

import httpx

from pinsmith.sandbox import Sandbox
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import Account, image_base64

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


async def register(api: PinterestApi, account: Account) -> dict[str, Any]:
    response = await api.post("/v5/media", headers=account.headers, json={"media_type": "video"})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def upload(
    api: PinterestApi, media: dict[str, Any], data: bytes, **changes: str
) -> httpx.Response:
    fields = media["upload_parameters"] | changes
    files = {"file": ("clip.mp4", data, "video/mp4")}
    return await api.post(media["upload_url"], data=fields, files=files)


async def status_of(api: PinterestApi, account: Account, media_id: str) -> str:
    response = await api.get(f"/v5/media/{media_id}", headers=account.headers)
    status: str = response.json()["status"]
    return status


async def test_register_answers_an_upload_url_the_sandbox_serves(
    api: PinterestApi, alice: Account
) -> None:
    media = await register(api, alice)

    assert media["media_id"].isdigit()
    assert media["media_type"] == "video"
    assert media["upload_url"] == f"http://sandbox.test/_sandbox/media-upload/{media['media_id']}"
    assert set(media["upload_parameters"]) == {
        "Content-Type",
        "key",
        "policy",
        "x-amz-algorithm",
        "x-amz-credential",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-signature",
    }
    assert await status_of(api, alice, media["media_id"]) == "registered"


async def test_video_moves_from_registered_to_succeeded_then_pins(
    api: PinterestApi, sandbox: Sandbox, alice: Account, clock: Clock
) -> None:
    board = sandbox.add_board(alice.user.id, "Videos")
    media = await register(api, alice)

    uploaded = await upload(api, media, MP4)

    assert uploaded.status_code == 204
    assert await status_of(api, alice, media["media_id"]) == "processing"
    clock.advance(seconds=9)
    assert await status_of(api, alice, media["media_id"]) == "processing"
    clock.advance(seconds=1)
    assert await status_of(api, alice, media["media_id"]) == "succeeded"
    pin = await api.post(
        "/v5/pins",
        headers=alice.headers,
        json={
            "board_id": board.id,
            "title": "Clip",
            "media_source": {
                "source_type": "video_id",
                "media_id": media["media_id"],
                "cover_image_key_frame_time": 3,
            },
        },
    )
    assert pin.status_code == 201
    body = pin.json()
    assert body["creative_type"] == "VIDEO"
    assert body["media"]["media_type"] == "video"
    assert body["media"]["duration"] is None  # still processing on Pinterest's side
    video = await api.get(body["media"]["video_url"])
    assert video.content == MP4
    clock.advance(seconds=10)
    later = await api.get(f"/v5/pins/{body['id']}", headers=alice.headers)
    assert later.json()["media"]["width"] == 1080
    assert isinstance(later.json()["media"]["duration"], float)


async def test_a_non_video_or_empty_upload_fails(
    api: PinterestApi, alice: Account, clock: Clock
) -> None:
    text = await register(api, alice)
    empty = await register(api, alice)
    await upload(api, text, b"just some text, not a video")
    await upload(api, empty, b"")
    clock.advance(seconds=10)

    assert await status_of(api, alice, text["media_id"]) == "failed"
    assert await status_of(api, alice, empty["media_id"]) == "failed"


async def test_the_upload_checks_the_signed_fields_like_s3(
    api: PinterestApi, alice: Account
) -> None:
    media = await register(api, alice)

    forged = await upload(api, media, MP4, **{"x-amz-signature": "0" * 64})
    unknown = await api.post(
        "/_sandbox/media-upload/42", data=media["upload_parameters"], files={"file": ("a", b"x")}
    )
    no_file = await api.post(media["upload_url"], data=media["upload_parameters"])

    assert forged.status_code == 403
    assert b"<Code>AccessDenied</Code>" in forged.content
    assert unknown.status_code == 404
    assert no_file.status_code == 400
    assert await status_of(api, alice, media["media_id"]) == "registered"


async def test_the_upload_ignores_fields_after_the_file_like_s3(
    api: PinterestApi, alice: Account
) -> None:
    media = await register(api, alice)
    signed = [(name, (None, value)) for name, value in media["upload_parameters"].items()]
    file_first = [("file", ("clip.mp4", MP4, "video/mp4")), *signed]

    refused = await api.post(media["upload_url"], files=file_first)

    assert refused.status_code == 403
    assert b"<Code>AccessDenied</Code>" in refused.content
    assert await status_of(api, alice, media["media_id"]) == "registered"


async def test_only_a_succeeded_video_of_ones_own_can_be_pinned(
    api: PinterestApi, sandbox: Sandbox, alice: Account, bob: Account, clock: Clock
) -> None:
    board = sandbox.add_board(alice.user.id, "Videos")
    pending = await register(api, alice)
    bobs = await register(api, bob)
    ready = await register(api, alice)
    for media in (bobs, ready):
        await upload(api, media, MP4)
    clock.advance(seconds=10)

    def video_pin(media_id: str, **cover: Any) -> dict[str, Any]:
        source = {"source_type": "video_id", "media_id": media_id} | cover
        return {"board_id": board.id, "media_source": source}

    url_cover = {"cover_image_url": "https://images.example.com/cover.jpg"}
    not_ready = await api.post(
        "/v5/pins", headers=alice.headers, json=video_pin(pending["media_id"], **url_cover)
    )
    not_mine = await api.post(
        "/v5/pins", headers=alice.headers, json=video_pin(bobs["media_id"], **url_cover)
    )
    no_cover = await api.post("/v5/pins", headers=alice.headers, json=video_pin(ready["media_id"]))
    two_covers = await api.post(
        "/v5/pins",
        headers=alice.headers,
        json=video_pin(ready["media_id"], cover_image_key_frame_time=1, **url_cover),
    )
    data_without_type = await api.post(
        "/v5/pins",
        headers=alice.headers,
        json=video_pin(ready["media_id"], cover_image_data=image_base64()),
    )
    with_data_cover = await api.post(
        "/v5/pins",
        headers=alice.headers,
        json=video_pin(
            ready["media_id"], cover_image_data=image_base64(), cover_image_content_type="image/png"
        ),
    )

    assert "registered, not succeeded" in error_of(not_ready)[2]
    assert "not found" in error_of(not_mine)[2]
    assert "exactly one cover" in error_of(no_cover)[2]
    assert "exactly one cover" in error_of(two_covers)[2]
    assert "cover_image_content_type" in error_of(data_without_type)[2]
    assert with_data_cover.status_code == 201
    assert len(sandbox.pins_on_board(board.id)) == 1


async def test_media_list_and_other_users_media(
    api: PinterestApi, alice: Account, bob: Account
) -> None:
    first = await register(api, alice)
    second = await register(api, alice)
    bobs = await register(api, bob)

    listed = await api.get("/v5/media", headers=alice.headers)
    hidden = await api.get(f"/v5/media/{bobs['media_id']}", headers=alice.headers)
    bad_type = await api.post(
        "/v5/media", headers=alice.headers, json={"media_type": "image"}, request="invalid"
    )

    assert [m["media_id"] for m in listed.json()["items"]] == [
        second["media_id"],
        first["media_id"],
    ]
    assert listed.json()["items"][0] == {
        "media_id": second["media_id"],
        "media_type": "video",
        "status": "registered",
    }
    assert error_of(hidden) == (404, 404, "Media not found.")
    assert error_of(bad_type)[:2] == (400, 1)
