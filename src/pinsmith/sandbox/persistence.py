"""Optional persistence: the whole state as one JSON snapshot in a SQLite file.

A sandbox is small and slow-changing, so a snapshot written after each change (one row, stdlib
``sqlite3``) is simpler than a schema, and it survives a restart of ``pinsmith sandbox``.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from pinsmith.sandbox.entities import SandboxState


class SnapshotStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1),"
                " state TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def load(self) -> SandboxState | None:
        with closing(self._connect()) as connection:
            row = connection.execute("SELECT state FROM snapshot WHERE id = 1").fetchone()
        return SandboxState.model_validate_json(row[0]) if row else None

    def save(self, state: SandboxState) -> None:
        document = state.model_dump_json()
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "INSERT INTO snapshot (id, state) VALUES (1, ?)"
                " ON CONFLICT (id) DO UPDATE SET state = excluded.state",
                (document,),
            )
