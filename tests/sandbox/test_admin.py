"""/_sandbox: the state summary, served files and the emulator's own API docs."""

from __future__ import annotations

from pinsmith.sandbox import Sandbox
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import Account


async def test_state_counts_what_the_sandbox_holds(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    board = sandbox.add_board(alice.user.id, "Board")
    sandbox.add_pin(board.id)
    sandbox.add_pin(board.id)

    state = (await api.get("/_sandbox/state")).json()

    assert state["counts"]["users"] == 1
    assert state["counts"]["boards"] == 1
    assert state["counts"]["pins"] == 2
    assert state["counts"]["clients"] == 1
    assert state["users"] == [{"id": alice.user.id, "username": "alice"}]


async def test_seeded_pins_show_the_placeholder_picture(
    api: PinterestApi, sandbox: Sandbox, alice: Account
) -> None:
    pin = sandbox.add_pin(sandbox.add_board(alice.user.id, "Board").id)

    body = (await api.get(f"/v5/pins/{pin.id}", headers=alice.headers)).json()
    picture = await api.get(body["media"]["images"]["150x150"]["url"])

    assert body["media"]["images"]["1200x"]["height"] == 1500
    assert picture.headers["content-type"] == "image/png"


async def test_unknown_files_are_not_found(api: PinterestApi) -> None:
    response = await api.get("/_sandbox/files/123")

    assert error_of(response) == (404, 404, "Not found.")


async def test_the_emulator_documents_its_own_api(api: PinterestApi) -> None:
    schema = await api.get("/_sandbox/openapi.json")
    docs = await api.get("/_sandbox/docs")

    assert "/v5/pins" in schema.json()["paths"]
    assert docs.status_code == 200
