"""When a read is tried again, and how long to wait first. Writes never come here.

A read is safe to repeat, so timeouts, dropped connections, 5xx and 429 are retried a bounded
number of times with stamina's exponential backoff. A 429 that says when the limit resets waits
until then, unless that is further away than ``max_rate_limit_wait``: then the caller gets the
:class:`RateLimited` (with ``reset_at``) and reschedules instead of holding a worker. A spam
block is never retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import ParamSpec, TypeVar

import stamina

from pinsmith.pinterest.errors import PinterestTimeout, RateLimited, ServerError
from pinsmith.pinterest.transport import Clock

__all__ = ["RetryPolicy"]

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for retrying reads (seconds). ``attempts`` counts the first try."""

    attempts: int = 4
    wait_initial: float = 0.5
    wait_max: float = 10.0
    max_rate_limit_wait: float = 60.0

    def backoff(self, error: BaseException, *, now: Clock) -> bool | timedelta:
        """stamina's backoff hook: False = give up, True = exponential backoff, else the wait."""
        if isinstance(error, RateLimited):
            if error.is_spam_block:
                return False
            if error.reset_at is None:
                return True
            wait = error.reset_at - now()
            if wait > timedelta(seconds=self.max_rate_limit_wait):
                return False
            return max(wait, timedelta(0))
        return isinstance(error, ServerError | PinterestTimeout)

    async def call(
        self,
        read: Callable[P, Awaitable[T]],
        now: Clock,
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``read`` until it succeeds, fails for good, or the attempts run out."""
        caller = stamina.AsyncRetryingCaller(
            attempts=self.attempts,
            timeout=None,  # bounded by attempts; a rate-limit wait may be long on its own
            wait_initial=self.wait_initial,
            wait_max=self.wait_max,
        )
        return await caller(lambda error: self.backoff(error, now=now), read, *args, **kwargs)
