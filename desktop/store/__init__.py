"""The registry: SQLite via sqlite-utils, versioned schema, audit log, backups. The only place with SQL."""

from desktop.store.audit import AuditEntry
from desktop.store.backup import list_backups
from desktop.store.connection import PassphraseNeeded, RegistryBusy, RegistryError, WrongPassphrase
from desktop.store.repository import PatientSummary, RecordWindow, Registry, StoredPatient
from desktop.store.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "AuditEntry",
    "PassphraseNeeded",
    "PatientSummary",
    "RecordWindow",
    "Registry",
    "RegistryBusy",
    "RegistryError",
    "StoredPatient",
    "WrongPassphrase",
    "list_backups",
]
