"""The registry's settings (clinical parameters, audited) and its de-identification secret."""

from __future__ import annotations

import secrets

from desktop.store import audit
from desktop.store.connection import RegistryError, transaction
from desktop.store.queries import RegistryReader

#: The settings key of the de-identification secret (`Registry.deidentification_key`).
DEIDENTIFICATION_KEY_SETTING = "deidentification_key"
_DEIDENTIFICATION_KEY_BYTES = 32


class RegistrySettings(RegistryReader):
    """Key/value settings, each change in the audit log; the de-identification key."""

    def get_setting(self, key: str) -> str | None:
        """A registry setting, or None."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # ---- writes ------------------------------------------------------------------------------------

    def set_setting(self, key: str, value: str) -> None:
        """Store a registry setting, audited (old and new value: so never the de-identification key)."""
        if key == DEIDENTIFICATION_KEY_SETTING:
            raise ValueError("the de-identification key is created by deidentification_key(), never set")
        with transaction(self.conn):
            old = self.get_setting(key)
            if old == value:
                return
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
            audit.write(self.conn, "change_setting", None, "settings", key, old, value)

    def deidentification_key(self) -> bytes:
        """The registry's secret for de-identified exports (pseudonyms and date shifts): 32 random bytes.

        Created on first use, once per registry even when two programs ask at the same time, and kept in
        the settings table (hex, key `deidentification_key`); the audit log records only that it was
        created. The key never leaves the registry: nothing prints or exports it (backups, being copies of
        the registry, hold it). Creating it writes, so the first call must not be inside a transaction or
        `snapshot()`: call it before entering one.
        """
        stored = self.get_setting(DEIDENTIFICATION_KEY_SETTING)
        if stored is None:
            if self.conn.in_transaction:
                raise RegistryError("the de-identification key must first be created outside a transaction")
            with transaction(self.conn):
                created = self.conn.execute(
                    "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                    (DEIDENTIFICATION_KEY_SETTING, secrets.token_hex(_DEIDENTIFICATION_KEY_BYTES)),
                ).rowcount
                if created:
                    audit.write(
                        self.conn, "create_setting", None, "settings", DEIDENTIFICATION_KEY_SETTING, None, "created"
                    )
                stored = self.get_setting(DEIDENTIFICATION_KEY_SETTING)
        try:
            key = bytes.fromhex(stored or "")
        except ValueError:
            key = b""
        if len(key) != _DEIDENTIFICATION_KEY_BYTES:
            raise RegistryError(f"{self.path}: the de-identification key in the settings is damaged")
        return key
