"""/templates: the built-ins (read-only), a user's own templates, and previews."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from PIL import Image

from pinsmith.app import create_app
from pinsmith.config import Settings
from pinsmith.render import BUILTIN_NAMES
from tests.conftest import Factory, bearer, make_settings
from tests.templates.photo_server import PhotoServer

pytestmark = pytest.mark.db

BOX = {"x": 100, "y": 100, "width": 800, "height": 300}
SPEC: dict[str, Any] = {
    "width": 600,
    "height": 900,
    "layers": [
        {"kind": "image", "box": {"x": 0, "y": 0, "width": 600, "height": 600}},
        {"kind": "shape", "shape": "rectangle", "box": BOX, "fill": "primary"},
        {"kind": "text", "name": "Title", "text": "{title}", "box": BOX, "font": "Inter"},
    ],
}


@pytest.fixture
async def alice(factory: Factory) -> dict[str, str]:
    _, secret = await factory.user_with_key("alice")
    return bearer(secret)


@pytest.fixture
async def bob(factory: Factory) -> dict[str, str]:
    _, secret = await factory.user_with_key("bob")
    return bearer(secret)


async def create(client: AsyncClient, who: dict[str, str], name: str = "Mine") -> dict[str, Any]:
    response = await client.post("/templates", json={"name": name, "spec": SPEC}, headers=who)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def jpeg_size(content: bytes) -> tuple[int, int]:
    with Image.open(BytesIO(content)) as image:
        assert image.format == "JPEG"
        return image.size


async def test_the_list_starts_with_the_15_builtins_then_the_users_own(
    client: AsyncClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    mine = await create(client, alice, "Recipes")
    await create(client, bob, "Not yours")

    listed = (await client.get("/templates", headers=alice)).json()

    assert [entry["id"] for entry in listed[:15]] == list(BUILTIN_NAMES)
    assert listed[0] == {
        "id": "CenterWave",
        "name": "Center wave",
        "style": "Wavey",
        "builtin": True,
        "created_at": None,
        "updated_at": None,
    }
    assert [(entry["id"], entry["name"], entry["builtin"]) for entry in listed[15:]] == [
        (mine["id"], "Recipes", False)
    ]


async def test_templates_need_a_caller(client: AsyncClient) -> None:
    assert (await client.get("/templates")).status_code == 401


async def test_a_custom_template_is_created_read_changed_and_deleted(
    client: AsyncClient, alice: dict[str, str]
) -> None:
    created = await create(client, alice)
    assert created["builtin"] is False
    assert created["spec"]["layers"][2]["font"] == "inter"  # as the renderer reads it
    path = f"/templates/{created['id']}"

    fetched = (await client.get(path, headers=alice)).json()
    renamed = await client.put(path, json={"name": "Renamed"}, headers=alice)
    deleted = await client.delete(path, headers=alice)

    assert fetched["spec"] == created["spec"]
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["spec"]) == ("Renamed", created["spec"])
    assert deleted.status_code == 204
    assert (await client.get(path, headers=alice)).status_code == 404


async def test_a_spec_change_is_checked_like_a_new_spec(
    client: AsyncClient, alice: dict[str, str]
) -> None:
    created = await create(client, alice)
    changed = SPEC | {"background": "#112233"}
    broken = SPEC | {"layers": [SPEC["layers"][0], {"kind": "text", "box": BOX}]}

    ok = await client.put(f"/templates/{created['id']}", json={"spec": changed}, headers=alice)
    refused = await client.put(f"/templates/{created['id']}", json={"spec": broken}, headers=alice)

    assert ok.json()["spec"]["background"] == "#112233"
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "spec", "layers", 1, "text"]


async def test_another_users_template_is_not_found(
    client: AsyncClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    path = f"/templates/{(await create(client, alice))['id']}"

    answers = [
        await client.get(path, headers=bob),
        await client.put(path, json={"name": "Mine now"}, headers=bob),
        await client.delete(path, headers=bob),
        await client.post(f"{path}/preview", headers=bob),
    ]

    assert [answer.status_code for answer in answers] == [404] * 4
    assert answers[0].json() == {"detail": "Template not found"}
    assert (await client.get(path, headers=alice)).json()["name"] == "Mine"


@pytest.mark.parametrize(
    "template_id", ["424242", "NoSuchTemplate", "standardtemplate", "99999999999"]
)
async def test_an_unknown_template_is_not_found(
    client: AsyncClient, alice: dict[str, str], template_id: str
) -> None:
    response = await client.get(f"/templates/{template_id}", headers=alice)

    assert response.status_code == 404


async def test_a_builtin_is_read_with_its_spec(client: AsyncClient, alice: dict[str, str]) -> None:
    response = await client.get("/templates/StandardTemplate", headers=alice)

    body = response.json()
    assert (body["id"], body["name"], body["style"], body["builtin"]) == (
        "StandardTemplate",
        "Standard",
        "Standard",
        True,
    )
    assert body["spec"]["layers"]


async def test_a_builtins_spec_can_be_saved_as_a_custom_template(
    client: AsyncClient, alice: dict[str, str]
) -> None:
    builtin = (await client.get("/templates/CenterWave", headers=alice)).json()

    response = await client.post(
        "/templates", json={"name": "My wave", "spec": builtin["spec"]}, headers=alice
    )

    assert response.status_code == 201
    assert response.json()["spec"] == builtin["spec"]


async def test_builtins_are_read_only(client: AsyncClient, alice: dict[str, str]) -> None:
    changed = await client.put("/templates/StandardTemplate", json={"name": "x"}, headers=alice)
    deleted = await client.delete("/templates/StandardTemplate", headers=alice)

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert "StandardTemplate is a built-in template" in changed.json()["detail"]
    assert "POST /templates" in deleted.json()["detail"]


async def test_a_bad_spec_is_a_422_located_at_its_layer(
    client: AsyncClient, alice: dict[str, str]
) -> None:
    layers = [*SPEC["layers"], {"kind": "text", "name": "Title", "text": "x", "box": BOX}]
    layers[3] = layers[3] | {"font": "Wingdings"}

    response = await client.post(
        "/templates", json={"name": "Bad", "spec": SPEC | {"layers": layers}}, headers=alice
    )

    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["body", "spec", "layers", 3, "font"]
    assert problem["msg"].startswith("layer 3 ('Title'): unknown font 'Wingdings'")
    assert (await client.get("/templates", headers=alice)).json()[15:] == []


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"spec": SPEC}, ["body", "name"]),
        ({"name": "", "spec": SPEC}, ["body", "name"]),
        ({"name": "x" * 101, "spec": SPEC}, ["body", "name"]),
        ({"name": "No spec"}, ["body", "spec"]),
        ({"name": "List", "spec": [1, 2]}, ["body", "spec"]),
    ],
)
async def test_a_bad_body_is_fastapis_422(
    client: AsyncClient, alice: dict[str, str], body: dict[str, Any], loc: list[str]
) -> None:
    response = await client.post("/templates", json=body, headers=alice)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


async def test_custom_templates_are_capped_per_account(
    settings: Settings, factory: Factory
) -> None:
    capped = make_settings(settings.data_dir, settings.database_url, max_custom_templates=2)
    _, secret = await factory.user_with_key("hoarder")
    application = create_app(capped, migrate=False)
    async with (
        application.router.lifespan_context(application),
        AsyncClient(transport=ASGITransport(app=application), base_url="http://testserver") as http,
    ):
        await create(http, bearer(secret), "one")
        await create(http, bearer(secret), "two")
        refused = await http.post(
            "/templates", json={"name": "three", "spec": SPEC}, headers=bearer(secret)
        )

    assert refused.status_code == 409
    assert refused.json() == {"detail": "At most 2 custom templates per account: delete one first"}


# --- previews --------------------------------------------------------------------------------


async def test_a_builtin_previews_as_jpeg_with_sample_text(
    client: AsyncClient, alice: dict[str, str]
) -> None:
    response = await client.post("/templates/StandardTemplate/preview", headers=alice)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert jpeg_size(response.content) == (1000, 1500)


async def test_a_custom_template_previews_with_the_given_photo_and_colour(
    client: AsyncClient, alice: dict[str, str], photo_server: PhotoServer
) -> None:
    created = await create(client, alice)
    body = {"title": "Hello", "color": "ae3ac4", "imageURL": photo_server.photo("cat")}

    response = await client.post(f"/templates/{created['id']}/preview", json=body, headers=alice)

    assert response.status_code == 200, response.text
    assert jpeg_size(response.content) == (600, 900)
    assert photo_server.requests == ["/photos/cat.jpg"]


async def test_random_template_previews(client: AsyncClient, alice: dict[str, str]) -> None:
    response = await client.post(
        "/templates/RandomTemplate/preview", json={"custom1": "Sale"}, headers=alice
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"


async def test_a_preview_photo_failure_is_a_400_naming_the_cause(
    client: AsyncClient, alice: dict[str, str], photo_server: PhotoServer
) -> None:
    response = await client.post(
        "/templates/ImageOnly/preview",
        json={"imageURL": f"{photo_server.url}/status?code=410"},
        headers=alice,
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The image URL answered 410"}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"color": "purple"}, ["body", "color"]),
        ({"title": 5}, ["body", "title"]),
        ({"subtitle": "x"}, ["body"]),
        ({"custom7": ["x"]}, ["body"]),
    ],
)
async def test_a_bad_preview_body_is_a_422(
    client: AsyncClient, alice: dict[str, str], body: dict[str, Any], loc: list[str]
) -> None:
    response = await client.post("/templates/StandardTemplate/preview", json=body, headers=alice)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


async def test_previewing_an_unknown_template_is_not_found(
    client: AsyncClient, alice: dict[str, str]
) -> None:
    response = await client.post("/templates/Nope/preview", headers=alice)

    assert response.status_code == 404
    assert response.json() == {"detail": "Template not found"}
