"""Opening a registry file safely: checks, pragmas, migrations with a backup first."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from desktop.store.backup import backup_registry
from desktop.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 15.0


class RegistryError(Exception):
    """A registry cannot be opened or written; the message is one line for the user."""


def _check_path(path: Path, create: bool) -> bool:
    """Validate `path` before SQLite touches it; return True when the file must be created."""
    if path.is_dir():
        raise RegistryError(f"{path} is a directory, not a registry file")
    if not path.exists():
        if not create:
            raise RegistryError(f"no registry at {path} (create one with `ventrack demo` or `ventrack import`)")
        if not path.parent.is_dir():
            raise RegistryError(f"cannot create {path}: folder {path.parent} does not exist")
        return True
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise RegistryError(f"cannot read {path}: {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise RegistryError(f"{path} is not a VenTrack registry (not an SQLite database)")
    return not header


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; every write is an explicit `transaction()`.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction (`BEGIN IMMEDIATE`: takes the write lock up front, waits for another writer).

    Nested use becomes a savepoint through sqlite-utils' `atomic()`.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


@contextlib.contextmanager
def read_transaction(db: Database) -> Iterator[Database]:
    """One read transaction: every read inside sees the same committed state (WAL: writers go on)."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN DEFERRED")
    try:
        db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # starts the snapshot now
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")


def _refuse_foreign(db: Database, path: Path, fresh: bool) -> int:
    """Refuse a database that is not a VenTrack registry or is newer; return its schema version."""
    app_id = db.conn.execute("PRAGMA application_id").fetchone()[0]
    version = db.conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RegistryError(
            f"{path} has registry schema version {version}, newer than this VenTrack supports "
            f"({SCHEMA_VERSION}); install a newer VenTrack"
        )
    if not fresh and app_id != APPLICATION_ID:
        has_tables = db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if has_tables or version:
            raise RegistryError(f"{path} is an SQLite database but not a VenTrack registry")
    return int(version)


def _migrate(db: Database, path: Path, version: int) -> None:
    """Apply pending migrations, each in one transaction, after a backup of an existing registry."""
    if version < SCHEMA_VERSION and version > 0:
        backup_registry(db.conn, path, reason=f"before-migration-v{version}-to-v{SCHEMA_VERSION}")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with transaction(db):
            MIGRATIONS[target - 1](db)
            db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.conn.execute(f"PRAGMA user_version = {target}")


def open_database(path: Path | str, *, create: bool = False) -> Database:
    """Open (and, with `create`, make) a registry, migrate it to the current schema, and return it.

    Raises `RegistryError` with a one-line reason; a refused file is left untouched.
    """
    path = Path(path)
    fresh = _check_path(path, create)
    try:
        conn = _connect(path)
    except sqlite3.Error as error:
        raise RegistryError(f"cannot open {path}: {error}") from None
    db = Database(conn, execute_plugins=False)
    try:
        version = _refuse_foreign(db, path, fresh)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(db, path, version)
    except sqlite3.DatabaseError as error:
        conn.close()
        if fresh and path.exists() and path.stat().st_size == 0:
            path.unlink()
        raise RegistryError(f"{path} cannot be used as a registry: {error}") from None
    except BaseException:
        conn.close()
        raise
    return db


def schema_version(db: Database) -> int:
    """The registry's `PRAGMA user_version`."""
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])
