"""``pinsmith worker``: help, bad input, and a real process that works until SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest
from typer.testing import CliRunner

from pinsmith.cli import app
from pinsmith.config import Settings
from pinsmith.kit.db import Database
from pinsmith.models import JobStatus
from tests.conftest import TEST_SECRET_KEY
from tests.worker.conftest import enqueue, job_row

runner = CliRunner()


def test_worker_help_explains_scale_out_and_the_embedded_worker() -> None:
    result = runner.invoke(app, ["worker", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    assert "--concurrency" in result.stdout
    assert "PostgreSQL" in result.stdout
    assert "any number of machines" in result.stdout
    assert "--no-worker" in result.stdout


@pytest.mark.parametrize("concurrency", ["0", "-3"])
def test_a_concurrency_below_one_is_one_error_line(concurrency: str) -> None:
    result = runner.invoke(app, ["worker", "--concurrency", concurrency])

    assert result.exit_code == 1
    assert result.stderr == f"error: --concurrency must be 1 or more, not {concurrency}\n"


def test_serve_help_offers_no_worker() -> None:
    result = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    assert "--no-worker" in result.stdout


async def test_the_worker_command_runs_jobs_until_sigterm(
    database: Database, settings: Settings
) -> None:
    job = await enqueue(database, "tests.nobody-handles-this")
    env = {name: value for name, value in os.environ.items() if not name.startswith("PINSMITH_")}
    env |= {
        "PINSMITH_DATABASE_URL": settings.database_url,
        "PINSMITH_SECRET_KEYS": TEST_SECRET_KEY,
        "PINSMITH_DATA_DIR": str(settings.data_dir),
        "COLUMNS": "200",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "pinsmith",
        "worker",
        "--concurrency",
        "2",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        for _ in range(600):  # up to ~60 s; not a timing assertion
            if (await job_row(database, job.id)).status is JobStatus.FAILED:
                break
            await asyncio.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    row = await job_row(database, job.id)
    assert banner.startswith("pinsmith worker ")
    assert "2 job(s) at once" in banner
    assert row.status is JobStatus.FAILED
    assert row.last_error is not None
    assert "unknown task kind 'tests.nobody-handles-this'" in row.last_error
    assert code == 0
