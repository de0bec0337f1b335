"""Benchmark the pins API against a trivial endpoint of the same server, in one run.

Fills a fresh database with 100,000 pins for one user (24 months, every status) and 100 other
users, starts ``pinsmith serve`` in its own process on loopback with rate limits off and the
user's quotas lifted, then measures, interleaved so each sees the same machine:

- ``GET /pins?status=scheduled&limit=100``   target: p50 <= 3x ``GET /healthz``
- ``GET /pins/calendar`` of a month of 500   target: p50 <= 10x ``GET /healthz``
- ``POST /pins``                              target: throughput >= 40% of ``GET /healthz``

Run: ``python bench/api.py [--requests 300] [--database-url postgresql://...]``
(default: a SQLite file in a temporary directory). Prints medians and ratios; exits 0 either way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text

from pinsmith.api_keys.schemas import ApiKeyCreate
from pinsmith.api_keys.service import create as create_key
from pinsmith.config import load_settings
from pinsmith.kit import migrations
from pinsmith.kit.crypto import generate_secret_key
from pinsmith.kit.db import Database
from pinsmith.models import Pin, PinStatus, PinterestProfile, User
from pinsmith.quotas.plans import PlanName

PINS = 100_000
OTHER_USERS = 100
CALENDAR_MONTH = (2027, 6)  # holds exactly CALENDAR_PINS scheduled pins
CALENDAR_PINS = 500
NOW = datetime.now(UTC).replace(microsecond=0)


def month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def spread_over_months(index: int, first: datetime, months: int, avoid: datetime) -> datetime:
    """A time in one of ``months`` months from ``first``, never in the month starting ``avoid``."""
    candidate = first + timedelta(days=(index % (months * 30)) + 0.37)
    if candidate.year == avoid.year and candidate.month == avoid.month:
        candidate += timedelta(days=31)
    return candidate


def pin_rows(user_id: int, profile_id: int) -> list[dict[str, Any]]:
    statuses = list(PinStatus)
    calendar_month = month_start(*CALENDAR_MONTH)
    rows = []
    calendar_left = CALENDAR_PINS
    for index in range(PINS):
        status = statuses[index % len(statuses)]
        created = NOW - timedelta(days=730) + timedelta(minutes=index * 10)
        row: dict[str, Any] = {
            "user_id": user_id,
            "profile_id": profile_id,
            "pinterest_user_id": "5550001",
            "pinterest_username": "bench",
            "board_id": str(1000 + index % 40),
            "title": f"Pin number {index}",
            "media_url": f"https://img.example.com/{index}.jpg",
            "status": status,
            "sort_order": index,
            "retry_count": 0,
            "created_at": created,
            "updated_at": created,
        }
        if status is PinStatus.SCHEDULED:
            if calendar_left:
                row["scheduled_at"] = calendar_month + timedelta(hours=index % 600)
                calendar_left -= 1
            else:
                row["scheduled_at"] = spread_over_months(
                    index, NOW + timedelta(days=1), 12, calendar_month
                )
        if status is PinStatus.PUBLISHING:
            # Claimed just now, as in a live database. An older one would be an orphan of a dead
            # worker, and the embedded worker would spend the run adopting thousands of them.
            row["updated_at"] = NOW
        if status is PinStatus.PUBLISHED:
            row["published_at"] = spread_over_months(
                index, NOW - timedelta(days=365), 12, calendar_month
            )
            row["pinterest_pin_id"] = str(9_000_000 + index)
        rows.append(row)
    return rows


async def seed(database_url: str, data_dir: Path, secret_key: str) -> str:
    settings = load_settings(data_dir=data_dir, database_url=database_url, secret_keys=[secret_key])
    database = Database(settings.database_url)
    await migrations.upgrade(database)
    async with database.transaction() as session:
        users = [
            {
                "username": f"user{n}",
                "timezone": "UTC",
                "daily_pin_limit": 10_000_000,
                "plan": PlanName.UNLIMITED,
                "is_approved": True,
                "is_admin": False,
                "is_suspended": False,
                "created_at": NOW,
            }
            for n in range(OTHER_USERS + 1)
        ]
        await session.execute(insert(User), users)
        owner = await session.get(User, 1)
        assert owner is not None
        profile = PinterestProfile(
            user_id=owner.id, pinterest_user_id="5550001", username="bench", is_selected=True
        )
        session.add(profile)
        await session.flush()
        rows = pin_rows(owner.id, profile.id)
        for start in range(0, len(rows), 5_000):
            await session.execute(insert(Pin), rows[start : start + 5_000])
        others = [
            row | {"user_id": 2 + n % OTHER_USERS, "profile_id": None}
            for n, row in enumerate(pin_rows(owner.id, profile.id)[:20_000])
        ]
        await session.execute(insert(Pin), others)
        secret = (await create_key(session, owner, ApiKeyCreate(name="bench"))).secret
    async with database.engine.begin() as connection:  # statistics, as a live database has them
        await connection.execute(text("ANALYZE"))
    await database.dispose()
    return secret


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per endpoint")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pinsmith-bench-") as tmp:
        data_dir = Path(tmp)
        database_url = args.database_url or f"sqlite:///{data_dir / 'bench.db'}"
        secret_key = generate_secret_key()
        started = time.perf_counter()
        secret = asyncio.run(seed(database_url, data_dir, secret_key))
        print(
            f"seeded {PINS:,} pins + {OTHER_USERS} users in {time.perf_counter() - started:.1f} s"
        )

        port = free_port()
        env = os.environ | {
            "PINSMITH_DATA_DIR": str(data_dir),
            "PINSMITH_DATABASE_URL": database_url,
            "PINSMITH_SECRET_KEYS": secret_key,
            "PINSMITH_RATE_LIMITS_ENABLED": "0",
            "PINSMITH_LOG_LEVEL": "warning",
        }
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "pinsmith", "serve", "--port", str(port)], env=env
        )
        try:
            measure(f"http://127.0.0.1:{port}", secret, args.requests)
        finally:
            server.terminate()
            server.wait(timeout=30)


def measure(base: str, secret: str, requests: int) -> None:
    headers = {"Authorization": f"Bearer {secret}"}
    year, month = CALENDAR_MONTH
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        for _ in range(300):
            try:
                http.get("/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        calendar = http.get(f"/pins/calendar?year={year}&month={month}").json()
        listed = http.get("/pins?status=scheduled&limit=100").json()
        assert len(calendar) == CALENDAR_PINS, len(calendar)
        assert len(listed) == 100

        new_pin = {"board_id": "1000", "media_url": "https://img.example.com/new.jpg"}
        calls: dict[str, Callable[[], httpx.Response]] = {
            "GET /healthz": lambda: http.get("/healthz"),
            "GET /pins?status=scheduled&limit=100": lambda: http.get(
                "/pins?status=scheduled&limit=100"
            ),
            f"GET /pins/calendar ({CALENDAR_PINS} pins)": lambda: http.get(
                f"/pins/calendar?year={year}&month={month}"
            ),
            "POST /pins": lambda: http.post("/pins", json=new_pin),
        }
        for call in calls.values():  # warm up connections, caches and the JIT-less interpreter
            for _ in range(20):
                call()
        samples: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(requests):  # interleaved: every endpoint sees the same conditions
            for name, call in calls.items():
                started = time.perf_counter()
                response = call()
                samples[name].append(time.perf_counter() - started)
                assert response.status_code < 300, (name, response.status_code, response.text)

    base_p50 = statistics.median(samples["GET /healthz"])
    base_rate = len(samples["GET /healthz"]) / sum(samples["GET /healthz"])
    print(f"\n{'endpoint':44} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'x healthz':>10}")
    for name, values in samples.items():
        p50 = statistics.median(values)
        rate = len(values) / sum(values)
        print(
            f"{name:44} {p50 * 1000:8.2f} {percentile(values, 0.95) * 1000:8.2f} "
            f"{rate:8.0f} {p50 / base_p50:10.2f}"
        )
    names = list(samples)
    list_ratio = statistics.median(samples[names[1]]) / base_p50
    calendar_ratio = statistics.median(samples[names[2]]) / base_p50
    post_share = (len(samples[names[3]]) / sum(samples[names[3]])) / base_rate
    print("\ntargets")
    print(f"  list page p50      {list_ratio:5.2f}x healthz  (<= 3)   {_verdict(list_ratio <= 3)}")
    print(
        f"  calendar p50       {calendar_ratio:5.2f}x healthz  (<= 10)  "
        f"{_verdict(calendar_ratio <= 10)}"
    )
    print(
        f"  POST /pins rate    {post_share:5.0%} of healthz  (>= 40%) {_verdict(post_share >= 0.4)}"
    )


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
