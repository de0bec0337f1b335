"""Pin and account analytics, followers and following, through the real client."""

from __future__ import annotations

from datetime import timedelta

from pinsmith.sandbox import Pin
from pinsmith.sandbox.metrics import ACCOUNT_METRICS, day_counts
from tests.integration.conftest import Account, Host


def pin_made_days_ago(host: Host, account: Account, days: int) -> Pin:
    now = host.clock.now
    host.clock.now = now - timedelta(days=days)
    board = host.sandbox.add_board(account.user.id, "Older")
    pin = host.sandbox.add_pin(board.id, title="Old pin")
    host.clock.now = now
    return pin


async def test_pin_analytics_give_the_sandboxs_daily_numbers(host: Host, alice: Account) -> None:
    pin = pin_made_days_ago(host, alice, 30)
    today = host.clock.now.date()
    start, end = today - timedelta(days=7), today - timedelta(days=1)

    report = await alice.client.pin_analytics(pin.id, start, end, ["IMPRESSION", "SAVE"])

    assert list(report) == ["all"]
    metrics = report["all"]
    assert [day.date for day in metrics.daily_metrics] == [
        start + timedelta(days=n) for n in range(7)
    ]
    assert {day.data_status for day in metrics.daily_metrics} == {"READY"}
    assert [day.metrics["IMPRESSION"] for day in metrics.daily_metrics] == [
        day_counts(pin.id, day.date)["IMPRESSION"] for day in metrics.daily_metrics
    ]
    assert set(metrics.summary_metrics) == {"IMPRESSION", "SAVE"}
    assert metrics.summary_metrics["SAVE"] == sum(
        day.metrics["SAVE"] or 0 for day in metrics.daily_metrics
    )
    assert set(metrics.lifetime_metrics) == {"TOTAL_COMMENTS", "TOTAL_REACTIONS"}


async def test_pin_analytics_split_by_app_type(host: Host, alice: Account) -> None:
    pin = pin_made_days_ago(host, alice, 10)
    today = host.clock.now.date()

    report = await alice.client.pin_analytics(
        pin.id,
        today - timedelta(days=3),
        today - timedelta(days=1),
        ["PIN_CLICK"],
        split_field="APP_TYPE",
    )

    assert set(report) == {"MOBILE", "TABLET", "WEB"}
    total = sum(group.summary_metrics["PIN_CLICK"] or 0 for group in report.values())
    expected = sum(day_counts(pin.id, today - timedelta(days=n))["PIN_CLICK"] for n in range(1, 4))
    assert total == expected


async def test_account_analytics_give_every_metric_unless_asked(host: Host, alice: Account) -> None:
    today = host.clock.now.date()
    start, end = today - timedelta(days=5), today - timedelta(days=1)

    everything = await alice.client.account_analytics(start, end)
    impressions = await alice.client.account_analytics(
        start, end, metric_types=["IMPRESSION"], app_types="ALL", source="ALL"
    )

    assert set(everything["all"].summary_metrics) == set(ACCOUNT_METRICS)
    daily = impressions["all"].daily_metrics
    assert [day.metrics for day in daily] == [
        {"IMPRESSION": day_counts(f"account:{alice.user.id}", day.date)["IMPRESSION"]}
        for day in daily
    ]
    assert impressions["all"].lifetime_metrics == {}


async def test_followers_and_following(host: Host, alice: Account) -> None:
    sandbox = host.sandbox
    bob = sandbox.add_user("bob")
    carol = sandbox.add_user("carol")
    sandbox.add_user("dave")
    sandbox.follow(bob.id, "alice")
    sandbox.follow(carol.id, "alice")
    bobs_board = sandbox.add_board(bob.id, "Bob's bikes")
    sandbox.follow_board(alice.user.id, bobs_board.id)

    followed = await alice.client.follow_user("dave")
    followers = await alice.client.list_followers()
    following = await alice.client.list_following()
    boards = await alice.client.list_following_boards()

    assert (followed.username, followed.type) == ("dave", "user")
    assert [user.username for user in sandbox.following_of(alice.user.id)] == ["dave"]
    assert sorted(user.username or "" for user in followers) == ["bob", "carol"]
    assert [user.username async for user in alice.client.iter_followers()] == [
        user.username for user in followers
    ]
    assert [user.username for user in following] == ["dave"]
    assert [user.username async for user in alice.client.iter_following()] == ["dave"]
    assert [(board.id, board.name) for board in boards] == [(bobs_board.id, "Bob's bikes")]
    assert [board.id async for board in alice.client.iter_following_boards()] == [bobs_board.id]
