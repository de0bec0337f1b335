"""The account, boards and sections through the real client and the real sandbox."""

from __future__ import annotations

import pytest

from pinsmith.pinterest import BoardNotFound
from tests.integration.conftest import Account, Host


async def test_the_account_reads_back_as_the_sandbox_holds_it(host: Host) -> None:
    carol = host.account(
        "carol",
        about="Quilts and more",
        website_url="https://carol.example.com",
        monthly_views=4321,
    )
    board = host.sandbox.add_board(carol.user.id, "Quilts")
    host.sandbox.add_board(carol.user.id, "Fabric")
    host.sandbox.add_pin(board.id, title="Log cabin")
    fan = host.sandbox.add_user("fan")
    host.sandbox.follow(fan.id, "carol")

    account = await carol.client.get_user_account()

    assert account.id == carol.user.id
    assert account.username == "carol"
    assert account.account_type == "BUSINESS"
    assert account.business_name == "carol"
    assert account.about == "Quilts and more"
    assert account.website_url == "https://carol.example.com"
    assert (account.board_count, account.pin_count) == (2, 1)
    assert (account.follower_count, account.following_count) == (1, 0)
    assert account.monthly_views == 4321


async def test_a_board_is_created_read_updated_and_deleted(host: Host, alice: Account) -> None:
    client = alice.client

    created = await client.create_board("Garden ideas", "Raised beds and herbs")
    read = await client.get_board(created.id)
    updated = await client.update_board(created.id, name="Garden", privacy="SECRET")
    await client.delete_board(created.id)

    assert (created.name, created.description, created.privacy) == (
        "Garden ideas",
        "Raised beds and herbs",
        "PUBLIC",
    )
    assert created.owner is not None
    assert created.owner.username == "alice"
    assert created.created_at == host.clock()
    assert read == created
    assert (updated.id, updated.name, updated.privacy) == (created.id, "Garden", "SECRET")
    assert updated.description == "Raised beds and herbs"  # fields not sent stay as they were
    assert host.sandbox.board(created.id) is None
    with pytest.raises(BoardNotFound):
        await client.get_board(created.id)


async def test_boards_are_listed_by_privacy(host: Host, alice: Account) -> None:
    public = await alice.client.create_board("Public board")
    secret = await alice.client.create_board("Secret board", privacy="SECRET")

    everything = await alice.client.list_boards()
    only_secret = await alice.client.list_boards(privacy="SECRET")

    assert [board.id for board in everything] == [public.id, secret.id]
    assert [board.name for board in only_secret] == ["Secret board"]


async def test_every_board_comes_back_once_in_order_past_250(host: Host, alice: Account) -> None:
    seeded = [host.sandbox.add_board(alice.user.id, f"Board {n:03}") for n in range(600)]

    listed = await alice.client.list_boards()
    reads_left = await host.reads_left(alice)
    iterated = [board.id async for board in alice.client.iter_boards()]

    assert reads_left == 1000 - 3 - 1  # pages of 250, and the read that asked
    assert [board.id for board in listed] == [board.id for board in seeded]
    assert [board.name for board in listed] == [f"Board {n:03}" for n in range(600)]
    assert iterated == [board.id for board in seeded]


async def test_sections_are_created_and_listed_past_250(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Recipes")
    seeded = [host.sandbox.add_section(board.id, f"Section {n}") for n in range(258)]

    soups = await alice.client.create_section(board.id, "Soups")
    salads = await alice.client.create_section(board.id, "Salads")
    listed = await alice.client.list_sections(board.id)
    iterated = [section.name async for section in alice.client.iter_sections(board.id)]

    assert [section.id for section in listed] == [s.id for s in seeded] + [soups.id, salads.id]
    assert iterated[-2:] == ["Soups", "Salads"]
    assert len(iterated) == 260
    stored = host.sandbox.section(soups.id)
    assert stored is not None
    assert (stored.board_id, stored.name) == (board.id, "Soups")


async def test_a_boards_pins_come_back_newest_first_past_250(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Many pins")
    for n in range(260):
        host.sandbox.add_pin(board.id, title=f"Pin {n}")

    listed = await alice.client.list_board_pins(board.id)

    assert [pin.id for pin in listed] == [pin.id for pin in host.sandbox.pins_on_board(board.id)]
    assert [pin.title for pin in listed][:2] == ["Pin 259", "Pin 258"]
    assert len({pin.id for pin in listed}) == 260


async def test_a_sections_pins_are_only_the_pins_in_it(host: Host, alice: Account) -> None:
    board = host.sandbox.add_board(alice.user.id, "Kitchen")
    section = host.sandbox.add_section(board.id, "Knives")
    host.sandbox.add_pin(board.id, title="On the board")
    first = host.sandbox.add_pin(board.id, title="Chef's knife", section_id=section.id)
    second = host.sandbox.add_pin(board.id, title="Paring knife", section_id=section.id)

    in_section = await alice.client.list_board_pins(board.id, section.id)
    iterated = [pin.id async for pin in alice.client.iter_board_pins(board.id, section.id)]

    assert [pin.title for pin in in_section] == ["Paring knife", "Chef's knife"]
    assert iterated == [second.id, first.id]
    assert {pin.board_section_id for pin in in_section} == {section.id}
