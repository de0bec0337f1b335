from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pinsmith.kit.errors import BadRequest, Conflict
from pinsmith.models import PinStatus
from pinsmith.pins import lifecycle
from pinsmith.pins.lifecycle import LOCKED, TRANSITIONS, USER_SETTABLE

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
EARLIER = NOW - timedelta(days=1)


def test_the_table_covers_every_status() -> None:
    assert set(TRANSITIONS) == set(PinStatus)
    assert TRANSITIONS[PinStatus.PUBLISHED] == frozenset()


@pytest.mark.parametrize("current", list(PinStatus))
@pytest.mark.parametrize("target", list(PinStatus))
def test_a_person_moves_pins_only_along_the_table_and_never_into_publishing(
    current: PinStatus, target: PinStatus
) -> None:
    allowed = lifecycle.user_may_move(current, target)

    if current in LOCKED or target not in USER_SETTABLE:
        assert not allowed
    else:
        assert allowed == (target in TRANSITIONS[current])


@pytest.mark.parametrize("status", [PinStatus.PUBLISHING, PinStatus.PUBLISHED])
def test_locked_pins_cannot_be_edited(status: PinStatus) -> None:
    with pytest.raises(Conflict, match=f"A {status.value} pin cannot be changed"):
        lifecycle.ensure_editable(status)


@pytest.mark.parametrize(
    ("current", "requested", "scheduled_at", "given", "expected"),
    [
        (None, None, None, False, (PinStatus.QUEUED, None)),
        (None, None, LATER, True, (PinStatus.SCHEDULED, LATER)),
        (None, PinStatus.DRAFT, None, False, (PinStatus.DRAFT, None)),
        (None, PinStatus.DRAFT, LATER, True, (PinStatus.DRAFT, LATER)),
        (PinStatus.SCHEDULED, None, None, True, (PinStatus.QUEUED, None)),
        (PinStatus.SCHEDULED, PinStatus.QUEUED, LATER, False, (PinStatus.QUEUED, None)),
        (PinStatus.DRAFT, None, LATER, False, (PinStatus.DRAFT, LATER)),
        (PinStatus.QUEUED, None, LATER, True, (PinStatus.SCHEDULED, LATER)),
        (PinStatus.FAILED, PinStatus.QUEUED, None, False, (PinStatus.QUEUED, None)),
        # due but not yet published: editing it keeps it scheduled
        (PinStatus.SCHEDULED, None, EARLIER, False, (PinStatus.SCHEDULED, EARLIER)),
    ],
)
def test_resolve_picks_the_status_pinflow_documents(
    current: PinStatus | None,
    requested: PinStatus | None,
    scheduled_at: datetime | None,
    given: bool,
    expected: tuple[PinStatus, datetime | None],
) -> None:
    result = lifecycle.resolve(
        current=current,
        requested=requested,
        scheduled_at=scheduled_at,
        schedule_given=given,
        now=NOW,
    )

    assert result == expected


@pytest.mark.parametrize(
    ("current", "requested", "scheduled_at", "given", "message"),
    [
        (None, None, EARLIER, True, "must be in the future"),
        (None, PinStatus.SCHEDULED, None, False, "scheduled_at is required"),
        (PinStatus.DRAFT, PinStatus.SCHEDULED, EARLIER, False, "in the past"),
        (None, PinStatus.QUEUED, LATER, True, "A queued pin has no scheduled_at"),
    ],
)
def test_resolve_refuses_contradictions_with_400(
    current: PinStatus | None,
    requested: PinStatus | None,
    scheduled_at: datetime | None,
    given: bool,
    message: str,
) -> None:
    with pytest.raises(BadRequest, match=message):
        lifecycle.resolve(
            current=current,
            requested=requested,
            scheduled_at=scheduled_at,
            schedule_given=given,
            now=NOW,
        )
