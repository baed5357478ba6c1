"""Timestamped backups of a registry beside it, with the sqlite3 backup API (consistent while in use)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

KEEP_BACKUPS = 10


def backup_dir(registry: Path) -> Path:
    """Where the backups of `registry` are kept: beside it."""
    return registry.parent


def list_backups(registry: Path) -> list[Path]:
    """Backups of `registry`, oldest first."""
    pattern = re.compile(re.escape(registry.stem) + r"\.\d{8}-\d{6}-\d{6}\.[\w.-]+\.bak\.sqlite$")
    return sorted(p for p in backup_dir(registry).glob(f"{registry.stem}.*.bak.sqlite") if pattern.match(p.name))


def backup_registry(conn: sqlite3.Connection, registry: Path, reason: str) -> Path:
    """Copy the open registry to `<stem>.<timestamp>.<reason>.bak.sqlite` beside it; keep the last 10."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    safe_reason = re.sub(r"[^\w.-]+", "-", reason).strip("-") or "backup"
    target = backup_dir(registry) / f"{registry.stem}.{stamp}.{safe_reason}.bak.sqlite"
    destination = sqlite3.connect(str(target))
    try:
        conn.backup(destination)
    finally:
        destination.close()
    for old in list_backups(registry)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target
