"""``/oauth/``: the page where a person lets an app at their account (www.pinterest.com/oauth/).

A plain HTML form: pick one of the sandbox's users, then Allow (back to the app's
``redirect_uri`` with ``code`` and ``state``) or Deny (``error=access_denied``). An unknown app or
a ``redirect_uri`` it did not register gets an error page, never a redirect, as OAuth requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from pinsmith.sandbox.oauth import parse_scopes, unknown_scopes
from pinsmith.sandbox.params import SandboxDep
from pinsmith.sandbox.state import Sandbox

router = APIRouter(prefix="/oauth", tags=["oauth"])

templates = Environment(
    loader=PackageLoader("pinsmith.sandbox", "templates"),
    autoescape=select_autoescape(["html"]),
)


@dataclass(frozen=True)
class AuthorizeRequest:
    client_id: str
    redirect_uri: str
    response_type: str
    scope: str
    state: str | None

    @classmethod
    def read(cls, values: Mapping[str, str]) -> AuthorizeRequest:
        # Pinterest's own quickstart sends the legacy alias ``consumer_id``.
        return cls(
            client_id=values.get("client_id") or values.get("consumer_id") or "",
            redirect_uri=values.get("redirect_uri", ""),
            response_type=values.get("response_type", ""),
            scope=values.get("scope", ""),
            state=values.get("state"),
        )

    def problem(self, sandbox: Sandbox) -> str | None:
        """Why no redirect may be made at all (unknown app, unregistered redirect_uri)."""
        if not self.client_id:
            return "The request names no client_id."
        client = sandbox.client(self.client_id)
        if client is None:
            return f"No app with client_id {self.client_id!r} is registered with the sandbox."
        if self.redirect_uri not in client.redirect_uris:
            return f"redirect_uri {self.redirect_uri!r} is not registered for this app."
        return None

    def redirect(self, **params: str) -> RedirectResponse:
        if self.state is not None:
            params["state"] = self.state
        separator = "&" if "?" in self.redirect_uri else "?"
        return RedirectResponse(
            f"{self.redirect_uri}{separator}{urlencode(params)}", status_code=302
        )


def page(request: Request, *, status_code: int = 200, **context: object) -> HTMLResponse:
    html = templates.get_template("authorize.html").render(action=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)


@router.get("/", response_class=HTMLResponse)
async def show_consent(request: Request, sandbox: SandboxDep) -> Response:
    asked = AuthorizeRequest.read(request.query_params)
    problem = asked.problem(sandbox)
    if problem:
        return page(request, status_code=400, error=problem)
    refusal = refusal_of(asked)
    if refusal:
        return asked.redirect(error=refusal)
    return page(
        request,
        client_id=asked.client_id,
        redirect_uri=asked.redirect_uri,
        response_type=asked.response_type,
        scope=asked.scope,
        scopes=parse_scopes(asked.scope),
        state=asked.state,
        users=sandbox.users(),
    )


@router.post("/", response_class=HTMLResponse)
async def decide(request: Request, sandbox: SandboxDep) -> Response:
    async with request.form() as form:
        values = {name: value for name, value in form.items() if isinstance(value, str)}
    asked = AuthorizeRequest.read(values)
    problem = asked.problem(sandbox)
    if problem:
        return page(request, status_code=400, error=problem)
    refusal = refusal_of(asked)
    if refusal:
        return asked.redirect(error=refusal)
    if values.get("decision") != "allow":
        return asked.redirect(error="access_denied")
    user = sandbox.user(values.get("user_id", ""))
    if user is None:
        return page(request, status_code=400, error="Pick one of the sandbox's users.")
    scopes = parse_scopes(asked.scope)
    code = sandbox.create_authorization_code(asked.client_id, user.id, asked.redirect_uri, scopes)
    return asked.redirect(code=code.code)


def refusal_of(asked: AuthorizeRequest) -> str | None:
    """OAuth errors that go back to the (verified) app rather than to the person."""
    if asked.response_type != "code":
        return "unsupported_response_type"
    if unknown_scopes(parse_scopes(asked.scope)):
        return "invalid_scope"
    return None
