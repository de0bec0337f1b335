"""Realistic Pinterest accounts for board-selection tests: boards a person would have, and pins
that plainly belong on one of them (or on none)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pinsmith.sandbox import Board, Sandbox
from tests.conftest import Factory, Pinner, connect

BOARDS = {
    "slow_cooker": ("Slow Cooker Recipes", "Easy crockpot dinners, soups and stews"),
    "bathroom": ("Bathroom Ideas", "Small bathroom remodels, tiles, vanities and storage"),
    "running": ("Running Tips", "Marathon training plans, running shoes and 5k advice"),
    "garden": ("Garden Inspiration", "Vegetable gardens, raised beds and flower borders"),
}

TACOS = {
    "title": "Crockpot Chicken Tacos",
    "description": "Easy slow cooker chicken tacos for busy weeknights",
}
SHOWER = {
    "title": "Small Bathroom Storage Hacks",
    "description": "Clever storage ideas for a tiny bathroom",
}
FIVE_K = {
    "title": "Couch to 5K Running Plan",
    "description": "A beginner running plan to get you to your first 5k race",
}
WATERCOLOR = {
    "title": "Watercolor Painting for Beginners",
    "description": "Easy watercolor painting techniques and the supplies to start with",
}
WATERCOLOR_AGAIN = {
    "title": "Watercolor Brush Lettering",
    "description": "Learn brush lettering with watercolor paints, step by step",
}


@dataclass
class Seeded:
    """A sandbox account's boards by key (``"slow_cooker"``, ...)."""

    boards: dict[str, Board]

    def id(self, key: str) -> str:
        return self.boards[key].id


def seed_boards(sandbox: Sandbox, account_id: str, *keys: str) -> Seeded:
    """The named boards of ``BOARDS`` (all of them without names) on the sandbox account."""
    chosen = keys or tuple(BOARDS)
    return Seeded({key: sandbox.add_board(account_id, *BOARDS[key]) for key in chosen})


async def growth_pinner(factory: Factory, sandbox: Sandbox, username: str, **fields: Any) -> Pinner:
    """Like ``tests.conftest.pinner``, on the Growth plan (bulk pins) and with ``fields``."""
    fields = {"daily_pin_limit": 100, "plan": "growth"} | fields
    user, secret = await factory.user_with_key(f"{username}_owner", **fields)
    account = sandbox.add_user(username)
    tokens = await connect(factory, sandbox, user, account)
    profile = await factory.profile(user, pinterest_user_id=account.id, username=username)
    return Pinner(user, secret, profile.id, account, tokens)


def board_names(sandbox: Sandbox, account_id: str) -> list[str]:
    return [board.name for board in sandbox.boards_of(account_id)]
