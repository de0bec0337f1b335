"""With ``state_path``, the sandbox's world survives a restart (one JSON snapshot in SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pinsmith.sandbox import create_sandbox_app
from tests.conftest import Clock
from tests.sandbox.conftest import CLIENT_ID, Sleeper, client_for, image_base64, make_config


async def test_state_survives_a_restart(
    tmp_path: Path, clock: Clock, sleeper: Sleeper, pinterest_openapi: Any
) -> None:
    config = make_config(clock, sleeper, state_path=tmp_path / "sandbox" / "state.db")
    first = create_sandbox_app(config)
    user = first.state.sandbox.add_user("alice")
    tokens = first.state.sandbox.issue_tokens(user.id, CLIENT_ID)
    async with client_for(first, pinterest_openapi) as api:
        board = (await api.post("/v5/boards", headers=tokens.headers, json={"name": "B"})).json()
        await api.patch(
            f"/v5/boards/{board['id']}", headers=tokens.headers, json={"name": "Renamed"}
        )
        source = {
            "source_type": "image_base64",
            "content_type": "image/png",
            "data": image_base64(),
        }
        pin = (
            await api.post(
                "/v5/pins",
                headers=tokens.headers,
                json={"board_id": board["id"], "media_source": source},
            )
        ).json()

    second = create_sandbox_app(config)
    async with client_for(second, pinterest_openapi) as api:
        again = await api.get(f"/v5/boards/{board['id']}", headers=tokens.headers)
        picture = await api.get(pin["media"]["images"]["600x"]["url"])
        newer = await api.post("/v5/boards", headers=tokens.headers, json={"name": "Newer"})

    assert again.json()["name"] == "Renamed"
    assert again.json()["pin_count"] == 1
    assert picture.content.startswith(b"\x89PNG")
    assert int(newer.json()["id"]) > int(pin["id"])


def test_without_a_state_path_nothing_is_written(
    tmp_path: Path, clock: Clock, sleeper: Sleeper, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    app = create_sandbox_app(make_config(clock, sleeper))

    app.state.sandbox.add_user("alice")

    assert list(tmp_path.iterdir()) == []
