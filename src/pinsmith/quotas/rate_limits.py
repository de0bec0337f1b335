"""PinFlow's per-IP request limits, as one table: "reset every minute", 429 past them.

A request counts against its route's limit, else the default; a limit is a setting so an operator
can loosen it. ``/healthz`` is never counted: liveness probes and the benchmarks' baseline hit it.
"""

from __future__ import annotations

from pinsmith.config import Settings
from pinsmith.kit.rate_limit import RateLimitTable


def rate_limit_table(settings: Settings) -> RateLimitTable:
    return RateLimitTable(
        routes={
            ("POST", "/pins"): settings.rate_limit_pin_create,
            ("POST", "/pins/bulk"): settings.rate_limit_pin_bulk,
            ("POST", "/pins/upload-image"): settings.rate_limit_upload,
        },
        default=settings.rate_limit_default,
        exempt=frozenset({"/healthz"}),
        error_key_prefixes={"/api/": "error"},  # Pin Generator's surface answers {"error": ...}
    )
