"""Who is calling: bearer tokens for the API, HTTP Basic client credentials for OAuth.

The order of checks is Pinterest's: authentication (401), then the rate limit of the caller
(429), then the token's scopes (403 code 3).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from fastapi import Request

from pinsmith.sandbox.entities import Client, SandboxUser
from pinsmith.sandbox.errors import Problem, SandboxError
from pinsmith.sandbox.ratelimits import remember
from pinsmith.sandbox.state import Sandbox


@dataclass(frozen=True)
class Caller:
    """The user and app behind a bearer token, with what the token allows."""

    user: SandboxUser
    client_id: str
    scopes: frozenset[str]

    def has(self, scope: str) -> bool:
        return scope in self.scopes


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def authenticate(sandbox: Sandbox, authorization: str | None) -> Caller:
    """The caller of a ``Bearer`` token, or 401 (code 1104 when the token merely expired)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SandboxError(Problem.AUTHENTICATION_FAILED)
    access = sandbox.state.access_tokens.get(token.strip())
    grant = sandbox.state.grants.get(access.grant_id) if access else None
    if access is None or grant is None or access.revoked or grant.revoked:
        raise SandboxError(Problem.AUTHENTICATION_FAILED)
    user = sandbox.user(grant.user_id)
    if user is None or sandbox.client(grant.client_id) is None:
        raise SandboxError(Problem.AUTHENTICATION_FAILED)
    if sandbox.now() >= access.expires_at:
        raise SandboxError(Problem.TOKEN_EXPIRED)
    return Caller(user, grant.client_id, frozenset(access.scopes))


def count_request(request: Request, sandbox: Sandbox, caller: Hashable, category: str) -> None:
    """Count the call against its category's quota; 429 code 8 over the limit."""
    status = sandbox.rate_limiter.hit(caller, category, sandbox.now())
    if status is None:
        return
    remember(request.scope, status)
    if not status.allowed:
        raise SandboxError(Problem.RATE_LIMITED)


def authorized(category: str, *scopes: str) -> Callable[[Request], Awaitable[Caller]]:
    """A dependency: the authenticated, rate-limited caller holding every one of ``scopes``."""

    async def caller(request: Request) -> Caller:
        sandbox = sandbox_of(request)
        found = authenticate(sandbox, request.headers.get("authorization"))
        count_request(request, sandbox, (found.user.id, found.client_id), category)
        require_scopes(found, *scopes)
        return found

    return caller


def require_scopes(caller: Caller, *scopes: str) -> None:
    missing = [scope for scope in scopes if not caller.has(scope)]
    if missing:
        message = f"{Problem.MISSING_SCOPES.message} Missing: {', '.join(missing)}."
        raise SandboxError(Problem.MISSING_SCOPES, message)


def authenticate_client(sandbox: Sandbox, authorization: str | None) -> Client:
    """The app behind ``Authorization: Basic base64(client_id:client_secret)``, or 401 code 2."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        raise SandboxError(Problem.AUTHENTICATION_FAILED)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise SandboxError(Problem.AUTHENTICATION_FAILED) from None
    client_id, separator, secret = decoded.partition(":")
    client = sandbox.client(client_id)
    if (
        not separator
        or client is None
        or not secrets.compare_digest(client.client_secret.encode(), secret.encode())
    ):
        raise SandboxError(Problem.AUTHENTICATION_FAILED)
    return client
