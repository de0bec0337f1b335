"""``POST /v5/oauth/token`` and ``POST /v5/oauth/token/revoke``: Pinterest's token endpoint.

Apps authenticate with HTTP Basic (``client_id:client_secret``), bodies are form-encoded.
Authorization codes are single-use and short-lived and must come back with the ``redirect_uri``
they were issued for. Refresh tokens rotate: each refresh hands out a new one and the old one
stops working (continuous refresh, ``continuous_refresh=true`` accepted).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from pinsmith.sandbox.auth import authenticate_client, count_request
from pinsmith.sandbox.entities import ALL_SCOPES, Client, TokenPair
from pinsmith.sandbox.errors import Problem, SandboxError
from pinsmith.sandbox.params import SandboxDep
from pinsmith.sandbox.routing import SandboxRoute
from pinsmith.sandbox.state import Sandbox

router = APIRouter(prefix="/v5/oauth", route_class=SandboxRoute, tags=["oauth"])


def parse_scopes(text: str | None) -> list[str]:
    """Pinterest separates scopes with commas; spaces (the OAuth habit) are accepted too."""
    return list(dict.fromkeys(s for s in re.split(r"[,\s]+", text or "") if s))


def unknown_scopes(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope not in ALL_SCOPES]


def invalid_grant(reason: str) -> SandboxError:
    return SandboxError(Problem.INVALID_GRANT, f"{Problem.INVALID_GRANT.message} {reason}")


def text_field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value else None


def required_field(form: FormData, name: str) -> str:
    value = text_field(form, name)
    if value is None:
        raise SandboxError.invalid(name, "Field required")
    return value


@router.post("/token")
async def create_token(request: Request, sandbox: SandboxDep) -> dict[str, Any]:
    client = authenticate_client(sandbox, request.headers.get("authorization"))
    count_request(request, sandbox, ("app", client.client_id), "org_read")
    async with request.form() as form:
        grant_type = required_field(form, "grant_type")
        if grant_type == "authorization_code":
            return token_response(sandbox, exchange_code(sandbox, client, form), grant_type)
        if grant_type == "refresh_token":
            return token_response(sandbox, refresh(sandbox, client, form), grant_type)
    if grant_type == "client_credentials":
        reason = "client_credentials (tokens for the app's own account) is not emulated"
        raise SandboxError.invalid("grant_type", reason)
    raise SandboxError.invalid("grant_type", "must be authorization_code or refresh_token")


def exchange_code(sandbox: Sandbox, client: Client, form: FormData) -> TokenPair:
    code = sandbox.state.codes.get(required_field(form, "code"))
    redirect_uri = required_field(form, "redirect_uri")
    if code is None or code.client_id != client.client_id:
        raise invalid_grant("Unknown authorization code.")
    if code.used:
        raise invalid_grant("The authorization code was already used.")
    if sandbox.now() >= code.expires_at:
        raise invalid_grant("The authorization code expired.")
    if redirect_uri != code.redirect_uri:
        raise invalid_grant("redirect_uri does not match the one used to authorize.")
    code.used = True
    return sandbox.issue_tokens(code.user_id, client.client_id, code.scopes)


def refresh(sandbox: Sandbox, client: Client, form: FormData) -> TokenPair:
    token = sandbox.state.refresh_tokens.get(required_field(form, "refresh_token"))
    grant = sandbox.state.grants.get(token.grant_id) if token else None
    if token is None or grant is None or grant.client_id != client.client_id:
        raise invalid_grant("Unknown refresh token.")
    if token.revoked or grant.revoked:
        raise invalid_grant("The refresh token was revoked or already used.")
    if sandbox.now() >= token.expires_at:
        raise invalid_grant("The refresh token expired.")
    if sandbox.user(grant.user_id) is None:
        raise invalid_grant("The user no longer exists.")
    narrowed = parse_scopes(text_field(form, "scope"))
    wider = [scope for scope in narrowed if scope not in grant.scopes]
    if wider:
        raise SandboxError.invalid("scope", f"not granted: {', '.join(wider)}")
    token.revoked = True
    return sandbox.tokens_for(grant, narrowed or None)


def token_response(sandbox: Sandbox, pair: TokenPair, response_type: str) -> dict[str, Any]:
    """``OauthAccessTokenResponse``: lifetimes in seconds, ``refresh_token_expires_at`` as a Unix
    time, scopes comma-separated as Pinterest returns them."""
    now = sandbox.now()
    return {
        "access_token": pair.access_token,
        "token_type": "bearer",
        "expires_in": round((pair.access_token_expires_at - now).total_seconds()),
        "scope": ",".join(pair.scopes),
        "refresh_token": pair.refresh_token,
        "refresh_token_expires_in": round((pair.refresh_token_expires_at - now).total_seconds()),
        "refresh_token_expires_at": int(pair.refresh_token_expires_at.timestamp()),
        "response_type": response_type,
    }


@router.post("/token/revoke")
async def revoke_token(request: Request, sandbox: SandboxDep) -> Response:
    """Revoking an access token ends it; revoking a refresh token ends the whole grant. Unknown
    tokens are accepted silently (RFC 7009); another app's tokens are refused (403 code 29)."""
    client = authenticate_client(sandbox, request.headers.get("authorization"))
    count_request(request, sandbox, ("app", client.client_id), "org_write")
    async with request.form() as form:
        value = required_field(form, "token")
        hint = text_field(form, "token_type_hint")
    if hint not in (None, "access_token", "refresh_token"):
        raise SandboxError.invalid("token_type_hint", "must be access_token or refresh_token")
    access = sandbox.state.access_tokens.get(value)
    refresh_token = sandbox.state.refresh_tokens.get(value)
    grant_id = access.grant_id if access else refresh_token.grant_id if refresh_token else None
    grant = sandbox.state.grants.get(grant_id) if grant_id else None
    if grant is not None and grant.client_id != client.client_id:
        raise SandboxError(Problem.NOT_PERMITTED)
    if access is not None:
        access.revoked = True
    if refresh_token is not None and grant is not None:
        refresh_token.revoked = grant.revoked = True
    sandbox.commit()
    return Response(status_code=200)
