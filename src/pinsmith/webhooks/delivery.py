"""What goes over the wire: the exact body, its signature, and one POST through the SSRF-safe
client (no redirect followed). No database here: the task records what this returns."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from pinsmith.kit.safe_http import SafeHttpError, UnsafeUrl, safe_client
from pinsmith.kit.time import as_utc

TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 64 * 1024  # the answer is not read; this only bounds what may arrive
SIGNATURE_HEADER = "X-Webhook-Signature"


def iso_z(moment: datetime) -> str:
    """``2026-04-26T14:32:00Z``, as PinFlow writes the payload's timestamp."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def body(event: str, occurred_at: datetime, data: dict[str, Any]) -> bytes:
    """The payload PinFlow documents, as compact UTF-8 JSON: the same bytes on every attempt."""
    payload = {"event": event, "timestamp": iso_z(occurred_at), "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signature(secret: str, raw_body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the raw body>``: what PinFlow's verify() snippet expects."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Request:
    """One attempt to make: the delivery (its id is ``X-Webhook-Id``), which attempt, and what."""

    delivery_id: int
    attempt: int
    url: str
    body: bytes
    secret: str | None = field(repr=False)

    def headers(self, sent_at: datetime) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "X-Webhook-Id": str(self.delivery_id),
            "X-Webhook-Timestamp": str(int(sent_at.timestamp())),
        }
        if self.secret is not None:
            headers[SIGNATURE_HEADER] = signature(self.secret, self.body)
        return headers


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None  # None: the receiver answered 2xx
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.error is None


async def post(request: Request, *, sent_at: datetime, allow_private: bool) -> Outcome:
    """POST the body once. Any answer but a 2xx, a refused address, a timeout or a dropped
    connection is a failed attempt, described in ``error``; nothing raises."""
    started = time.monotonic()
    status_code: int | None = None
    try:
        async with (
            safe_client(
                allow_private=allow_private,
                timeout=TIMEOUT_SECONDS,
                max_bytes=MAX_RESPONSE_BYTES,
                follow_redirects=False,
            ) as client,
            client.stream(
                "POST", request.url, content=request.body, headers=request.headers(sent_at)
            ) as response,
        ):
            status_code = response.status_code
            error = _refusal(response)
    except UnsafeUrl as exc:
        error = f"Refused: {exc}"
    except httpx.TimeoutException:
        error = f"No answer within {TIMEOUT_SECONDS:g} seconds"
    except (httpx.HTTPError, SafeHttpError) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration_ms = round((time.monotonic() - started) * 1000)
    return Outcome(status_code=status_code, error=error, duration_ms=duration_ms)


def _refusal(response: httpx.Response) -> str | None:
    if response.is_success:
        return None
    if response.is_redirect:
        location = response.headers.get("location", "")
        return f"HTTP {response.status_code}: redirects are not followed (Location: {location})"
    return f"HTTP {response.status_code}"
