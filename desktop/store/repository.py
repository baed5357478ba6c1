"""The registry's repository API: the only way the rest of VenTrack reads or writes the registry.

`Registry` is the facade; its parts live in small modules, each building on the one before: `queries.py`
(reads), `settings.py` (settings and the de-identification key), `writes.py` (audited writes of one patient or
record) and `bulk.py` (imports). Every write is one transaction that also writes its audit entries; imports are
all or nothing and take a backup first. Records carry their table `id` only here (see `StoredPatient`); the
domain model has none.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.store import keys
from desktop.store.bulk import BulkWrites
from desktop.store.connection import BUSY_TIMEOUT_S, database, open_database, schema_version
from desktop.store.queries import PatientSummary, RecordWindow, StoredPatient
from desktop.store.settings import DEIDENTIFICATION_KEY_SETTING

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["DEIDENTIFICATION_KEY_SETTING", "PatientSummary", "RecordWindow", "Registry", "StoredPatient"]


class Registry(BulkWrites):
    """An open registry file. Use as a context manager or call `close()`."""

    def __init__(self, conn: Any, path: Path):
        self.conn = conn  # sqlite3 (or sqlcipher3) connection, no implicit transactions
        self.path = path

    @functools.cached_property
    def db(self) -> Database:
        """sqlite-utils' view of the same connection (for its table tools; VenTrack's own SQL uses `conn`)."""
        return database(self.conn)

    @classmethod
    def open(
        cls, path: Path | str, *, create: bool = False, passphrase: str | None = None, timeout: float = BUSY_TIMEOUT_S
    ) -> Registry:
        """Open the registry at `path` (creating it with `create`), migrated to the current schema.

        An encrypted registry needs its passphrase, given here or remembered (`desktop.store.keys`); a new one
        created with a passphrase is encrypted. A write waits up to `timeout` seconds for another writer, then
        raises `RegistryBusy`.
        """
        return cls(open_database(path, create=create, passphrase=passphrase, timeout=timeout), Path(path))

    @property
    def encrypted(self) -> bool:
        """Whether the registry file is encrypted (SQLCipher)."""
        return keys.passphrase_for(self.path) is not None

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another VenTrack's write before `RegistryBusy` (the app: a blink)."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def close(self) -> None:
        """Close the connection (checkpointing the write-ahead log)."""
        self.conn.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The registry's schema version (`PRAGMA user_version`)."""
        return schema_version(self.conn)
