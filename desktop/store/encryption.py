"""Converting a registry between plain SQLite and SQLCipher in place, atomically (contract v2, "Encrypted
registries").

Each conversion holds the registry's write lock while it copies the database (`sqlcipher_export`) into a new
owner-only file beside it, then renames that file over the registry: another VenTrack waits, and a crash leaves
either the old file or the new one, never half of each. `encrypt` also encrypts the existing backups, so no
readable copy stays behind; `decrypt` first takes an encrypted backup. The passphrase is never written anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3

from desktop.store import keys
from desktop.store.backup import backup_registry, export_database, list_backups, sql_literal
from desktop.store.connection import DATABASE_ERRORS, RegistryError, busy_errors, open_database
from desktop.store.files import create_owner_only


def encrypt_registry(path: Path | str, passphrase: str) -> int:
    """Encrypt the plain registry at `path` and its backups with `passphrase`; return the backups encrypted."""
    path = Path(path)
    if not passphrase:
        raise RegistryError("an encrypted registry needs a passphrase that is not empty")
    if keys.looks_encrypted(path):
        raise RegistryError(f"{path} is already encrypted")
    open_database(path).close()  # a VenTrack registry, migrated: refuse anything else before converting
    _convert(path, None, passphrase)
    keys.remember(path, passphrase)
    done = 0
    for backup in list_backups(path):
        if not keys.looks_encrypted(backup):
            _convert(backup, None, passphrase)
            done += 1
    return done


def decrypt_registry(path: Path | str, passphrase: str) -> Path:
    """Decrypt the encrypted registry at `path` in place, after an encrypted backup; return that backup."""
    path = Path(path)
    if not keys.looks_encrypted(path):
        raise RegistryError(f"{path} is not encrypted")
    conn = open_database(path, passphrase=passphrase)  # checks the passphrase, remembers it for the backup
    try:
        backup = backup_registry(conn, path, reason="before-decrypt")
    finally:
        conn.close()
    _convert(path, passphrase, "")
    keys.forget(path)
    return backup


def _convert(path: Path, old: str | None, new: str) -> None:
    """Rewrite `path` keyed with `new` ("" for plain), reading it with `old` (None for plain)."""
    staging = path.with_name(path.name + ".converting")
    conn = sqlcipher3.connect(str(path), timeout=10.0, isolation_level=None)
    try:
        if old is not None:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = {sql_literal(old)}")
        with busy_errors():
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for _ in range(3):
                if _copy_and_swap(conn, path, staging, new):
                    return
        raise RegistryError(f"{path} kept changing while it was converted (another VenTrack is writing); try again")
    except DATABASE_ERRORS as error:
        raise RegistryError(f"cannot convert {path}: {error}; nothing was changed") from None
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        staging.unlink(missing_ok=True)


def _copy_and_swap(conn: sqlcipher3.Connection, path: Path, staging: Path, key: str) -> bool:
    """Copy the database into `staging`, then, holding the write lock, rename it over `path` unless another
    connection committed meanwhile (then False: copy again)."""
    staging.unlink(missing_ok=True)
    create_owner_only(staging)
    changes = conn.execute("PRAGMA data_version").fetchone()[0]
    export_database(conn, staging, key)  # a consistent read of the registry
    conn.execute("BEGIN IMMEDIATE")  # writers wait from here until the new file is in place
    try:
        if conn.execute("PRAGMA data_version").fetchone()[0] != changes:
            return False
        _sync(staging)
        os.replace(staging, path)
        for suffix in ("-wal", "-shm"):  # the old file's log must not be replayed into the new one
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return True
    finally:
        conn.execute("ROLLBACK")


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
