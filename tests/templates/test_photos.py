"""A pin's photo from its imageURL: our own media from disk, the rest through the SSRF-safe
client, and every refusal a 400 that says why."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from PIL import Image

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit import safe_http
from pinsmith.kit.db import Database
from pinsmith.kit.errors import BadRequest
from pinsmith.models import User
from pinsmith.templates.photos import load_photo
from tests.conftest import Factory, bearer, make_settings
from tests.media import samples
from tests.templates.photo_server import PHOTOS, PhotoServer

pytestmark = pytest.mark.db


def settings_with(settings: Settings, **overrides: Any) -> Settings:
    return make_settings(settings.data_dir, settings.database_url, **overrides)


def same_pixels(photo: Image.Image, name: str) -> bool:
    with Image.open(PHOTOS / name) as original:
        return photo.size == original.size and photo.tobytes() == original.convert("RGB").tobytes()


async def load(database: Database, settings: Settings, user: User, url: str) -> Image.Image:
    async with database.transaction(write=False) as session:
        return await load_photo(session, settings, user, url)


async def refusal(database: Database, settings: Settings, user: User, url: str) -> str:
    with pytest.raises(BadRequest) as caught:
        await load(database, settings, user, url)
    assert caught.value.status_code == 400
    return caught.value.detail


@pytest.fixture
async def alice(factory: Factory) -> User:
    return await factory.user("alice")


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A stand-in DNS: no test looks a name up on the network."""
    table: dict[str, list[str]] = {}

    async def resolve(host: str, port: int) -> list[safe_http.IPAddress]:
        if host not in table:
            raise safe_http.UnsafeUrl(f"{host} does not resolve: Name or service not known")
        return [ipaddress.ip_address(address) for address in table[host]]

    monkeypatch.setattr(safe_http, "resolve_host", resolve)
    return table


async def test_a_photo_is_fetched_when_private_urls_are_allowed(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    data = await load(database, settings, alice, photo_server.photo("cat"))

    assert same_pixels(data, "cat.jpg")
    assert photo_server.requests == ["/photos/cat.jpg"]


async def test_a_loopback_url_is_refused_by_default(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    closed = settings_with(settings, allow_private_urls=False)

    message = await refusal(database, closed, alice, photo_server.photo("cat"))

    assert message.startswith("imageURL refused: 127.0.0.1 is a loopback address")
    assert "private, loopback or internal" in message
    assert photo_server.requests == []


async def test_a_name_resolving_to_a_private_address_is_refused(
    database: Database, settings: Settings, alice: User, dns: dict[str, list[str]]
) -> None:
    dns["intranet.example"] = ["10.0.0.7"]
    closed = settings_with(settings, allow_private_urls=False)

    message = await refusal(database, closed, alice, "http://intranet.example/cat.jpg")

    assert "intranet.example resolves to a private address 10.0.0.7" in message


async def test_a_redirect_to_an_internal_address_is_refused(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    metadata = "http://169.254.169.254/latest/meta-data/"
    url = f"{photo_server.url}/redirect?to={metadata}"

    message = await refusal(database, settings, alice, url)

    assert message.startswith("imageURL refused: 169.254.169.254 is a link-local address")
    assert len(photo_server.requests) == 1  # the first hop only


async def test_an_allowed_redirect_is_followed(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    url = f"{photo_server.url}/redirect?to={photo_server.photo('rocket')}"

    data = await load(database, settings, alice, url)

    assert same_pixels(data, "rocket.jpg")


async def test_an_unknown_host_is_reported_as_unreachable(
    database: Database, settings: Settings, alice: User, dns: dict[str, list[str]]
) -> None:
    message = await refusal(database, settings, alice, "http://nowhere.example/cat.jpg")

    assert message.startswith("imageURL is unreachable: nowhere.example does not resolve")
    assert "DNS" in message


async def test_a_closed_port_is_reported_as_unreachable(
    database: Database, settings: Settings, alice: User, dns: dict[str, list[str]]
) -> None:
    dns["closed.example"] = ["127.0.0.2"]

    message = await refusal(database, settings, alice, "http://closed.example:9/cat.jpg")

    assert message.startswith("imageURL is unreachable: cannot connect")


async def test_the_remote_status_is_named(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    message = await refusal(database, settings, alice, f"{photo_server.url}/status?code=404")

    assert message == "The image URL answered 404"


async def test_a_page_that_is_not_an_image_is_refused(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    message = await refusal(database, settings, alice, f"{photo_server.url}/page.html")

    assert message.startswith("imageURL is not an image:")


async def test_bytes_over_the_size_limit_are_refused(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    small = settings_with(settings, render_max_image_bytes=50_000)

    message = await refusal(database, small, alice, f"{photo_server.url}/bytes?n=50001")

    assert message == "The image at imageURL is larger than 50,000 bytes"


def test_the_default_size_limit_is_20_mb(settings: Settings) -> None:
    assert settings.render_max_image_bytes == 20 * 1024 * 1024


async def test_a_decompression_bomb_is_refused_naming_its_size(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    message = await refusal(database, settings, alice, f"{photo_server.url}/bomb.png")

    assert "8000x8000 (64,000,000 pixels)" in message
    assert "40-megapixel limit" in message
    assert "decompression bomb" in message


async def test_a_url_that_never_finishes_times_out(
    database: Database, settings: Settings, alice: User, photo_server: PhotoServer
) -> None:
    impatient = settings_with(settings, render_fetch_timeout_seconds=0.3)

    message = await refusal(database, impatient, alice, f"{photo_server.url}/slow")

    assert message == "imageURL did not answer within 0.3 seconds (timeout)"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://example.com/cat.jpg", "imageURL refused: the URL scheme must be http or https"),
        ("http://user:secret@example.com/cat.jpg", "imageURL refused: the URL must not carry"),
    ],
)
async def test_urls_that_are_not_plain_http_are_refused(
    database: Database, settings: Settings, alice: User, url: str, expected: str
) -> None:
    assert (await refusal(database, settings, alice, url)).startswith(expected)


async def upload(settings: Settings, secret: str, data: bytes) -> str:
    application = create_app(settings, migrate=False)
    async with (
        application.router.lifespan_context(application),
        AsyncClient(transport=ASGITransport(app=application), base_url="http://testserver") as http,
    ):
        response = await http.post(
            "/pins/upload-image",
            files={"file": ("photo.jpg", data, "image/jpeg")},
            headers=bearer(secret),
        )
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    return url


async def test_our_own_media_is_read_from_disk(
    database: Database, settings: Settings, factory: Factory
) -> None:
    # Private URLs closed and nothing listening at the public URL: only the disk can answer.
    closed = settings_with(settings, allow_private_urls=False)
    user, secret = await factory.user_with_key("carol")
    photo = (PHOTOS / "coffee.jpg").read_bytes()
    url = await upload(closed, secret, photo)
    assert url.startswith("http://127.0.0.1:8000/media/uploads/")

    assert same_pixels(await load(database, closed, user, url), "coffee.jpg")
    relative = "/media/" + url.split("/media/")[1]
    assert same_pixels(await load(database, closed, user, relative), "coffee.jpg")


async def test_another_users_media_is_not_found(
    database: Database, settings: Settings, factory: Factory, alice: User
) -> None:
    _, secret = await factory.user_with_key("mallory")
    url = await upload(settings, secret, (PHOTOS / "cat.jpg").read_bytes())

    message = await refusal(database, settings, alice, url)

    assert message == f"imageURL {url} is not one of your images on this server"


async def test_own_media_gone_from_disk_is_reported(
    database: Database, settings: Settings, factory: Factory
) -> None:
    user, secret = await factory.user_with_key("dora")
    url = await upload(settings, secret, samples.jpeg())
    (settings.media_path / url.split("/media/")[1]).unlink()

    message = await refusal(database, settings, user, url)

    assert message == f"imageURL {url} no longer exists on this server"
