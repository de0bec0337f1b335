"""POST /api/generateImage: a pin image rendered, hosted by pinsmith, paid with one credit."""

from __future__ import annotations

import asyncio
from io import BytesIO
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from PIL import Image

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.templates import renders
from tests.compat.conftest import Caller
from tests.compat.support import call, credits_of, media_of, renders_under, set_credits
from tests.conftest import sandboxed_with
from tests.templates.photo_server import PhotoServer

pytestmark = pytest.mark.db

MEDIA_URL = "http://testserver/media/renders/"
TEXT_ONLY: dict[str, Any] = {
    "width": 500,
    "height": 750,
    "layers": [
        {
            "kind": "text",
            "name": "Title",
            "text": "{title} / {custom1}",
            "box": {"x": 20, "y": 20, "width": 460, "height": 300},
        }
    ],
}


def body(**fields: Any) -> dict[str, Any]:
    return {"template": "StandardTemplate", "title": "10 Best Beaches in Brazil"} | fields


def jpeg(content: bytes) -> Image.Image:
    image = Image.open(BytesIO(content))
    assert image.format == "JPEG"
    return image


async def custom_template(client: AsyncClient, who: Caller) -> int:
    response = await client.post(
        "/templates",
        json={"name": "Text only", "spec": TEXT_ONLY},
        headers={"Authorization": f"Bearer {who.key}"},
    )
    assert response.status_code == 201, response.text
    template_id: int = response.json()["id"]
    return template_id


async def test_the_image_is_hosted_by_pinsmith_and_recorded_as_the_users_media(
    sandboxed_client: AsyncClient,
    rosa: Caller,
    database: Database,
    sandboxed_settings: Settings,
    photo_server: PhotoServer,
) -> None:
    request = body(
        imageURL=photo_server.photo("coffee"),
        url="https://yourblog.com/best-beaches-brazil",
        urlText="yourblog.com",
        color="ae3ac4",
        description="Discover the most beautiful beaches in Brazil",
        custom1="Sale ends Friday",
        Custom2="20% off",
    )

    response = await call(sandboxed_client, "generateImage", rosa.key, request)

    assert response.status_code == 200, response.text
    assert list(response.json()) == ["imageURL"]
    url = response.json()["imageURL"]
    assert url.startswith(MEDIA_URL)
    assert url.endswith(".jpg")
    served = await sandboxed_client.get(url)
    assert served.status_code == 200
    assert jpeg(served.content).size == (1000, 1500)
    (row,) = await media_of(database, rosa.user_id)
    assert (row.path, row.publish_path) == (url.removeprefix("http://testserver/media/"),) * 2
    assert (row.content_type, row.width, row.height) == ("image/jpeg", 1000, 1500)
    assert renders_under(sandboxed_settings.media_path) == [
        sandboxed_settings.media_path / row.path
    ]
    assert photo_server.requests == ["/photos/coffee.jpg"]


async def test_a_title_longer_than_pinterests_100_is_fine_on_an_image(
    sandboxed_client: AsyncClient, rosa: Caller
) -> None:
    response = await call(sandboxed_client, "generateImage", rosa.key, body(title="word " * 60))

    assert response.status_code == 200, response.text


async def test_random_template_and_every_builtin_render(
    sandboxed_client: AsyncClient, rosa: Caller
) -> None:
    response = await call(
        sandboxed_client, "generateImage", rosa.key, body(template="RandomTemplate")
    )

    assert response.status_code == 200, response.text


async def test_a_custom_templates_id_works_as_text_or_number(
    sandboxed_client: AsyncClient, rosa: Caller
) -> None:
    template_id = await custom_template(sandboxed_client, rosa)

    as_text = await call(
        sandboxed_client, "generateImage", rosa.key, body(template=str(template_id))
    )
    as_number = await call(sandboxed_client, "generateImage", rosa.key, body(template=template_id))

    assert (as_text.status_code, as_number.status_code) == (200, 200), as_text.text
    assert jpeg((await sandboxed_client.get(as_text.json()["imageURL"])).content).size == (500, 750)


async def test_another_users_template_is_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, bob: Caller, database: Database
) -> None:
    template_id = await custom_template(sandboxed_client, bob)
    await set_credits(database, rosa.user_id, 5)

    response = await call(sandboxed_client, "generateImage", rosa.key, body(template=template_id))

    assert (response.status_code, response.json()) == (404, {"error": "Template not found"})
    assert await credits_of(database, rosa.user_id) == 5


@pytest.mark.parametrize("template", ["NoSuchTemplate", "standardtemplate", "987654", "1e9"])
async def test_an_unknown_template_is_not_found(
    sandboxed_client: AsyncClient, rosa: Caller, template: str
) -> None:
    response = await call(sandboxed_client, "generateImage", rosa.key, body(template=template))

    assert (response.status_code, response.json()) == (404, {"error": "Template not found"})


# --- credits ---------------------------------------------------------------------------------


async def test_a_call_spends_one_credit(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    await set_credits(database, rosa.user_id, 2)

    response = await call(sandboxed_client, "generateImage", rosa.key, body())

    assert response.status_code == 200, response.text
    assert await credits_of(database, rosa.user_id) == 1


async def test_unlimited_credits_stay_unlimited(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database
) -> None:
    for _ in range(2):
        response = await call(sandboxed_client, "generateImage", rosa.key, body())
        assert response.status_code == 200, response.text

    assert await credits_of(database, rosa.user_id) is None


async def test_without_credits_nothing_is_done(
    sandboxed_client: AsyncClient,
    rosa: Caller,
    database: Database,
    sandboxed_settings: Settings,
    photo_server: PhotoServer,
) -> None:
    await set_credits(database, rosa.user_id, 0)

    response = await call(
        sandboxed_client, "generateImage", rosa.key, body(imageURL=photo_server.photo())
    )

    assert response.status_code == 402
    assert response.json() == {"error": "Pin generation credits depleted"}
    assert photo_server.requests == []  # refused before any work
    assert renders_under(sandboxed_settings.media_path) == []
    assert await credits_of(database, rosa.user_id) == 0


async def test_a_failed_call_spends_nothing(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database, photo_server: PhotoServer
) -> None:
    await set_credits(database, rosa.user_id, 1)

    response = await call(
        sandboxed_client,
        "generateImage",
        rosa.key,
        body(imageURL=f"{photo_server.url}/page.html"),
    )

    assert response.status_code == 400
    assert response.json()["error"].startswith("imageURL is not an image:")
    assert await credits_of(database, rosa.user_id) == 1


async def test_the_last_credit_is_spent_once_when_two_calls_race(
    sandboxed_client: AsyncClient, rosa: Caller, database: Database, sandboxed_settings: Settings
) -> None:
    await set_credits(database, rosa.user_id, 1)

    answers = await asyncio.gather(
        *(call(sandboxed_client, "generateImage", rosa.key, body()) for _ in range(2))
    )

    assert sorted(answer.status_code for answer in answers) == [200, 402]
    assert await credits_of(database, rosa.user_id) == 0
    assert len(await media_of(database, rosa.user_id)) == 1
    assert len(renders_under(sandboxed_settings.media_path)) == 1  # the loser's file is gone


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_body", "error"),
    [
        ({}, "template is required"),
        ({"title": "Hello"}, "template is required"),
        ({"template": "", "title": "Hello"}, "template is required"),
        ({"template": None, "title": "Hello"}, "template is required"),
        ({"template": "StandardTemplate"}, "title is required"),
        ({"template": "StandardTemplate", "title": "   "}, "title is required"),
        ({"template": ["StandardTemplate"], "title": "Hello"}, "template must be a string"),
        ({"template": "StandardTemplate", "title": 12}, "title must be a string"),
        (body(imageURL=5), "imageURL must be a string"),
        (body(color="purple"), "color must be a hex colour like ae3ac4 or #ae3ac4"),
        (body(custom1={"text": "x"}), "custom1 must be a string"),
        (body(title="x" * 2001), "title must be at most 2000 characters"),
    ],
)
async def test_a_bad_body_names_the_first_problem(
    sandboxed_client: AsyncClient,
    rosa: Caller,
    database: Database,
    request_body: dict[str, Any],
    error: str,
) -> None:
    await set_credits(database, rosa.user_id, 1)

    response = await call(sandboxed_client, "generateImage", rosa.key, request_body)

    assert (response.status_code, response.json()) == (400, {"error": error})
    assert await credits_of(database, rosa.user_id) == 1


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            b"template=StandardTemplate",
            "The request body must be JSON (Content-Type: application/json)",
        ),
        (b"[1, 2]", "The request body must be a JSON object"),
        (b'"StandardTemplate"', "The request body must be a JSON object"),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_a_400(
    sandboxed_client: AsyncClient, rosa: Caller, content: bytes, error: str
) -> None:
    response = await sandboxed_client.post(
        "/api/generateImage", content=content, headers={"access_key": rosa.key}
    )

    assert (response.status_code, response.json()) == (400, {"error": error})


async def test_a_private_image_url_is_refused_by_default(
    rosa: Caller, sandboxed_settings: Settings, photo_server: PhotoServer, database: Database
) -> None:
    closed = sandboxed_with(sandboxed_settings, allow_private_urls=False)
    application = create_app(closed, migrate=False)
    async with (
        application.router.lifespan_context(application),
        AsyncClient(transport=ASGITransport(app=application), base_url="http://testserver") as http,
    ):
        response = await call(http, "generateImage", rosa.key, body(imageURL=photo_server.photo()))

    assert response.status_code == 400
    assert response.json()["error"].startswith("imageURL refused: 127.0.0.1 is a loopback address")
    assert photo_server.requests == []


async def test_a_render_failure_is_a_500_that_spends_nothing(
    sandboxed_client: AsyncClient,
    rosa: Caller,
    database: Database,
    sandboxed_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("a bug in a layer")

    monkeypatch.setattr(renders, "render_jpeg", broken)
    await set_credits(database, rosa.user_id, 1)

    response = await call(sandboxed_client, "generateImage", rosa.key, body())

    assert (response.status_code, response.json()) == (500, {"error": "Unable to generate image"})
    assert await credits_of(database, rosa.user_id) == 1
    assert renders_under(sandboxed_settings.media_path) == []
