from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy.exc import IntegrityError

from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.media import service
from pinsmith.models import MediaFile, User
from tests.conftest import Factory, bearer, make_settings
from tests.media import samples


class Upload:
    """The bytes of an uploaded file, read the way ``UploadFile`` is."""

    def __init__(self, data: bytes) -> None:
        self._buffer = BytesIO(data)

    async def read(self, size: int = -1) -> bytes:
        return self._buffer.read(size)


async def uploaded_url(client: AsyncClient, secret: str) -> str:
    response = await client.post(
        "/pins/upload-image",
        files={"file": ("photo.webp", samples.webp(), "image/webp")},
        headers=bearer(secret),
    )
    url: str = response.json()["url"]
    return url


async def find(database: Database, settings: Settings, user: User, url: str) -> MediaFile | None:
    async with database.transaction(write=False) as session:
        return await service.find_by_url(session, settings, user, url)


async def test_an_own_upload_is_found_by_the_returned_url_and_by_its_media_path(
    client: AsyncClient, factory: Factory, settings: Settings, database: Database
) -> None:
    user, secret = await factory.user_with_key()
    url = await uploaded_url(client, secret)
    media_path = url.removeprefix("http://127.0.0.1:8000")

    by_url = await find(database, settings, user, url)
    by_path = await find(database, settings, user, media_path)

    assert media_path.startswith("/media/uploads/")
    assert by_url is not None
    assert by_path is not None
    assert by_url.id == by_path.id
    assert service.media_url(settings, by_url) == url
    assert by_url.content_type == "image/webp"
    assert by_url.publish_path.endswith(".jpg")


async def test_another_users_upload_is_not_found(
    client: AsyncClient, factory: Factory, settings: Settings, database: Database
) -> None:
    _, alice = await factory.user_with_key("alice")
    bob = await factory.user("bob")
    url = await uploaded_url(client, alice)

    assert await find(database, settings, bob, url) is None
    assert service.is_local_media_url(settings, url)  # ours, but not bob's


async def test_a_missing_upload_and_a_foreign_url_are_not_found(
    client: AsyncClient, factory: Factory, settings: Settings, database: Database
) -> None:
    user, secret = await factory.user_with_key()
    url = await uploaded_url(client, secret)
    path = url.removeprefix("http://127.0.0.1:8000/media/")

    missing = await find(database, settings, user, url.replace(path[8:40], "0" * 32))
    foreign = await find(database, settings, user, f"https://images.example.com/media/{path}")

    assert missing is None
    assert foreign is None


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8000/media/uploads/ab.jpg", True),
        ("HTTP://127.0.0.1:8000/media/uploads/ab.jpg?size=large", True),
        ("/media/uploads/ab.jpg", True),
        ("https://127.0.0.1:8000/media/uploads/ab.jpg", False),  # another scheme
        ("http://127.0.0.1:9000/media/uploads/ab.jpg", False),  # another port
        ("http://localhost:8000/media/uploads/ab.jpg", False),  # another host name
        ("https://images.example.com/media/uploads/ab.jpg", False),
        ("//images.example.com/media/uploads/ab.jpg", False),
        ("http://127.0.0.1:8000/static/ab.jpg", False),
        ("http://127.0.0.1:8000/mediafiles/ab.jpg", False),
        ("/media/", False),
        ("/media/uploads/../../secret_keys", False),
        ("/media/uploads/%2e%2e/x.jpg", False),
        ("media/uploads/ab.jpg", False),
        ("http://127.0.0.1:notaport/media/ab.jpg", False),
        ("", False),
    ],
)
def test_only_urls_into_our_media_dir_are_local(tmp_path: Path, url: str, local: bool) -> None:
    settings = make_settings(tmp_path, "sqlite:///unused.db")

    assert service.is_local_media_url(settings, url) is local


def test_urls_follow_a_public_url_served_under_a_path(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, "sqlite:///unused.db", public_url="https://pins.example.com/pinsmith/"
    )
    media_file = MediaFile(path="uploads/ab.png")

    url = service.media_url(settings, media_file)

    assert url == "https://pins.example.com/pinsmith/media/uploads/ab.png"
    assert service.is_local_media_url(settings, url)
    assert service.is_local_media_url(settings, "https://PINS.example.com:443/pinsmith/media/x.png")
    assert not service.is_local_media_url(settings, "https://pins.example.com/media/x.png")


async def test_when_the_row_cannot_be_inserted_the_files_are_removed(
    factory: Factory, settings: Settings, database: Database
) -> None:
    ghost = User(id=424242, username="ghost")  # no such user: the foreign key refuses the row

    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await service.upload(session, settings, ghost, Upload(samples.animated_gif()))

    uploads = settings.media_path / service.UPLOADS_DIR
    assert list(uploads.iterdir()) == []  # the original and its copy were written, then removed


async def test_an_upload_through_the_service_is_recorded_once_committed(
    factory: Factory, settings: Settings, database: Database
) -> None:
    user = await factory.user()

    async with database.transaction() as session:
        media_file = await service.upload(session, settings, user, Upload(samples.png()))

    found = await find(database, settings, user, service.media_url(settings, media_file))
    assert found is not None
    assert (settings.media_path / found.path).read_bytes() == samples.png()
