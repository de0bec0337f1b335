"""Benchmark publishing on time: how late scheduled pins reach the Pinterest sandbox, in one run.

Starts the sandbox in its own process on a free loopback port (rate limits raised so they never
bind), seeded with one Pinterest account per profile, each with a board and tokens for the bench
app. Fills a fresh database with those users and profiles and ``--pins`` pins in ``scheduled``,
their ``scheduled_at`` spread evenly over ``--minutes`` starting a few seconds ahead, round-robin
over the profiles; pinsmith's own pacing (``PINSMITH_PINTEREST_WRITES_PER_MINUTE``) is raised so
it does not bind either. Then runs ``--workers`` ``pinsmith worker`` processes until every pin is
settled (``published``, ``failed`` or ``review``) or the time runs out, and prints:

- pins published / failed / review / left, and the throughput (pins/s) over the window;
- lateness, ``published_at - scheduled_at``: p50, p95, p99 and max    target: p99 < 1 s
  and its two parts: due to claimed (the job's ``run_at``, set when the dispatch round claims the
  pin) and claimed to published (the job waiting for a worker slot, then ``POST /v5/pins``);
- the sandbox's own count of pins, which must equal the published count (nothing twice).

Run: ``python bench/publish.py [--quick] [--pins 10000 --profiles 100 --minutes 10]
[--database sqlite|postgresql://...] [--concurrency 8] [--workers 1]``
(default: a SQLite file in a temporary directory; a PostgreSQL database must be empty).
``--quick``: 600 pins over 1 minute across 20 profiles. Prints numbers; exits 0 either way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import httpx
from sqlalchemy import func, insert, select

from pinsmith.config import load_settings
from pinsmith.kit import migrations
from pinsmith.kit.crypto import SecretBox, generate_secret_key
from pinsmith.kit.db import Database
from pinsmith.models import Job, Pin, PinStatus, User
from pinsmith.profiles.schemas import ProfileConnect
from pinsmith.profiles.service import connect
from pinsmith.publishing.dispatch import PUBLISH_TASK as PUBLISH
from pinsmith.quotas.plans import PlanName

CLIENT_ID = "1480099"
CLIENT_SECRET = "pinsmith-bench-secret"  # noqa: S105 - a throwaway sandbox app
UNBOUND = 1_000_000  # a rate limit / pacing that never binds
LEAD = timedelta(seconds=10)  # the first pin is due this long after the pins are in
SETTLED = (PinStatus.PUBLISHED, PinStatus.FAILED, PinStatus.REVIEW)
SANDBOX_CHILD = "--sandbox-child"


# -- the sandbox, in its own process -------------------------------------------------------------


def sandbox_child(accounts: int, out: Path) -> None:
    """(In the child process.) Seed the sandbox, write its port and the accounts' tokens to
    ``out``, then serve until terminated."""
    import uvicorn

    from pinsmith.sandbox import ClientConfig, SandboxConfig, create_sandbox_app
    from pinsmith.sandbox.config import DEFAULT_RATE_LIMITS

    config = SandboxConfig(
        clients=[ClientConfig(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)],
        rate_limits=dict.fromkeys(DEFAULT_RATE_LIMITS, UNBOUND),
    )
    app = create_sandbox_app(config)
    sandbox = app.state.sandbox
    seeded = []
    for n in range(accounts):
        user = sandbox.add_user(f"bench_{n}")
        board = sandbox.add_board(user.id, f"Bench board {n}")
        tokens = sandbox.issue_tokens(user.id, CLIENT_ID)
        seeded.append(
            {
                "id": user.id,
                "username": user.username,
                "board_id": board.id,
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
            }
        )
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    partial = out.with_suffix(".partial")
    partial.write_text(json.dumps({"port": port, "accounts": seeded}))
    partial.rename(out)  # the parent sees the whole file or none
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    with suppress(KeyboardInterrupt):  # Ctrl-C in the terminal: the parent stops it too
        server.run(sockets=[listener])


def start_sandbox(accounts: int, tmp: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    out = tmp / "sandbox.json"
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, SANDBOX_CHILD, str(accounts), str(out)]
    )
    deadline = time.monotonic() + 60
    while not out.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            stop(child)
            raise SystemExit("the sandbox did not start")
        time.sleep(0.05)
    seeded = json.loads(out.read_text())
    base = f"http://127.0.0.1:{seeded['port']}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/_sandbox/state", timeout=5).raise_for_status()
            break
        except httpx.TransportError:
            time.sleep(0.05)
    seeded["base_url"] = base
    return child, seeded


def sandbox_pin_count(base_url: str) -> int:
    state = httpx.get(f"{base_url}/_sandbox/state", timeout=30).json()
    return int(state["counts"]["pins"])


# -- pinsmith's database ---------------------------------------------------------------------------


async def seed(
    database_url: str, data_dir: Path, secret_key: str, accounts: list[dict[str, Any]]
) -> list[tuple[int, int, dict[str, Any]]]:
    """Users and profiles connected to the sandbox accounts: (user id, profile id, account)."""
    settings = load_settings(data_dir=data_dir, database_url=database_url, secret_keys=[secret_key])
    database = Database(settings.database_url)
    try:
        await migrations.upgrade(database)
        box = SecretBox(settings.secret_keys)
        async with database.transaction() as session:
            if await session.scalar(select(func.count()).select_from(Pin)):
                raise SystemExit("the database already holds pins: give an empty one")
            now = datetime.now(UTC)
            owners = []
            for account in accounts:
                user = User(
                    username=f"{account['username']}_owner",
                    timezone="UTC",
                    daily_pin_limit=10_000_000,
                    plan=PlanName.UNLIMITED,
                    is_approved=True,
                    is_admin=False,
                    is_suspended=False,
                    created_at=now,
                )
                session.add(user)
                owners.append(user)
            await session.flush()
            made = []
            for user, account in zip(owners, accounts, strict=True):
                profile = await connect(
                    session,
                    box,
                    user,
                    ProfileConnect(
                        pinterest_user_id=account["id"],
                        username=account["username"],
                        access_token=account["access_token"],
                        refresh_token=account["refresh_token"],
                        expires_in=30 * 24 * 3600,
                    ),
                )
                made.append((user.id, profile.id, account))
        return made
    finally:
        await database.dispose()


async def schedule(
    database_url: str, profiles: list[tuple[int, int, dict[str, Any]]], pins: int, window: float
) -> datetime:
    """Insert the scheduled pins; when the first one is due."""
    database = Database(database_url)
    first = datetime.now(UTC) + LEAD
    step = timedelta(seconds=window / pins)
    rows = []
    for index in range(pins):
        user_id, profile_id, account = profiles[index % len(profiles)]
        at = first + step * index
        rows.append(
            {
                "user_id": user_id,
                "profile_id": profile_id,
                "pinterest_user_id": account["id"],
                "pinterest_username": account["username"],
                "board_id": account["board_id"],
                "title": f"Bench pin {index}",
                "description": "Published by bench/publish.py",
                "media_url": f"https://img.example.com/bench/{index}.jpg",
                "status": PinStatus.SCHEDULED,
                "scheduled_at": at,
                "sort_order": index,
                "retry_count": 0,
                "created_at": first - LEAD,
                "updated_at": first - LEAD,
            }
        )
    try:
        async with database.transaction() as session:
            for start in range(0, len(rows), 2_000):
                await session.execute(insert(Pin), rows[start : start + 2_000])
    finally:
        await database.dispose()
    return first


async def status_counts(database: Database) -> Counter[PinStatus]:
    async with database.transaction(write=False) as session:
        result = await session.execute(select(Pin.status, func.count()).group_by(Pin.status))
        return Counter({PinStatus(status): count for status, count in result.all()})


async def final_counts(database_url: str) -> Counter[PinStatus]:
    database = Database(database_url)
    try:
        return await status_counts(database)
    finally:
        await database.dispose()


async def watch(database_url: str, pins: int, first: datetime, until: float) -> Counter[PinStatus]:
    """A line every few seconds until every pin is settled or ``time.monotonic()`` is ``until``."""
    database = Database(database_url)
    deadline = until
    try:
        while True:
            counts = await status_counts(database)
            settled = sum(counts[status] for status in SETTLED)
            due = (datetime.now(UTC) - first).total_seconds()
            print(
                f"  t={due:+7.1f} s  "
                + "  ".join(f"{status.value} {counts[status]}" for status in PinStatus)
                + f"  settled {settled}/{pins}",
                flush=True,
            )
            if settled >= pins or time.monotonic() > deadline:
                return counts
            await asyncio.sleep(5)
    finally:
        await database.dispose()


class Outcome(NamedTuple):
    lateness: list[float]  # published_at - scheduled_at, seconds, of each published pin
    to_claim: list[float]  # the publishing job's run_at (the claim) - scheduled_at
    to_publish: list[float]  # published_at - the claim
    distinct_ids: int  # Pinterest pin ids among the published pins
    last: datetime | None  # the last published_at


async def results(database_url: str) -> Outcome:
    database = Database(database_url)
    try:
        async with database.transaction(write=False) as session:
            rows = (
                await session.execute(
                    select(Pin.id, Pin.scheduled_at, Pin.published_at, Pin.pinterest_pin_id).where(
                        Pin.status == PinStatus.PUBLISHED
                    )
                )
            ).all()
            jobs = (
                await session.execute(select(Job.payload, Job.run_at).where(Job.kind == PUBLISH))
            ).all()
    finally:
        await database.dispose()
    claimed: dict[int, datetime] = {}
    for payload, run_at in jobs:  # the first claim of each pin
        pin_id = int(payload["pin_id"])
        claimed[pin_id] = min(as_utc(run_at), claimed.get(pin_id, as_utc(run_at)))
    outcome = Outcome([], [], [], len({row.pinterest_pin_id for row in rows}), None)
    for row in rows:
        if row.scheduled_at is None or row.published_at is None:
            continue
        scheduled, published = as_utc(row.scheduled_at), as_utc(row.published_at)
        outcome.lateness.append((published - scheduled).total_seconds())
        if row.id in claimed:
            outcome.to_claim.append((claimed[row.id] - scheduled).total_seconds())
            outcome.to_publish.append((published - claimed[row.id]).total_seconds())
    last = max((as_utc(row.published_at) for row in rows if row.published_at), default=None)
    return outcome._replace(last=last)


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- processes -----------------------------------------------------------------------------------


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == SANDBOX_CHILD:
        sandbox_child(int(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pins", type=int, default=10_000)
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10.0, help="the window the pins span")
    parser.add_argument("--database", default="sqlite", help="sqlite (a temp file) or a URL")
    parser.add_argument("--concurrency", type=int, default=8, help="jobs at once per worker")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--quick", action="store_true", help="600 pins over 1 minute across 20 profiles"
    )
    parser.add_argument(
        "--grace", type=float, default=120.0, help="seconds to wait after the window ends"
    )
    args = parser.parse_args()
    if args.quick:
        args.pins, args.profiles, args.minutes = 600, 20, 1.0
    window = args.minutes * 60
    if min(args.pins, args.profiles, args.concurrency, args.workers) < 1 or window <= 0:
        parser.error("--pins, --profiles, --concurrency, --workers and --minutes must be positive")

    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="pinsmith-bench-") as tmp:
        data_dir = Path(tmp)
        try:
            run(args, window, data_dir, processes)
        except KeyboardInterrupt:
            print("\ninterrupted: stopping the workers and the sandbox", flush=True)
        finally:
            for process in reversed(processes):
                stop(process)


def run(
    args: argparse.Namespace,
    window: float,
    data_dir: Path,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    database_url = (
        f"sqlite:///{data_dir / 'bench.db'}" if args.database == "sqlite" else args.database
    )
    started = time.perf_counter()
    sandbox, seeded = start_sandbox(args.profiles, data_dir)
    processes.append(sandbox)
    print(
        f"sandbox at {seeded['base_url']} with {args.profiles} accounts "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    secret_key = generate_secret_key()
    profiles = asyncio.run(seed(database_url, data_dir, secret_key, seeded["accounts"]))
    settings = load_settings(data_dir=data_dir, database_url=database_url, secret_keys=[secret_key])
    database_url = settings.database_url  # normalized (async driver)
    first = asyncio.run(schedule(database_url, profiles, args.pins, window))
    print(
        f"scheduled {args.pins:,} pins over {window:.0f} s across {args.profiles} profiles "
        f"(one every {window / args.pins * 1000:.0f} ms), the first due at t=0",
        flush=True,
    )

    env = os.environ | {
        "PINSMITH_DATA_DIR": str(data_dir),
        "PINSMITH_DATABASE_URL": args.database if args.database != "sqlite" else database_url,
        "PINSMITH_SECRET_KEYS": secret_key,
        "PINSMITH_PINTEREST_API_URL": f"{seeded['base_url']}/v5",
        "PINSMITH_PINTEREST_OAUTH_URL": f"{seeded['base_url']}/oauth/",
        "PINSMITH_PINTEREST_CLIENT_ID": CLIENT_ID,
        "PINSMITH_PINTEREST_CLIENT_SECRET": CLIENT_SECRET,
        "PINSMITH_PINTEREST_WRITES_PER_MINUTE": str(UNBOUND),
        "PINSMITH_ALLOW_PRIVATE_URLS": "1",
        "PINSMITH_WORKER_CONCURRENCY": str(args.concurrency),
        "PINSMITH_LOG_LEVEL": "warning",
    }
    for _ in range(args.workers):
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "pinsmith", "worker"], env=env, stdout=subprocess.DEVNULL
            )
        )
    print(f"{args.workers} worker(s), {args.concurrency} jobs at once each", flush=True)

    timeout = (first - datetime.now(UTC)).total_seconds() + window + args.grace
    asyncio.run(watch(database_url, args.pins, first, time.monotonic() + timeout))
    for process in processes[1:]:
        stop(process)
    counts = asyncio.run(final_counts(database_url))
    outcome = asyncio.run(results(database_url))
    on_sandbox = sandbox_pin_count(seeded["base_url"])
    report(args.pins, window, first, counts, outcome, on_sandbox)


def report(
    pins: int,
    window: float,
    first: datetime,
    counts: Counter[PinStatus],
    outcome: Outcome,
    on_sandbox: int,
) -> None:
    published = counts[PinStatus.PUBLISHED]
    left = pins - sum(counts[status] for status in SETTLED)
    unsettled = ", ".join(
        f"{status.value} {counts[status]}"
        for status in PinStatus
        if counts[status] and status not in SETTLED
    )
    print("\nresults")
    print(
        f"  pins               {published:,} published, {counts[PinStatus.FAILED]:,} failed, "
        f"{counts[PinStatus.REVIEW]:,} review, {left:,} not settled ({unsettled or 'none'})"
    )
    if outcome.last is not None:
        span = (outcome.last - first).total_seconds()
        print(
            f"  wall time          {span:.1f} s from the first pin due to the last published "
            f"(window {window:.0f} s)"
        )
        print(
            f"  throughput         {published / span:.1f} pins/s "
            f"(offered {pins / window:.1f} pins/s)"
        )
    for name, samples in (
        ("lateness", outcome.lateness),
        ("  due to claimed", outcome.to_claim),
        ("  claimed to done", outcome.to_publish),
    ):
        if samples:
            print(
                f"  {name:18} p50 {percentile(samples, 0.5):.3f} s   "
                f"p95 {percentile(samples, 0.95):.3f} s   "
                f"p99 {percentile(samples, 0.99):.3f} s   max {max(samples):.3f} s   "
                f"min {min(samples):.3f} s"
            )
    print("\ntargets")
    if outcome.lateness:
        p99 = percentile(outcome.lateness, 0.99)
        late = sum(1 for seconds in outcome.lateness if seconds >= 1)
        print(
            f"  lateness p99       {p99:.3f} s  (< 1 s; {late:,} pins 1 s late or more)  "
            f"{verdict(p99 < 1)}"
        )
    same = on_sandbox == published == outcome.distinct_ids
    print(
        f"  pins on Pinterest  {on_sandbox:,} on the sandbox, {published:,} published, "
        f"{outcome.distinct_ids:,} distinct ids  {verdict(same)}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
