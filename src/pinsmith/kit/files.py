"""Files that hold secrets: created with mode 0600, never world-readable even for an instant."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_private(path: Path, content: str, *, replace: bool = True) -> None:
    """Write atomically; with ``replace=False`` an existing file wins (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        if replace:
            temporary.replace(path)  # a reader sees the old file or the whole new one
        else:
            os.link(temporary, path)  # fails if another process created it first
    finally:
        temporary.unlink(missing_ok=True)
