"""The crash test's harness: a sandbox process that drops answers after committing, pinsmith
processes the test kills with SIGKILL and starts again, and the tally at the end.

What a run proves: whatever dies when, every pin ends ``published`` exactly once on the sandbox
(counted there, by title), or ``failed`` or ``review`` with a reason; none is left waiting or
``publishing``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import func, select

from pinsmith.config import Settings
from pinsmith.kit.crypto import SecretBox
from pinsmith.kit.db import Database
from pinsmith.kit.time import utcnow
from pinsmith.models import Pin, PinStatus
from pinsmith.pins import service as pins
from pinsmith.pins.schemas import PinCreate
from pinsmith.profiles import service as profiles
from pinsmith.profiles.schemas import ProfileConnect
from pinsmith.quotas.plans import PlanName
from pinsmith.users import service as users
from pinsmith.users.schemas import UserCreate
from tests.conftest import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
SETTLED = frozenset({PinStatus.PUBLISHED, PinStatus.FAILED, PinStatus.REVIEW})
UNSETTLED = frozenset({PinStatus.QUEUED, PinStatus.SCHEDULED, PinStatus.PUBLISHING})
STARTUP_SECONDS = 60.0  # for a process to come up; not a timing assertion


@dataclass(frozen=True)
class Plan:
    """One crash run: how many pins, how Pinterest misbehaves, how often pinsmith dies."""

    pins: int = 200
    accounts: int = 4
    boards_per_account: int = 3
    seed: int = 20260501
    drop_rate: float = 0.2  # POST /v5/pins: the pin is created, the answer held back
    drop_seconds: float = 3.0  # longer than pinsmith's Pinterest timeout below
    latency: float = 0.2  # every POST /v5/pins: so that kills land mid-call
    first_due_seconds: float = 4.0  # the first pin is due this long after seeding
    spread_seconds: float = 20.0  # the pins fall due over this long
    kills: int = 8
    kill_every: tuple[float, float] = (1.5, 2.5)  # seconds between kills (seeded)
    deadline_seconds: float = 300.0  # the run gives up (and fails, saying why) after this


def pinsmith_environment(
    plan: Plan, sandbox: SandboxFacts, database_url: str, data_dir: Path
) -> dict[str, str]:
    """The environment of a pinsmith process: this database, the sandbox, short timeouts."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PINSMITH_")}
    return env | {
        "PINSMITH_DATABASE_URL": database_url,
        "PINSMITH_SECRET_KEYS": TEST_SECRET_KEY,
        "PINSMITH_DATA_DIR": str(data_dir),
        "PINSMITH_PINTEREST_API_URL": f"{sandbox.base_url}/v5",
        "PINSMITH_PINTEREST_OAUTH_URL": f"{sandbox.base_url}/oauth/",
        "PINSMITH_PINTEREST_CLIENT_ID": sandbox.client_id,
        "PINSMITH_PINTEREST_CLIENT_SECRET": sandbox.client_secret,
        "PINSMITH_ALLOW_PRIVATE_URLS": "1",
        # A dropped answer is a timeout after a second, not after Pinterest's 30.
        "PINSMITH_PINTEREST_TIMEOUT_SECONDS": "1",
        "PINSMITH_PINTEREST_WRITES_PER_MINUTE": "600",
        "PINSMITH_PUBLISH_RECONCILE_DELAY_SECONDS": "0.5",
        "PINSMITH_WORKER_LEASE_SECONDS": "10",  # the shortest allowed
        "PINSMITH_WORKER_POLL_SECONDS": "0.5",
        "PINSMITH_WORKER_GRACE_SECONDS": "2",
        "PINSMITH_RATE_LIMITS_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "200",
    }


# -- processes -----------------------------------------------------------------------------------


@dataclass
class Processes:
    """Every process the test starts, each logging to a file of its own; all of them are ended
    by ``stop_all`` (the fixture's finalizer), whatever happened."""

    logs: Path
    started: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.started.append((name, process, log))
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for _, process, _ in self.started:
            if process.poll() is None:
                process.terminate()
        for _, process, log in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
            log.close()

    def tails(self, lines: int = 15) -> str:
        """The end of each log, for a failure message."""
        parts = []
        for name, _, log in self.started:
            log.flush()
            text = (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            parts.append(f"--- {name} ---\n" + "\n".join(text.splitlines()[-lines:]))
        return "\n".join(parts)


@contextmanager
def processes(logs: Path) -> Iterator[Processes]:
    started = Processes(logs)
    try:
        yield started
    finally:
        started.stop_all()


# -- the sandbox ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    user_id: str
    username: str
    access_token: str
    refresh_token: str
    boards: list[str]


@dataclass(frozen=True)
class SandboxFacts:
    base_url: str
    client_id: str
    client_secret: str
    accounts: list[Account]


def start_sandbox(started: Processes, plan: Plan, work: Path) -> SandboxFacts:
    """The sandbox in its own process, seeded, answering; what the test needs to reach it."""
    setup = {
        "accounts": plan.accounts,
        "boards_per_account": plan.boards_per_account,
        "faults": [
            {
                "route": "POST /v5/pins",
                "action": "commit_then_drop",
                "rate": plan.drop_rate,
                "seed": plan.seed,
                "drop_seconds": plan.drop_seconds,
            },
            {"route": "POST /v5/pins", "action": "latency", "latency": plan.latency},
        ],
    }
    setup_path, facts_path = work / "sandbox-setup.json", work / "sandbox.json"
    setup_path.write_text(json.dumps(setup), encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if not name.startswith("PINSMITH_")}
    process = started.start(
        "sandbox",
        ["-m", "tests.publishing.crash_sandbox", str(setup_path), str(facts_path)],
        env | {"PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while not facts_path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("the sandbox process did not start:\n" + started.tails())
        time.sleep(0.05)
    raw = json.loads(facts_path.read_text(encoding="utf-8"))
    facts = SandboxFacts(
        raw["base_url"],
        raw["client_id"],
        raw["client_secret"],
        [Account(**account) for account in raw["accounts"]],
    )
    state = httpx.get(f"{facts.base_url}/_sandbox/state", timeout=STARTUP_SECONDS)
    assert state.status_code == 200, state.text
    return facts


def sandbox_pins(facts: SandboxFacts) -> list[dict[str, Any]]:
    """Every pin on every board of the sandbox, read through its API."""
    found: list[dict[str, Any]] = []
    with httpx.Client(base_url=f"{facts.base_url}/v5", timeout=30) as http:
        for account in facts.accounts:
            headers = {"Authorization": f"Bearer {account.access_token}"}
            for board in account.boards:
                bookmark: str | None = None
                while True:
                    params: dict[str, Any] = {"page_size": 250}
                    if bookmark:
                        params["bookmark"] = bookmark
                    page = http.get(f"/boards/{board}/pins", params=params, headers=headers)
                    assert page.status_code == 200, page.text
                    body = page.json()
                    found.extend(body["items"])
                    bookmark = body.get("bookmark")
                    if not bookmark:
                        break
    return found


# -- pinsmith's side ---------------------------------------------------------------------------


async def seed(database: Database, settings: Settings, plan: Plan, sandbox: SandboxFacts) -> None:
    """A pinsmith user with a profile per sandbox account and ``plan.pins`` scheduled pins with
    distinct titles, spread over the boards and over ``plan.spread_seconds``."""
    box = SecretBox([TEST_SECRET_KEY])
    first_due = utcnow() + timedelta(seconds=plan.first_due_seconds)
    step = timedelta(seconds=plan.spread_seconds / plan.pins)
    async with database.transaction() as session:
        user = await users.create(
            session,
            settings,
            UserCreate(
                username="crash",
                plan=PlanName.UNLIMITED,
                daily_pin_limit=10 * plan.pins,
                is_approved=True,
            ),
        )
        targets = []
        for account in sandbox.accounts:
            profile = await profiles.connect(
                session,
                box,
                user,
                ProfileConnect(
                    pinterest_user_id=account.user_id,
                    username=account.username,
                    access_token=account.access_token,
                    refresh_token=account.refresh_token,
                    expires_in=30 * 24 * 3600,
                ),
            )
            targets.extend((profile.id, board) for board in account.boards)
        items = [
            PinCreate(
                profile_id=targets[number % len(targets)][0],
                board_id=targets[number % len(targets)][1],
                media_url=f"https://images.example.com/crash/{number}.jpg",
                title=title(number),
                description=f"Pin number {number} of the crash test",
                link=f"https://blog.example.com/crash/{number}",
                alt_text=f"Picture {number}",
                scheduled_at=first_due + step * number,
            )
            for number in range(plan.pins)
        ]
        await pins.create_many(session, settings, user, items)


def title(number: int) -> str:
    return f"Crash pin {number:04d}"


async def tally(database: Database) -> Counter[PinStatus]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(select(Pin.status, func.count()).group_by(Pin.status))
        return Counter(dict(rows.all()))


@dataclass
class Chaos:
    """Kill a pinsmith process every little while (seeded), while pins are unsettled."""

    plan: Plan
    kill_one: Callable[[], None]
    kills: int = 0

    async def run_until_settled(self, database: Database, started: Processes) -> float:
        """Until every pin is settled; the seconds it took. Fails (saying which pins wait and
        what the processes said) past the plan's deadline."""
        draws = random.Random(self.plan.seed)  # noqa: S311 - repeatable chaos, not a secret
        began = time.monotonic()
        deadline = began + self.plan.deadline_seconds
        next_kill = began + self.plan.first_due_seconds + draws.uniform(*self.plan.kill_every)
        while True:
            counts = await tally(database)
            if not any(counts[status] for status in UNSETTLED):
                return time.monotonic() - began
            now = time.monotonic()
            if now > deadline:
                raise AssertionError(
                    f"pins still unsettled after {self.plan.deadline_seconds:.0f} s: "
                    f"{dict(counts)} ({self.kills} kills)\n{started.tails()}"
                )
            if self.kills < self.plan.kills and now >= next_kill:
                self.kill_one()
                self.kills += 1
                next_kill = now + draws.uniform(*self.plan.kill_every)
            await asyncio.sleep(0.1)


@dataclass(frozen=True)
class Outcome:
    published: int
    failed: int
    review: int
    on_sandbox: int
    duplicates: list[str]

    def line(self, variant: str, kills: int, seconds: float) -> str:
        return (
            f"crash test ({variant}): {self.published} published, {self.failed} failed, "
            f"{self.review} review; {self.on_sandbox} pins on the sandbox, "
            f"{len(self.duplicates)} duplicates; {kills} kills; settled in {seconds:.1f} s"
        )


async def check(database: Database, sandbox: SandboxFacts, plan: Plan) -> Outcome:
    """Every pin settled, and the sandbox agrees: each published pin there once, with the id
    pinsmith recorded and on its board; no title twice; the others not there, with a reason."""
    async with database.transaction(write=False) as session:
        rows = (await session.execute(select(Pin))).scalars().all()
    assert len(rows) == plan.pins
    remote: dict[str, list[dict[str, Any]]] = defaultdict(list)
    on_sandbox = sandbox_pins(sandbox)
    for pin in on_sandbox:
        remote[pin["title"]].append(pin)
    duplicates = sorted(name for name, copies in remote.items() if len(copies) > 1)
    problems: list[str] = []
    if duplicates:
        problems.append(f"titles more than once on the sandbox: {duplicates}")
    unknown = sorted(set(remote) - {pin.title for pin in rows})
    if unknown:
        problems.append(f"pins on the sandbox pinsmith never made: {unknown}")
    for pin in rows:
        copies = remote.get(pin.title or "", [])
        if pin.status not in SETTLED:
            problems.append(f"pin {pin.id} ({pin.title}) is left {pin.status.value}")
        elif pin.status is PinStatus.PUBLISHED:
            ids = [copy["id"] for copy in copies]
            if ids != [pin.pinterest_pin_id]:
                problems.append(
                    f"published pin {pin.id} ({pin.title}) is {pin.pinterest_pin_id} for "
                    f"pinsmith, {ids} on the sandbox"
                )
            elif copies[0]["board_id"] != pin.board_id:
                problems.append(f"pin {pin.id} is on board {copies[0]['board_id']}")
        else:
            if not pin.error_message:
                problems.append(f"pin {pin.id} is {pin.status.value} without a reason")
            if pin.status is PinStatus.FAILED and copies:
                problems.append(
                    f"failed pin {pin.id} ({pin.title}) is on the sandbox: "
                    f"{[copy['id'] for copy in copies]} ({pin.error_message})"
                )
    assert not problems, "\n".join(problems)
    statuses = Counter(pin.status for pin in rows)
    return Outcome(
        published=statuses[PinStatus.PUBLISHED],
        failed=statuses[PinStatus.FAILED],
        review=statuses[PinStatus.REVIEW],
        on_sandbox=len(on_sandbox),
        duplicates=duplicates,
    )
