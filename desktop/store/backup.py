"""Timestamped backups of a registry beside it, consistent while in use: the sqlite3 backup API for a plain
registry, `sqlcipher_export` into a file keyed with the same passphrase for an encrypted one. Backups are
owner-only, like the registry."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from typing import Any

from desktop.store import keys
from desktop.store.files import create_owner_only

KEEP_BACKUPS = 10


def backup_dir(registry: Path) -> Path:
    """Where the backups of `registry` are kept: beside it."""
    return registry.parent


def list_backups(registry: Path) -> list[Path]:
    """Backups of `registry`, oldest first."""
    pattern = re.compile(re.escape(registry.stem) + r"\.\d{8}-\d{6}-\d{6}\.[\w.-]+\.bak\.sqlite$")
    return sorted(p for p in backup_dir(registry).glob(f"{registry.stem}.*.bak.sqlite") if pattern.match(p.name))


def backup_registry(conn: Any, registry: Path, reason: str) -> Path:
    """Copy the open registry to `<stem>.<timestamp>.<reason>.bak.sqlite` beside it; keep the last 10.

    Call it outside a transaction. An encrypted registry's backup is encrypted with the same passphrase.
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    safe_reason = re.sub(r"[^\w.-]+", "-", reason).strip("-") or "backup"
    target = backup_dir(registry) / f"{registry.stem}.{stamp}.{safe_reason}.bak.sqlite"
    create_owner_only(target)
    passphrase = keys.passphrase_for(registry)
    if passphrase is None:
        destination = sqlite3.connect(str(target))
        try:
            conn.backup(destination)
        finally:
            destination.close()
    else:
        export_database(conn, target, passphrase)
    for old in list_backups(registry)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


def export_database(conn: Any, target: Path, passphrase: str) -> None:
    """Write the database of `conn` (an SQLCipher connection, plain or keyed) to the empty file `target`,
    encrypted with `passphrase` ("" for a plain copy), with its schema version and application id."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    conn.execute(f"ATTACH DATABASE {sql_literal(str(target))} AS export KEY {sql_literal(passphrase)}")
    try:
        conn.execute("SELECT sqlcipher_export('export')")
        conn.execute(f"PRAGMA export.user_version = {int(version)}")
        conn.execute(f"PRAGMA export.application_id = {int(app_id)}")
    finally:
        conn.execute("DETACH DATABASE export")


def sql_literal(text: str) -> str:
    """`text` as an SQL string literal (PRAGMA key and ATTACH … KEY take no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"
