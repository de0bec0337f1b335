from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient, Response
from PIL import Image
from sqlalchemy import select

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import MediaFile
from tests.conftest import Factory, bearer, make_settings
from tests.media import samples

URL = re.compile(r"http://127\.0\.0\.1:8000/media/(uploads/[0-9a-f]{32}\.(jpg|png|gif|webp|avif))")
ACCEPTED = "JPEG, PNG, GIF, WebP, AVIF"
MB = 1024 * 1024


async def upload(
    client: AsyncClient,
    secret: str,
    data: bytes,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> Response:
    return await client.post(
        "/pins/upload-image",
        files={"file": (filename, data, content_type)},
        headers=bearer(secret),
    )


def files_under(media_dir: Path) -> list[Path]:
    return [path for path in media_dir.rglob("*") if path.is_file()]


async def media_rows(database: Database) -> list[MediaFile]:
    async with database.transaction(write=False) as session:
        return list((await session.execute(select(MediaFile))).scalars())


@asynccontextmanager
async def client_for(settings: Settings) -> AsyncIterator[AsyncClient]:
    """An app of its own, for settings other than the defaults (same database)."""
    application = create_app(settings, migrate=False)
    async with (
        application.router.lifespan_context(application),
        AsyncClient(transport=ASGITransport(app=application), base_url="http://testserver") as http,
    ):
        yield http


def multipart(chunks: list[bytes], boundary: str = "pinsmith-test") -> Iterator[bytes]:
    """A multipart body with one ``file`` part, sent chunk by chunk."""
    yield (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    yield from chunks
    yield f"\r\n--{boundary}--\r\n".encode()


SAMPLES: list[Any] = [
    pytest.param(samples.jpeg, "jpg", id="jpeg"),
    pytest.param(samples.png, "png", id="png"),
    pytest.param(samples.png_with_alpha, "png", id="png-alpha"),
    pytest.param(samples.animated_gif, "gif", id="gif-animated"),
    pytest.param(samples.webp, "webp", id="webp"),
    pytest.param(samples.webp_with_alpha, "webp", id="webp-alpha"),
    pytest.param(samples.avif, "avif", id="avif"),
    pytest.param(lambda: samples.rotated("JPEG"), "jpg", id="jpeg-exif-rotated"),
    pytest.param(samples.cmyk_jpeg, "jpg", id="jpeg-cmyk"),
]


@pytest.mark.parametrize(("make", "extension"), SAMPLES)
async def test_an_accepted_image_is_kept_byte_for_byte_and_served_at_the_returned_url(
    client: AsyncClient,
    factory: Factory,
    settings: Settings,
    make: Callable[[], bytes],
    extension: str,
) -> None:
    _, secret = await factory.user_with_key()
    data = make()

    response = await upload(client, secret, data)

    assert response.status_code == 200
    assert set(response.json()) == {"url"}
    found = URL.fullmatch(response.json()["url"])
    assert found is not None
    assert found.group(2) == extension
    assert (settings.media_path / found.group(1)).read_bytes() == data
    served = await client.get(f"/media/{found.group(1)}")
    assert served.status_code == 200
    assert served.content == data


@pytest.mark.parametrize(
    ("make", "content_type", "publish_format"),
    [
        (samples.jpeg, "image/jpeg", None),
        (samples.png_with_alpha, "image/png", None),
        (samples.animated_gif, "image/gif", "JPEG"),
        (samples.gif_with_transparency, "image/gif", "PNG"),
        (samples.webp, "image/webp", "JPEG"),
        (samples.webp_with_alpha, "image/webp", "PNG"),
        (samples.avif, "image/avif", "JPEG"),
        (samples.avif_with_alpha, "image/avif", "PNG"),
    ],
)
async def test_the_upload_is_recorded_with_a_file_pinterest_accepts(
    client: AsyncClient,
    factory: Factory,
    settings: Settings,
    database: Database,
    make: Callable[[], bytes],
    content_type: str,
    publish_format: str | None,
) -> None:
    user, secret = await factory.user_with_key()
    data = make()

    url = (await upload(client, secret, data)).json()["url"]

    [row] = await media_rows(database)
    assert url.endswith(f"/media/{row.path}")
    assert (row.user_id, row.content_type, row.size_bytes) == (user.id, content_type, len(data))
    assert (row.width, row.height) == (30, 20)
    if publish_format is None:  # JPEG and PNG go to Pinterest as they are
        assert row.publish_path == row.path
    else:
        assert row.publish_path != row.path
        assert Path(row.publish_path).stem == Path(row.path).stem
        published = Image.open(BytesIO((settings.media_path / row.publish_path).read_bytes()))
        assert published.format == publish_format
        assert published.size == (30, 20)


async def test_the_type_comes_from_the_bytes_not_the_name_or_the_declared_type(
    client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key()

    response = await upload(client, secret, samples.webp(), "photo.jpg", "text/plain")

    assert response.status_code == 200
    assert response.json()["url"].endswith(".webp")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Dear diary, today I renamed a text file.\n", id="text-named-photo-jpg"),
        pytest.param(samples.bmp(), id="bmp"),
        pytest.param(samples.jpeg()[:-40], id="truncated-jpeg"),
        pytest.param(b"", id="empty"),
    ],
)
async def test_what_is_not_a_whole_accepted_image_is_refused_and_nothing_is_written(
    client: AsyncClient, factory: Factory, settings: Settings, database: Database, data: bytes
) -> None:
    _, secret = await factory.user_with_key()

    response = await upload(client, secret, data, "photo.jpg", "image/jpeg")

    assert response.status_code == 415
    assert f"Accepted types: {ACCEPTED}" in response.json()["detail"]
    assert files_under(settings.media_path) == []
    assert await media_rows(database) == []


async def test_a_file_over_10_mb_is_refused_and_nothing_is_written(
    client: AsyncClient, factory: Factory, settings: Settings, database: Database
) -> None:
    _, secret = await factory.user_with_key()
    image = samples.png()
    oversized = image + b"\0" * (10 * MB + 1 - len(image))

    response = await upload(client, secret, oversized, "big.png", "image/png")

    assert response.status_code == 413
    assert response.json() == {"detail": "The file is larger than the 10 MB limit"}
    assert files_under(settings.media_path) == []
    assert await media_rows(database) == []


async def test_an_upload_declared_over_the_app_wide_cap_still_gets_the_uploads_answer(
    client: AsyncClient, factory: Factory
) -> None:
    """20 MB is over both caps; the answer must name the upload's 10 MB, not the 16 MB of the
    JSON bodies (kit/body_limit.py), or the client would think 16 MB is allowed."""
    _, secret = await factory.user_with_key()

    async def body() -> AsyncIterator[bytes]:
        yield b"--pinsmith-test\r\n"

    response = await client.post(
        "/pins/upload-image",
        content=body(),
        headers={
            **bearer(secret),
            "Content-Type": "multipart/form-data; boundary=pinsmith-test",
            "Content-Length": str(20 * MB),
        },
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The file is larger than the 10 MB limit"}


async def test_a_file_at_the_cap_is_accepted_and_one_byte_more_is_refused(
    factory: Factory, tmp_path: Path, database_url: str
) -> None:
    _, secret = await factory.user_with_key()
    image = samples.png()
    settings = make_settings(tmp_path / "small", database_url, max_upload_bytes=len(image))

    async with client_for(settings) as client:
        at_cap = await upload(client, secret, image, "a.png", "image/png")
        over_cap = await upload(client, secret, image + b"\0", "b.png", "image/png")

    assert at_cap.status_code == 200
    assert over_cap.status_code == 413
    assert len(files_under(settings.media_path)) == 1


async def test_a_body_declared_over_the_cap_is_refused_without_being_read(
    factory: Factory, tmp_path: Path, database_url: str
) -> None:
    _, secret = await factory.user_with_key()
    settings = make_settings(tmp_path / "small", database_url, max_upload_bytes=1000)
    sent: list[bytes] = []

    async def body() -> AsyncIterator[bytes]:
        for chunk in multipart([b"\0" * 1000] * 200):
            sent.append(chunk)
            yield chunk

    async with client_for(settings) as client:
        response = await client.post(
            "/pins/upload-image",
            content=body(),
            headers={
                **bearer(secret),
                "Content-Type": "multipart/form-data; boundary=pinsmith-test",
                "Content-Length": str(200_000 + 200),
            },
        )

    assert response.status_code == 413
    assert response.json() == {"detail": "The file is larger than the 1,000 bytes limit"}
    assert sent == []
    assert files_under(settings.media_path) == []


@pytest.mark.parametrize("declared", [None, "300"], ids=["chunked", "lying-length"])
async def test_a_body_over_the_cap_is_refused_while_it_arrives(
    factory: Factory, tmp_path: Path, database_url: str, declared: str | None
) -> None:
    _, secret = await factory.user_with_key()
    settings = make_settings(tmp_path / "small", database_url, max_upload_bytes=1000)
    chunks = list(multipart([b"\0" * 10_000] * 100))  # 1 MB, far over the cap and its slack
    sent: list[bytes] = []

    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            sent.append(chunk)
            yield chunk

    headers = {**bearer(secret), "Content-Type": "multipart/form-data; boundary=pinsmith-test"}
    if declared is not None:
        headers["Content-Length"] = declared
    async with client_for(settings) as client:
        response = await client.post("/pins/upload-image", content=body(), headers=headers)

    assert response.status_code == 413
    assert len(sent) < len(chunks)  # stopped reading part way
    assert files_under(settings.media_path) == []


@pytest.mark.parametrize(
    ("width", "height", "detail"),
    [
        (8000, 8000, "The image is 8000x8000 (64,000,000 pixels); the limit is 40,000,000 pixels"),
        # Over Pillow's own hard limit: its DecompressionBombError must end as a 413 too.
        (20000, 10000, "The image has 200,000,000 pixels; the limit is 40,000,000 pixels"),
    ],
)
async def test_a_decompression_bomb_is_refused_naming_its_size(
    client: AsyncClient,
    factory: Factory,
    settings: Settings,
    database: Database,
    width: int,
    height: int,
    detail: str,
) -> None:
    _, secret = await factory.user_with_key()
    bomb = samples.png_bomb(width, height)
    assert len(bomb) < 100_000

    response = await upload(client, secret, bomb, "bomb.png", "image/png")

    assert response.status_code == 413
    assert response.json() == {"detail": detail}
    assert files_under(settings.media_path) == []
    assert await media_rows(database) == []


async def test_the_pixel_limit_follows_the_setting(
    factory: Factory, tmp_path: Path, database_url: str
) -> None:
    _, secret = await factory.user_with_key()
    settings = make_settings(tmp_path / "small", database_url, max_image_pixels=599)

    async with client_for(settings) as client:
        response = await upload(client, secret, samples.png((30, 20)), "a.png", "image/png")

    assert response.status_code == 413
    assert "30x20" in response.json()["detail"]


async def test_a_missing_file_field_is_a_validation_error_naming_it(
    client: AsyncClient, factory: Factory
) -> None:
    _, secret = await factory.user_with_key()

    misnamed = await client.post(
        "/pins/upload-image",
        files={"image": ("photo.jpg", samples.jpeg(), "image/jpeg")},
        headers=bearer(secret),
    )
    empty = await client.post("/pins/upload-image", headers=bearer(secret))

    for response in (misnamed, empty):
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "file"]


async def test_an_upload_without_credentials_is_refused_and_nothing_is_written(
    client: AsyncClient, settings: Settings
) -> None:
    response = await client.post(
        "/pins/upload-image", files={"file": ("photo.jpg", samples.jpeg(), "image/jpeg")}
    )

    assert response.status_code == 401
    assert files_under(settings.media_path) == []


async def test_each_upload_gets_its_own_address_and_no_temporary_file_is_left(
    client: AsyncClient, factory: Factory, settings: Settings
) -> None:
    _, secret = await factory.user_with_key()
    data = samples.webp()

    first = (await upload(client, secret, data)).json()["url"]
    second = (await upload(client, secret, data)).json()["url"]

    assert first != second
    names = sorted(path.name for path in files_under(settings.media_path))
    assert len(names) == 4  # two originals, two copies
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(webp|jpg)", name) for name in names)
