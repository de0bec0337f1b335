"""Fault injection: errors (seeded rates and "next N calls"), latency, spam blocks and
commit-then-drop, set over HTTP, from Python or by config."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pinsmith.sandbox import Board, FaultRule, Sandbox, create_sandbox_app
from tests.conftest import Clock
from tests.sandbox.conformance import PinterestApi, error_of
from tests.sandbox.conftest import (
    Account,
    Sleeper,
    account,
    client_for,
    image_url_source,
    make_config,
)


@pytest.fixture
def board(sandbox: Sandbox, alice: Account) -> Board:
    return sandbox.add_board(alice.user.id, "Board")


async def create_pin(api: PinterestApi, account: Account, board: Board, title: str = "Pin") -> Any:
    body = {"board_id": board.id, "title": title, "media_source": image_url_source()}
    return await api.post("/v5/pins", headers=account.headers, json=body)


async def test_next_n_calls_fail_with_the_given_answer(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board
) -> None:
    added = await api.post(
        "/_sandbox/faults",
        json={"route": "POST /v5/pins", "action": "error", "status": 503, "times": 2},
    )

    answers = [await create_pin(api, alice, board, f"Pin {n}") for n in range(3)]

    assert added.status_code == 201
    assert added.json()[0]["remaining"] == 2
    assert [answer.status_code for answer in answers] == [503, 503, 201]
    assert error_of(answers[0]) == (503, 503, "Service Unavailable.")
    assert [pin.title for pin in sandbox.pins_on_board(board.id)] == ["Pin 2"]
    assert (await api.get("/_sandbox/faults")).json() == []


async def test_an_error_answer_can_carry_any_pinterest_code(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board
) -> None:
    sandbox.add_fault(
        {
            "route": "GET /v5/boards/{board_id}",
            "action": "error",
            "status": 500,
            "code": 4197,
            "message": "Ramped down.",
        }
    )
    sandbox.add_fault({"route": "GET /v5/pins", "action": "error", "status": 400})

    answer = await api.get(f"/v5/boards/{board.id}", headers=alice.headers)
    bad_request = await api.get("/v5/pins", headers=alice.headers)

    assert error_of(answer) == (500, 4197, "Ramped down.")
    assert error_of(bad_request) == (400, 1, "Invalid parameters.")


async def test_a_seeded_error_rate_repeats_exactly(
    clock: Clock, sleeper: Sleeper, pinterest_openapi: Any
) -> None:
    rule = FaultRule(route="GET /v5/boards", action="error", rate=0.5, seed=7, status=500)

    async def outcomes() -> list[int]:
        app = create_sandbox_app(make_config(clock, sleeper, faults=[rule]))
        caller = account(app.state.sandbox, "alice")
        async with client_for(app, pinterest_openapi) as api:
            return [
                (await api.get("/v5/boards", headers=caller.headers)).status_code for _ in range(20)
            ]

    first, second = await outcomes(), await outcomes()

    assert first == second
    assert first.count(500) in range(4, 17)
    assert set(first) == {200, 500}


async def test_latency_waits_before_answering(
    api: PinterestApi, sandbox: Sandbox, sleeper: Sleeper, alice: Account
) -> None:
    sandbox.add_fault({"route": "GET /v5/user_account", "action": "latency", "latency": 0.75})

    response = await api.get("/v5/user_account", headers=alice.headers)

    assert response.status_code == 200
    assert sleeper.waits == [0.75]


async def test_spam_block_is_a_429_that_says_spam(
    api: PinterestApi, sandbox: Sandbox, alice: Account, board: Board
) -> None:
    sandbox.add_fault({"route": "POST /v5/pins", "action": "spam_block"})

    response = await create_pin(api, alice, board)

    status, code, message = error_of(response)
    assert (status, code) == (429, 8)
    assert "spam" in message
    assert sandbox.pins_on_board(board.id) == []


async def test_commit_then_drop_creates_the_pin_and_withholds_the_answer(
    api: PinterestApi, sandbox: Sandbox, sleeper: Sleeper, alice: Account, board: Board
) -> None:
    sandbox.add_fault({"route": "POST /v5/pins", "action": "commit_then_drop", "times": 1})
    sleeper.hold = True

    call = asyncio.create_task(create_pin(api, alice, board, "Dropped"))
    await sleeper.held()  # the request ran until the sandbox held its answer back

    assert sleeper.waits == [120.0]  # longer than any client timeout
    assert not call.done()
    assert [pin.title for pin in sandbox.pins_on_board(board.id)] == ["Dropped"]
    call.cancel()  # the client gives up, as on a timeout
    with pytest.raises(asyncio.CancelledError):
        await call
    assert [pin.title for pin in sandbox.pins_on_board(board.id)] == ["Dropped"]


async def test_a_dropped_answer_arrives_after_the_drop_time(
    api: PinterestApi, sandbox: Sandbox, sleeper: Sleeper, alice: Account, board: Board
) -> None:
    sandbox.add_fault(
        {"route": "POST /v5/pins", "action": "commit_then_drop", "drop_seconds": 2.5, "times": 1}
    )
    sleeper.hold = True

    call = asyncio.create_task(create_pin(api, alice, board, "Late"))
    await sleeper.held()
    sleeper.release.set()  # the drop time has passed
    response = await call

    assert sleeper.waits == [2.5]
    assert response.status_code == 201
    assert response.json()["title"] == "Late"


async def test_faults_are_listed_and_cleared(api: PinterestApi, sandbox: Sandbox) -> None:
    await api.post(
        "/_sandbox/faults",
        json=[
            {"route": "post /v5/pins", "action": "spam_block"},
            {"route": "GET /v5/boards", "action": "latency", "latency": 1},
        ],
    )

    listed = await api.get("/_sandbox/faults")
    state = await api.get("/_sandbox/state")
    cleared = await api.delete("/_sandbox/faults")

    assert [fault["route"] for fault in listed.json()] == ["POST /v5/pins", "GET /v5/boards"]
    assert state.json()["counts"]["faults"] == 2
    assert cleared.status_code == 204
    assert sandbox.faults.active() == []


async def test_a_fault_on_an_unknown_route_is_refused(api: PinterestApi, sandbox: Sandbox) -> None:
    typo = await api.post(
        "/_sandbox/faults", json={"route": "POST /v5/pin", "action": "spam_block"}
    )
    no_method = await api.post(
        "/_sandbox/faults", json={"route": "/v5/pins", "action": "spam_block"}
    )

    assert error_of(typo)[:2] == (400, 1)
    assert "unknown route" in error_of(typo)[2]
    assert error_of(no_method)[:2] == (400, 1)
    with pytest.raises(ValueError, match="unknown route"):
        sandbox.add_fault({"route": "GET /v5/nowhere", "action": "spam_block"})


async def test_faults_from_the_config_apply_from_the_start(
    clock: Clock, sleeper: Sleeper, pinterest_openapi: Any
) -> None:
    rule = FaultRule(route="GET /v5/user_account", action="error", status=503, times=1)
    app = create_sandbox_app(make_config(clock, sleeper, faults=[rule]))
    caller = account(app.state.sandbox, "alice")

    async with client_for(app, pinterest_openapi) as api:
        first = await api.get("/v5/user_account", headers=caller.headers)
        second = await api.get("/v5/user_account", headers=caller.headers)

    assert (first.status_code, second.status_code) == (503, 200)


def test_a_config_fault_on_an_unknown_route_fails_at_startup(
    clock: Clock, sleeper: Sleeper
) -> None:
    rule = FaultRule(route="GET /v5/unknown", action="spam_block")

    with pytest.raises(ValueError, match="unknown route"):
        create_sandbox_app(make_config(clock, sleeper, faults=[rule]))
