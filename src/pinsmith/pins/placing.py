"""``POST /pins`` and ``POST /pins/bulk``: pins checked, placed on a board, then written.

A pin with ``auto_board`` has its board chosen (and perhaps made) on Pinterest, so creating pins
follows the house rule for calls that wait on Pinterest: the request's transaction only reads
(the pins are checked, the boards chosen), then one short transaction writes them all, with their
quota. A pin whose board cannot be made is still written, in review with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith.boards.selection.model import PinText
from pinsmith.boards.selection_service import BoardSelector
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import Pin, PinterestProfile, User
from pinsmith.pins import service as pins
from pinsmith.pins.schemas import PinCreate
from pinsmith.profiles import service as profiles
from pinsmith.profiles.pinterest import PinterestAccess


def pin_text(data: PinCreate) -> PinText:
    """What board selection reads of a pin."""
    return PinText(data.title or "", data.description or "", data.link, data.alt_text)


class PinCreator:
    """``database`` is for the one write at the end; ``selector`` and ``access`` place the pins
    that ask for ``auto_board``."""

    def __init__(
        self,
        database: Database,
        access: PinterestAccess,
        selector: BoardSelector,
        settings: Settings,
    ) -> None:
        self.database = database
        self.access = access
        self.selector = selector
        self.settings = settings

    async def create(self, session: AsyncSession, user: User, data: PinCreate) -> Pin:
        profile = await profiles.chosen(session, user, data.profile_id)
        pin = await pins.prepare(session, self.settings, user, profile, data)
        if data.auto_board:
            placement = await self.selector.place(
                session, self.access, user, profile, pin_text(data)
            )
            pins.send_to(pin, placement.destination)
        async with self.database.transaction() as writer:
            (created,) = await pins.add(writer, user, [pin])
        return created

    async def create_many(
        self, session: AsyncSession, user: User, items: Sequence[PinCreate]
    ) -> Sequence[Pin]:
        """All or nothing, as before: a bad item refuses the batch (boards already made for
        earlier items stay on Pinterest, and the next try finds them). Each ``auto_board`` item
        is placed on its own, in order, so a board made for one is there for the next."""
        prepared = await pins.prepare_many(session, self.settings, user, items)
        chosen: dict[int | None, PinterestProfile] = {}
        titles: dict[int, dict[str, tuple[str, ...]]] = {}  # per profile: read once, kept current
        for index, (item, pin) in enumerate(zip(items, prepared, strict=True)):
            if not item.auto_board:
                continue
            with pins.item_errors(index):
                if item.profile_id not in chosen:
                    chosen[item.profile_id] = await profiles.chosen(session, user, item.profile_id)
                profile = chosen[item.profile_id]
                if profile.id not in titles:
                    titles[profile.id] = await pins.recent_titles(session, profile.id)
                placement = await self.selector.place(
                    session, self.access, user, profile, pin_text(item), titles=titles[profile.id]
                )
            pins.send_to(pin, placement.destination)
            if pin.board_id is not None and pin.title:  # the next items see this one's title
                known = titles[profile.id].get(pin.board_id, ())
                titles[profile.id][pin.board_id] = (pin.title, *known)[
                    : pins.RECENT_TITLES_PER_BOARD
                ]
        async with self.database.transaction() as writer:
            return await pins.add(writer, user, prepared)
