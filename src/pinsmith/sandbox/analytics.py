"""``GET /v5/pins/{pin_id}/analytics`` and ``GET /v5/user_account/analytics``.

Pinterest's rules for the dates hold (UTC, on the sandbox clock): ``start_date`` at most 90 days
back from today, ``end_date`` not before it and at most 90 days after it. The numbers come from
``metrics.py``: synthetic, deterministic per pin (or account), day and metric.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from pinsmith.sandbox.access import visible_pin
from pinsmith.sandbox.auth import Caller, authorized
from pinsmith.sandbox.errors import Problem, SandboxError
from pinsmith.sandbox.filters import parse_list
from pinsmith.sandbox.metrics import (
    ACCOUNT_METRICS,
    LIFETIME_METRICS,
    PIN_METRICS,
    Report,
    build_report,
    lifetime_counts,
)
from pinsmith.sandbox.params import PinId, SandboxDep
from pinsmith.sandbox.routing import SandboxRoute

router = APIRouter(prefix="/v5", route_class=SandboxRoute, tags=["analytics"])

PinAnalyticsReader = Annotated[
    Caller, Depends(authorized("org_analytics", "boards:read", "pins:read"))
]
AccountAnalyticsReader = Annotated[
    Caller, Depends(authorized("org_analytics", "user_accounts:read"))
]

MAX_DAYS = 90
AppType = Literal["ALL", "MOBILE", "TABLET", "WEB"]
StartDate = Annotated[date, Query()]
EndDate = Annotated[date, Query()]
MetricTypes = Annotated[list[str] | None, Query()]


def check_dates(start: date, end: date, today: date, what: str) -> None:
    def invalid(reason: str) -> SandboxError:
        return SandboxError(
            Problem.INVALID_PARAMETERS, f"Invalid {what} analytics parameters: {reason}"
        )

    if start < today - timedelta(days=MAX_DAYS):
        raise invalid(f"start_date cannot be more than {MAX_DAYS} days back from today.")
    if end < start:
        raise invalid("end_date cannot be before start_date.")
    if (end - start).days > MAX_DAYS:
        raise invalid(f"end_date cannot be more than {MAX_DAYS} days past start_date.")


@router.get("/pins/{pin_id}/analytics")
async def pin_analytics(
    pin_id: PinId,
    caller: PinAnalyticsReader,
    sandbox: SandboxDep,
    start_date: StartDate,
    end_date: EndDate,
    metric_types: MetricTypes = None,
    app_types: Annotated[AppType, Query()] = "ALL",
    split_field: Annotated[Literal["NO_SPLIT", "APP_TYPE"], Query()] = "NO_SPLIT",
) -> dict[str, Any]:
    pin = visible_pin(caller, sandbox, pin_id)
    today = sandbox.now().date()
    check_dates(start_date, end_date, today, "pins")
    metrics = parse_list("metric_types", metric_types, PIN_METRICS)
    if not metrics:
        raise SandboxError.invalid("metric_types", "Field required")
    created = pin.created_at.date()
    video = pin.media_type == "video"

    def status_of(day: date) -> str:
        if day < created:
            return "BEFORE_PIN_CREATED"
        return "PROCESSING" if day >= today else "READY"

    report = Report(
        subject=pin.id,
        start=start_date,
        end=end_date,
        metrics=metrics,
        filters={} if app_types == "ALL" else {"APP_TYPE": app_types},
        split=None if split_field == "NO_SPLIT" else split_field,
        video=video,
    )
    groups = build_report(report, status_of)
    lifetime = lifetime_counts(pin.id, created, today - timedelta(days=1), video=video)
    lifetime_metrics = {metric: lifetime[metric] for metric in LIFETIME_METRICS}
    return {
        group: values | {"lifetime_metrics": lifetime_metrics} for group, values in groups.items()
    }


@router.get("/user_account/analytics")
async def account_analytics(
    caller: AccountAnalyticsReader,
    sandbox: SandboxDep,
    start_date: StartDate,
    end_date: EndDate,
    metric_types: MetricTypes = None,
    from_claimed_content: Annotated[Literal["OTHER", "CLAIMED", "BOTH"], Query()] = "BOTH",
    pin_format: Annotated[
        Literal[
            "ALL",
            "ORGANIC_IMAGE",
            "ORGANIC_PRODUCT",
            "ORGANIC_VIDEO",
            "ADS_STANDARD",
            "ADS_PRODUCT",
            "ADS_VIDEO",
            "ADS_IDEA",
        ],
        Query(),
    ] = "ALL",
    app_types: Annotated[AppType, Query()] = "ALL",
    content_type: Annotated[Literal["ALL", "PAID", "ORGANIC"], Query()] = "ALL",
    source: Annotated[Literal["ALL", "YOUR_PINS", "OTHER_PINS"], Query()] = "ALL",
    split_field: Annotated[
        Literal["NO_SPLIT", "APP_TYPE", "OWNED_CONTENT", "SOURCE", "PIN_FORMAT"], Query()
    ] = "NO_SPLIT",
) -> dict[str, Any]:
    today = sandbox.now().date()
    check_dates(start_date, end_date, today, "user accounts")
    metrics = parse_list("metric_types", metric_types, ACCOUNT_METRICS) or list(ACCOUNT_METRICS)
    chosen = {
        "OWNED_CONTENT": None if from_claimed_content == "BOTH" else from_claimed_content,
        "PIN_FORMAT": None if pin_format == "ALL" else pin_format,
        "APP_TYPE": None if app_types == "ALL" else app_types,
        "CONTENT_TYPE": None if content_type == "ALL" else content_type,
        "SOURCE": None if source == "ALL" else source,
    }
    report = Report(
        subject=f"account:{caller.user.id}",
        start=start_date,
        end=end_date,
        metrics=metrics,
        filters={dimension: group for dimension, group in chosen.items() if group},
        split=None if split_field == "NO_SPLIT" else split_field,
    )
    return build_report(report, lambda day: "PROCESSING" if day >= today else "READY")
