"""Crash test: pinsmith processes die (SIGKILL) at random while Pinterest drops answers after
creating the pin, and still every pin ends published exactly once on Pinterest, or failed or in
review with a reason; none is stuck.

- PostgreSQL: three `pinsmith worker` processes; a random one is killed every couple of seconds
  and replaced.
- SQLite: one `pinsmith serve` (its embedded worker) killed and started again.
The Pinterest sandbox runs in a process of its own (tests/publishing/crash_sandbox.py) and holds
the answer of one pin creation in five past pinsmith's 1 s timeout. The numbers of each run are
printed (``pytest -s`` or ``-rP`` shows them).
"""

from __future__ import annotations

import itertools
import random
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pinsmith.kit import migrations
from pinsmith.kit.db import Database, is_sqlite_url
from tests.conftest import make_settings
from tests.publishing.crash import (
    Chaos,
    Plan,
    Processes,
    check,
    pinsmith_environment,
    processes,
    seed,
    start_sandbox,
)


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Processes]:
    """The test's processes (sandbox, pinsmith), all ended afterwards, also on failure."""
    with processes(tmp_path / "logs") as running:
        yield running


async def test_workers_killed_at_random_still_publish_each_pin_once_on_postgresql(
    database_url: str,
    database: Database,
    clean_database: None,
    started: Processes,
    tmp_path: Path,
) -> None:
    if is_sqlite_url(database_url):
        pytest.skip(
            "needs PostgreSQL (PINSMITH_TEST_DATABASE_URL): several `pinsmith worker` processes "
            "share one database; the SQLite variant kills `pinsmith serve` instead"
        )
    plan = Plan()
    sandbox = start_sandbox(started, plan, tmp_path)
    data_dir = tmp_path / "data"
    await seed(database, make_settings(data_dir, database_url), plan, sandbox)
    env = pinsmith_environment(plan, sandbox, database_url, data_dir)
    numbers = itertools.count()

    def new_worker() -> subprocess.Popen[bytes]:
        return started.start(f"worker-{next(numbers)}", ["-m", "pinsmith", "worker"], env)

    workers = [new_worker() for _ in range(3)]
    victims = random.Random(plan.seed + 1)  # noqa: S311 - repeatable chaos, not a secret

    def kill_a_worker() -> None:
        victim = victims.choice(workers)
        started.kill(victim)
        workers.remove(victim)
        workers.append(new_worker())

    chaos = Chaos(plan, kill_a_worker)
    seconds = await chaos.run_until_settled(database, started)
    outcome = await check(database, sandbox, plan)

    print(outcome.line("PostgreSQL, 3 workers", chaos.kills, seconds))
    assert outcome.duplicates == []
    assert outcome.published + outcome.failed + outcome.review == plan.pins


async def test_a_server_killed_and_restarted_still_publishes_each_pin_once_on_sqlite(
    started: Processes, tmp_path: Path
) -> None:
    plan = Plan(kills=4, kill_every=(3.0, 5.0))
    sandbox = start_sandbox(started, plan, tmp_path)
    database_url = f"sqlite:///{tmp_path / 'crash.db'}"
    database = Database(database_url)
    try:
        await migrations.upgrade(database)
        data_dir = tmp_path / "data"
        await seed(database, make_settings(data_dir, database_url), plan, sandbox)
        env = pinsmith_environment(plan, sandbox, database_url, data_dir)
        numbers = itertools.count()

        def new_server() -> subprocess.Popen[bytes]:
            listen = {"PINSMITH_HOST": "127.0.0.1", "PINSMITH_PORT": str(free_port())}
            name = f"serve-{next(numbers)}"
            return started.start(name, ["-m", "pinsmith", "serve"], env | listen)

        servers = [new_server()]

        def kill_and_restart() -> None:
            started.kill(servers.pop())
            servers.append(new_server())

        chaos = Chaos(plan, kill_and_restart)
        seconds = await chaos.run_until_settled(database, started)
        outcome = await check(database, sandbox, plan)
    finally:
        await database.dispose()

    print(outcome.line("SQLite, pinsmith serve", chaos.kills, seconds))
    assert outcome.duplicates == []
    assert outcome.published + outcome.failed + outcome.review == plan.pins


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
