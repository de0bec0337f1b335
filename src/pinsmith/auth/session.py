"""The signed browser session cookie (HttpOnly, SameSite=Lax), verifiable with any secret key."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Response
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from pinsmith.kit.time import utcnow

COOKIE_NAME = "session"


class ClockSigner(TimestampSigner):
    """Stamps and checks ages with pinsmith's clock, so expiry is testable without sleeping."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


class SessionCookie:
    def __init__(self, keys: Sequence[str], max_age_seconds: int, *, secure: bool) -> None:
        # itsdangerous signs with the last key and accepts all: pinsmith's first key signs.
        self._serializer = URLSafeTimedSerializer(
            list(reversed(keys)), salt="pinsmith.session", signer=ClockSigner
        )
        self.max_age_seconds = max_age_seconds
        self.secure = secure

    def issue(self, user_id: int) -> str:
        return self._serializer.dumps({"user_id": user_id})

    def read(self, value: str) -> int | None:
        """The signed-in user's id, or None for a forged, altered or expired cookie."""
        try:
            payload = self._serializer.loads(value, max_age=self.max_age_seconds)
        except BadSignature:
            return None
        user_id = payload.get("user_id") if isinstance(payload, dict) else None
        return user_id if isinstance(user_id, int) else None

    def attach(self, response: Response, user_id: int) -> None:
        """Sign ``user_id`` in on this response."""
        response.set_cookie(
            COOKIE_NAME,
            self.issue(user_id),
            max_age=self.max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(COOKIE_NAME, httponly=True, samesite="lax", secure=self.secure)
