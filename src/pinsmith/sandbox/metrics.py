"""Synthetic but deterministic analytics: the same pin, day and metric always give the same number.

Each day's counts are drawn from a hash of (subject, date, metric), so tests can rely on them and
the demo's charts look alive. Splits (by app type, source...) share one day's total out by seeded
weights, so the parts always add up to the whole; rates are computed from the counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from pinsmith.sandbox.entities import Pin

STANDARD_PIN_METRICS = (
    "IMPRESSION",
    "OUTBOUND_CLICK",
    "PIN_CLICK",
    "SAVE",
    "SAVE_RATE",
    "TOTAL_COMMENTS",
    "TOTAL_REACTIONS",
    "USER_FOLLOW",
    "PROFILE_VISIT",
)
VIDEO_PIN_METRICS = (
    "IMPRESSION",
    "OUTBOUND_CLICK",
    "PIN_CLICK",
    "SAVE",
    "SAVE_RATE",
    "VIDEO_MRC_VIEW",
    "VIDEO_10S_VIEW",
    "QUARTILE_95_PERCENT_VIEW",
    "VIDEO_V50_WATCH_TIME",
    "VIDEO_START",
    "VIDEO_AVG_WATCH_TIME",
    "TOTAL_COMMENTS",
    "TOTAL_REACTIONS",
)
PIN_METRICS = tuple(dict.fromkeys(STANDARD_PIN_METRICS + VIDEO_PIN_METRICS))
ACCOUNT_METRICS = (
    "ENGAGEMENT",
    "ENGAGEMENT_RATE",
    "IMPRESSION",
    "OUTBOUND_CLICK",
    "OUTBOUND_CLICK_RATE",
    "PIN_CLICK",
    "PIN_CLICK_RATE",
    "SAVE",
    "SAVE_RATE",
)
LIFETIME_METRICS = ("TOTAL_COMMENTS", "TOTAL_REACTIONS")

#: The groups of each way Pinterest can split or filter analytics.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "APP_TYPE": ("MOBILE", "TABLET", "WEB"),
    "OWNED_CONTENT": ("OTHER", "CLAIMED"),
    "SOURCE": ("YOUR_PINS", "OTHER_PINS"),
    "PIN_FORMAT": (
        "ORGANIC_IMAGE",
        "ORGANIC_PRODUCT",
        "ORGANIC_VIDEO",
        "ADS_STANDARD",
        "ADS_PRODUCT",
        "ADS_VIDEO",
        "ADS_IDEA",
    ),
    "CONTENT_TYPE": ("PAID", "ORGANIC"),
}

COUNTED = (
    "IMPRESSION",
    "PIN_CLICK",
    "OUTBOUND_CLICK",
    "SAVE",
    "TOTAL_COMMENTS",
    "TOTAL_REACTIONS",
    "USER_FOLLOW",
    "PROFILE_VISIT",
    "VIDEO_START",
    "VIDEO_MRC_VIEW",
    "VIDEO_10S_VIEW",
    "QUARTILE_95_PERCENT_VIEW",
    "VIDEO_V50_WATCH_TIME",
)
DECIMAL_METRICS = frozenset(
    {
        "SAVE_RATE",
        "ENGAGEMENT_RATE",
        "OUTBOUND_CLICK_RATE",
        "PIN_CLICK_RATE",
        "VIDEO_AVG_WATCH_TIME",
    }
)
Counts = dict[str, int]


def _unit(*parts: str) -> float:
    """A number in [0, 1) fixed by ``parts``."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@lru_cache(maxsize=65_536)
def _day_counts(subject: str, day: date, video: bool) -> tuple[tuple[str, int], ...]:
    def unit(metric: str) -> float:
        return _unit(subject, day.isoformat(), metric)

    impressions = 20 + int(unit("IMPRESSION") * 480)
    counts = {
        "IMPRESSION": impressions,
        "PIN_CLICK": round(impressions * (0.02 + 0.08 * unit("PIN_CLICK"))),
        "OUTBOUND_CLICK": round(impressions * (0.005 + 0.03 * unit("OUTBOUND_CLICK"))),
        "SAVE": round(impressions * (0.01 + 0.04 * unit("SAVE"))),
        "TOTAL_COMMENTS": int(unit("TOTAL_COMMENTS") * 3),
        "TOTAL_REACTIONS": int(unit("TOTAL_REACTIONS") * 6),
        "USER_FOLLOW": int(unit("USER_FOLLOW") * 3),
        "PROFILE_VISIT": int(unit("PROFILE_VISIT") * 12),
    }
    starts = round(impressions * (0.2 + 0.3 * unit("VIDEO_START"))) if video else 0
    counts |= {
        "VIDEO_START": starts,
        "VIDEO_MRC_VIEW": round(starts * (0.5 + 0.3 * unit("VIDEO_MRC_VIEW"))),
        "VIDEO_10S_VIEW": round(starts * (0.2 + 0.3 * unit("VIDEO_10S_VIEW"))),
        "QUARTILE_95_PERCENT_VIEW": round(starts * (0.05 + 0.2 * unit("QUARTILE_95"))),
        "VIDEO_V50_WATCH_TIME": round(starts * (1_500 + 6_000 * unit("VIDEO_V50"))),
    }
    return tuple(counts.items())


def day_counts(subject: str, day: date, *, video: bool = False) -> Counts:
    return dict(_day_counts(subject, day, video))


def zero_counts() -> Counts:
    return dict.fromkeys(COUNTED, 0)


def add_counts(total: Counts, more: Counts) -> Counts:
    return {metric: total.get(metric, 0) + value for metric, value in more.items()}


def split_counts(counts: Counts, subject: str, day: date, dimension: str) -> dict[str, Counts]:
    """Share each count among the dimension's groups (largest remainder: parts sum to whole)."""
    groups = DIMENSIONS[dimension]
    weights = [0.2 + _unit(subject, day.isoformat(), dimension, group) for group in groups]
    total_weight = sum(weights)
    parts: dict[str, Counts] = {group: {} for group in groups}
    for metric, value in counts.items():
        shares = [value * weight / total_weight for weight in weights]
        floors = [int(share) for share in shares]
        by_remainder = sorted(range(len(groups)), key=lambda i: shares[i] - floors[i], reverse=True)
        for index in by_remainder[: value - sum(floors)]:
            floors[index] += 1
        for group, amount in zip(groups, floors, strict=True):
            parts[group][metric] = amount
    return parts


def derive(counts: Counts) -> dict[str, float]:
    """Counts plus the metrics computed from them (rates, engagement, average watch time)."""
    impressions = counts["IMPRESSION"]

    def rate(value: int) -> float:
        return round(value / impressions, 4) if impressions else 0.0

    engagement = sum(
        counts[m]
        for m in ("PIN_CLICK", "OUTBOUND_CLICK", "SAVE", "TOTAL_REACTIONS", "TOTAL_COMMENTS")
    )
    starts = counts["VIDEO_START"]
    values: dict[str, float] = {metric: float(value) for metric, value in counts.items()}
    return values | {
        "SAVE_RATE": rate(counts["SAVE"]),
        "ENGAGEMENT": float(engagement),
        "ENGAGEMENT_RATE": rate(engagement),
        "OUTBOUND_CLICK_RATE": rate(counts["OUTBOUND_CLICK"]),
        "PIN_CLICK_RATE": rate(counts["PIN_CLICK"]),
        "VIDEO_AVG_WATCH_TIME": round(counts["VIDEO_V50_WATCH_TIME"] / starts, 2)
        if starts
        else 0.0,
    }


def pick(values: Mapping[str, float], metrics: Iterable[str]) -> dict[str, int | float]:
    """The requested metrics, counts as integers and rates as decimals."""
    wanted = set(metrics)
    return {
        metric: value if metric in DECIMAL_METRICS else int(value)
        for metric, value in values.items()
        if metric in wanted
    }


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


@dataclass
class Report:
    """What an analytics call asked for."""

    subject: str
    start: date
    end: date
    metrics: list[str]
    filters: dict[str, str] = field(default_factory=dict)
    split: str | None = None
    video: bool = False


def build_report(report: Report, status_of: Callable[[date], str]) -> dict[str, dict[str, Any]]:
    """``{group: {daily_metrics, summary_metrics}}``; ``all`` as the only group when unsplit.

    Days whose ``status_of`` is not ``READY`` (before the pin existed, still processing) carry
    zeros and do not count in the summary.
    """
    filters = {dim: group for dim, group in report.filters.items() if dim != report.split}
    if report.split is None:
        groups: tuple[str, ...] = ("all",)
    elif report.split in report.filters:
        groups = (report.filters[report.split],)
    else:
        groups = DIMENSIONS[report.split]
    daily: dict[str, list[dict[str, Any]]] = {group: [] for group in groups}
    summary: dict[str, Counts] = {group: zero_counts() for group in groups}
    for day in days(report.start, report.end):
        status = status_of(day)
        parts = dict.fromkeys(groups, zero_counts())
        if status == "READY":
            counts = day_counts(report.subject, day, video=report.video)
            for dimension, group in filters.items():
                counts = split_counts(counts, report.subject, day, dimension)[group]
            if report.split:
                parts = split_counts(counts, report.subject, day, report.split)
            else:
                parts = {"all": counts}
            for group in groups:
                summary[group] = add_counts(summary[group], parts[group])
        for group in groups:
            daily[group].append(
                {
                    "date": day.isoformat(),
                    "data_status": status,
                    "metrics": pick(derive(parts[group]), report.metrics),
                }
            )
    return {
        group: {
            "daily_metrics": daily[group],
            "summary_metrics": pick(derive(summary[group]), report.metrics),
        }
        for group in groups
    }


def lifetime_counts(subject: str, since: date, until: date, *, video: bool) -> Counts:
    total = zero_counts()
    for day in days(since, until):
        total = add_counts(total, day_counts(subject, day, video=video))
    return total


def pin_metrics(pin: Pin, today: date) -> dict[str, dict[str, int]]:
    """The ``pin_metrics`` object of a Pin (``?pin_metrics=true``): last 90 days and lifetime."""
    created = pin.created_at.date()
    yesterday = today - timedelta(days=1)
    video = pin.media_type == "video"
    recent = lifetime_counts(
        pin.id, max(created, today - timedelta(days=90)), yesterday, video=video
    )
    lifetime = lifetime_counts(pin.id, created, yesterday, video=video)

    def summary(counts: Counts) -> dict[str, int]:
        return {
            "pin_click": counts["PIN_CLICK"],
            "impression": counts["IMPRESSION"],
            "clickthrough": counts["OUTBOUND_CLICK"],
        }

    return {
        "90d": summary(recent),
        "lifetime_metrics": summary(lifetime)
        | {"reaction": lifetime["TOTAL_REACTIONS"], "comment": lifetime["TOTAL_COMMENTS"]},
    }
