from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from pinsmith.sandbox import Board, Sandbox
from tests.conftest import Clock, Factory, Pinner, pinner
from tests.templates.photo_server import PhotoServer, serving


@pytest.fixture(scope="module")
def photo_server() -> Iterator[PhotoServer]:
    with serving() as server:
        yield server


@pytest.fixture(autouse=True)
def _forget_requests(photo_server: PhotoServer) -> None:
    photo_server.requests.clear()


@dataclass
class Caller:
    """A pinsmith user with an API key and a connected sandbox account that has one board."""

    pinner: Pinner
    board: Board

    @property
    def key(self) -> str:
        return self.pinner.secret

    @property
    def user_id(self) -> int:
        return self.pinner.user.id

    @property
    def username(self) -> str:
        return self.pinner.account.username


@pytest.fixture
async def rosa(factory: Factory, pinterest_sandbox: Sandbox, clock: Clock) -> Caller:
    who = await pinner(factory, pinterest_sandbox, "rosa_travels")
    board = pinterest_sandbox.add_board(who.account.id, "Travel Destinations")
    return Caller(who, board)


@pytest.fixture
async def bob(factory: Factory, pinterest_sandbox: Sandbox, clock: Clock) -> Caller:
    who = await pinner(factory, pinterest_sandbox, "bob_builds")
    board = pinterest_sandbox.add_board(who.account.id, "Workshop")
    return Caller(who, board)
