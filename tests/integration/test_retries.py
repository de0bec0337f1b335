"""Writes go to Pinterest exactly once, whatever comes back; reads are tried again.

Each fault here fires once (``times=1``): a client that sent the write a second time would see it
succeed, so "raised, and nothing (or exactly one thing) was made" proves a single attempt.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from pinsmith.pinterest import (
    ImageUrl,
    PinterestClient,
    PinterestError,
    PinterestTimeout,
    RateLimited,
    ServerError,
)
from pinsmith.sandbox import Board, Pin, Sandbox
from tests.integration.conftest import Account, Host

IMAGE = ImageUrl("https://images.example.com/pin.jpg")
PINS = "POST /v5/pins"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"status": 500}, ServerError),
        ({"status": 503, "code": 4197, "message": "Ramped down."}, ServerError),
        ({"status": 429}, RateLimited),
        ({"action": "spam_block"}, RateLimited),
    ],
    ids=["500", "503", "429", "spam"],
)
async def test_a_pin_refused_once_is_not_sent_again(
    host: Host, alice: Account, fault: dict[str, Any], error: type[PinterestError]
) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    host.fault(PINS, **({"action": "error", "times": 1} | fault))

    with pytest.raises(error):
        await alice.client.create_pin(board.id, media_source=IMAGE, title="Once")

    assert host.sandbox.faults.active() == []  # the fault fired...
    assert host.sandbox.pins_on_board(board.id) == []  # ...and nothing came after it


async def test_a_pin_whose_answer_was_dropped_exists_exactly_once(
    host: Host, alice: Account
) -> None:
    board = host.sandbox.add_board(alice.user.id, "Board")
    impatient = host.client(alice.store, timeout=httpx.Timeout(10.0, read=0.1))
    host.fault(PINS, "commit_then_drop", times=1)

    with pytest.raises(PinterestTimeout) as raised:
        await impatient.create_pin(board.id, media_source=IMAGE, title="Once")

    assert raised.value.reached_pinterest  # the outcome is unknown to the client...
    await host.held.wait_entered()
    assert [pin.title for pin in host.sandbox.pins_on_board(board.id)] == ["Once"]  # ...not here


@dataclass(frozen=True)
class World:
    """What each write acts on: alice's board with one pin, and bob to follow."""

    board: Board
    pin: Pin

    @classmethod
    def seed(cls, sandbox: Sandbox, owner: Account) -> World:
        sandbox.add_user("bob")
        board = sandbox.add_board(owner.user.id, "Board")
        return cls(board.model_copy(), sandbox.add_pin(board.id, title="Seeded"))

    def untouched(self, sandbox: Sandbox) -> bool:
        """Nothing any of the writes below would change has changed."""
        board = sandbox.board(self.board.id)
        return (
            len(sandbox.state.boards) == 1
            and board == self.board
            and sandbox.sections_of(self.board.id) == []
            and [pin.title for pin in sandbox.pins_on_board(self.board.id)] == ["Seeded"]
            and sandbox.state.media == {}
            and all(not user.following_user_ids for user in sandbox.users())
        )


Write = Callable[[PinterestClient, World], Awaitable[object]]
WRITES: dict[str, tuple[str, Write]] = {
    "create_board": ("POST /v5/boards", lambda c, w: c.create_board("New")),
    "update_board": (
        "PATCH /v5/boards/{board_id}",
        lambda c, w: c.update_board(w.board.id, name="Renamed"),
    ),
    "delete_board": ("DELETE /v5/boards/{board_id}", lambda c, w: c.delete_board(w.board.id)),
    "create_section": (
        "POST /v5/boards/{board_id}/sections",
        lambda c, w: c.create_section(w.board.id, "New"),
    ),
    "update_pin": ("PATCH /v5/pins/{pin_id}", lambda c, w: c.update_pin(w.pin.id, title="New")),
    "delete_pin": ("DELETE /v5/pins/{pin_id}", lambda c, w: c.delete_pin(w.pin.id)),
    "register_video": ("POST /v5/media", lambda c, w: c.register_video()),
    "follow_user": (
        "POST /v5/user_account/following/{username}",
        lambda c, w: c.follow_user("bob"),
    ),
}


@pytest.mark.parametrize("status", [500, 429])
@pytest.mark.parametrize("write", list(WRITES))
async def test_no_write_is_sent_twice(host: Host, alice: Account, write: str, status: int) -> None:
    route, send = WRITES[write]
    world = World.seed(host.sandbox, alice)
    host.fault(route, status=status, times=1)

    with pytest.raises(PinterestError) as raised:
        await send(alice.client, world)

    assert raised.value.status == status
    assert host.sandbox.faults.active() == []
    assert world.untouched(host.sandbox)


async def test_a_read_that_fails_for_a_moment_is_tried_again(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Steady")
    host.fault("GET /v5/boards/{board_id}", status=503, times=2)
    host.fault("GET /v5/user_account", status=429, times=1)

    read = await alice.client.get_board(board.id)
    account = await alice.client.get_user_account()

    assert (read.id, read.name) == (board.id, "Steady")
    assert account.username == "alice"
    assert host.sandbox.faults.active() == []


async def test_a_read_whose_answer_was_dropped_is_tried_again(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Steady")
    impatient = host.client(alice.store, timeout=httpx.Timeout(10.0, read=0.1))
    host.fault("GET /v5/boards", "commit_then_drop", times=1)

    boards = await impatient.list_boards()

    assert [b.id for b in boards] == [board.id]
    assert host.held.waits == [host.sandbox.config.drop_seconds]


async def test_a_read_gives_up_after_its_attempts(host: Host, alice: Account) -> None:
    host.fault("GET /v5/boards", status=500)

    with pytest.raises(ServerError):
        await alice.client.list_boards()

    assert host.fired("GET /v5/boards") == 4  # RetryPolicy's attempts


async def test_a_read_blocked_as_spam_is_not_tried_again(host: Host, alice: Account) -> None:
    host.fault("GET /v5/boards", "spam_block")

    with pytest.raises(RateLimited) as raised:
        await alice.client.list_boards()

    assert raised.value.is_spam_block
    assert host.fired("GET /v5/boards") == 1
