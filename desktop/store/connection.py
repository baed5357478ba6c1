"""Opening a registry file safely: checks, pragmas, migrations with a backup first.

Plain registries use Python's `sqlite3`; encrypted ones (SQLCipher 4, through the `sqlcipher3` wheel) the same
API with `PRAGMA key` first. The two drivers raise their own exception classes: `ERRORS`, `DATABASE_ERRORS` and
`OPERATIONAL_ERRORS` name both, and `busy_errors()` is the one place where "database is locked" becomes the
registry's own `RegistryBusy`. Registry files (and so their WAL and SHM files, which SQLite creates with the
file's mode) are owner-only (0600) on POSIX.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3

from desktop.store import keys
from desktop.store.backup import backup_registry, sql_literal
from desktop.store.files import create_owner_only, restrict_to_owner
from desktop.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from sqlite_utils import Database

SQLITE_HEADER = keys.SQLITE_HEADER
#: How long a write waits for another VenTrack's write to end before the registry is reported busy.
BUSY_TIMEOUT_S = 10.0
BUSY_MESSAGE = "the registry is busy: another VenTrack is writing; nothing was changed"
ERRORS = (sqlite3.Error, sqlcipher3.Error)
DATABASE_ERRORS = (sqlite3.DatabaseError, sqlcipher3.DatabaseError)
OPERATIONAL_ERRORS = (sqlite3.OperationalError, sqlcipher3.OperationalError)


class RegistryError(Exception):
    """A registry cannot be opened or written; the message is one line for the user."""


class RegistryBusy(RegistryError):
    """Another process holds the registry's write lock longer than the busy timeout; nothing was changed."""


class PassphraseNeeded(RegistryError):
    """The file is not plain SQLite and no passphrase is known for it (an encrypted registry, or no registry)."""


class WrongPassphrase(RegistryError):
    """The passphrase does not open the encrypted file (or the file is no registry at all)."""


def is_busy(error: BaseException) -> bool:
    """Whether a driver error means another connection holds the lock."""
    text = str(error).lower()
    return isinstance(error, OPERATIONAL_ERRORS) and ("locked" in text or "busy" in text)


@contextlib.contextmanager
def busy_errors() -> Iterator[None]:
    """Turn the driver's "database is locked" into `RegistryBusy` (one line for the user)."""
    try:
        yield
    except OPERATIONAL_ERRORS as error:
        if is_busy(error):
            raise RegistryBusy(BUSY_MESSAGE) from None
        raise


def _check_path(path: Path, create: bool, passphrase: str | None) -> bool:
    """Validate `path` before SQLite touches it; return True when it is a new, empty registry."""
    if path.is_dir():
        raise RegistryError(f"{path} is a directory, not a registry file")
    if not path.exists():
        if not create:
            raise RegistryError(f"no registry at {path} (create one with `ventrack demo` or `ventrack import`)")
        if not path.parent.is_dir():
            raise RegistryError(f"cannot create {path}: folder {path.parent} does not exist")
        create_owner_only(path)
        return True
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise RegistryError(f"cannot read {path}: {error.strerror}") from None
    if header and header != SQLITE_HEADER and not keys.looks_encrypted(path):
        raise RegistryError(f"{path} is not a VenTrack registry (not an SQLite database)")
    if header and header != SQLITE_HEADER and passphrase is None:
        raise PassphraseNeeded(
            f"{path} is encrypted or not a VenTrack registry: give its passphrase (VENTRACK_PASSPHRASE)"
        )
    if header == SQLITE_HEADER and passphrase is not None:
        raise RegistryError(f"{path} is not encrypted: open it without a passphrase")
    return not header


def connect(path: Path, passphrase: str | None, timeout: float = BUSY_TIMEOUT_S) -> Any:
    """A connection to `path` (no implicit transactions: every write is an explicit `transaction()`); with a
    passphrase, an SQLCipher connection keyed with it (checked by a first read: `WrongPassphrase`)."""
    if passphrase is None:
        conn: Any = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlcipher3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key would log "hmac check failed" to stderr
        conn.execute(f"PRAGMA key = {sql_literal(passphrase)}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except DATABASE_ERRORS as error:
            conn.close()
            if is_busy(error):
                raise RegistryBusy(BUSY_MESSAGE) from None
            raise WrongPassphrase(
                f"wrong passphrase for {path} (or not a VenTrack registry); nothing was changed"
            ) from None
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def database(conn: Any) -> Database:
    """sqlite-utils' `Database` over an open connection (imported when first needed: the reads and the rules do
    without it, and it costs a tenth of a second to import, numpy included)."""
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False)


@contextlib.contextmanager
def transaction(conn: Any) -> Iterator[None]:
    """One write transaction (`BEGIN IMMEDIATE`: takes the write lock up front, waits for another writer up to
    the busy timeout, then raises `RegistryBusy`). Nested use becomes a savepoint through sqlite-utils' `atomic()`.
    """
    if conn.in_transaction:
        with database(conn).atomic():
            yield
        return
    with busy_errors():
        conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        with busy_errors():
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def read_transaction(conn: Any) -> Iterator[None]:
    """One read transaction: every read inside sees the same committed state (WAL: writers go on)."""
    if conn.in_transaction:
        yield
        return
    with busy_errors():
        conn.execute("BEGIN DEFERRED")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # starts the snapshot now
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _refuse_foreign(conn: Any, path: Path, fresh: bool) -> int:
    """Refuse a database that is not a VenTrack registry or is newer; return its schema version."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RegistryError(
            f"{path} has registry schema version {version}, newer than this VenTrack supports "
            f"({SCHEMA_VERSION}); install a newer VenTrack"
        )
    if not fresh and app_id != APPLICATION_ID:
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if has_tables or version:
            raise RegistryError(f"{path} is an SQLite database but not a VenTrack registry")
    return int(version)


def _migrate(conn: Any, path: Path, version: int) -> None:
    """Apply pending migrations, each in one transaction, after a backup of an existing registry."""
    if version < SCHEMA_VERSION and version > 0:
        backup_registry(conn, path, reason=f"before-migration-v{version}-to-v{SCHEMA_VERSION}")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with transaction(conn):
            MIGRATIONS[target - 1](conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {target}")


def open_database(
    path: Path | str, *, create: bool = False, passphrase: str | None = None, timeout: float = BUSY_TIMEOUT_S
) -> Any:
    """Open (and, with `create`, make) a registry, migrate it to the current schema, and return its connection.

    The passphrase is the one given, else the one remembered for `path` (`keys`); a new registry created with a
    passphrase is encrypted. Raises `RegistryError` with a one-line reason; a refused file is left untouched.
    """
    path = Path(path)
    passphrase = passphrase or keys.passphrase_for(path)
    fresh = _check_path(path, create, passphrase)
    restrict_to_owner(path)
    try:
        with busy_errors():
            conn = connect(path, passphrase, timeout)
    except RegistryError:
        _remove_if_created(path, fresh)
        raise
    except ERRORS as error:
        _remove_if_created(path, fresh)
        raise RegistryError(f"cannot open {path}: {error}") from None
    try:
        with busy_errors():
            version = _refuse_foreign(conn, path, fresh)
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            _migrate(conn, path, version)
    except DATABASE_ERRORS as error:
        conn.close()
        _remove_if_created(path, fresh)
        raise RegistryError(f"{path} cannot be used as a registry: {error}") from None
    except BaseException:
        conn.close()
        raise
    if passphrase is not None:
        keys.remember(path, passphrase)
    return conn


def _remove_if_created(path: Path, fresh: bool) -> None:
    if fresh and path.exists() and path.stat().st_size == 0:
        path.unlink()


def schema_version(conn: Any) -> int:
    """The registry's `PRAGMA user_version`."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
