"""The audit log: who changed what, when, with the old and the new value. Written inside the change's
own transaction, so a change and its audit entry exist together or not at all."""

from __future__ import annotations

import datetime as dt
import functools
import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_COLUMNS = ("ts", "os_user", "action", "patient_id", "record", "field", "old_value", "new_value")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited change."""

    id: int
    ts: str
    os_user: str
    action: str
    patient_id: str | None
    record: str | None
    field: str | None
    old_value: str | None
    new_value: str | None


@functools.cache
def os_user() -> str:
    """The operating-system user making changes."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container without USER): still audit the change
        return "unknown"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def write(
    conn: Any,
    action: str,
    patient_id: str | None,
    record: str | None,
    field: str | None,
    old_value: Any,
    new_value: Any,
) -> None:
    """Append one entry (call inside the change's transaction)."""
    write_many(conn, [(action, patient_id, record, field, old_value, new_value)])


def write_many(conn: Any, entries: Iterable[tuple[str, str | None, str | None, str | None, Any, Any]]) -> None:
    """Append entries `(action, patient_id, record, field, old, new)` with one timestamp and user."""
    ts, user = _now(), os_user()
    conn.executemany(
        f"INSERT INTO audit ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((ts, user, a, p, r, f, _text(o), _text(n)) for a, p, r, f, o, n in entries),
    )


def read(conn: Any, patient_id: str | None = None, limit: int | None = None) -> list[AuditEntry]:
    """Entries newest first, optionally for one patient and at most `limit`."""
    sql = f"SELECT id, {', '.join(_COLUMNS)} FROM audit"
    params: list[Any] = []
    if patient_id is not None:
        sql += " WHERE patient_id = ?"
        params.append(patient_id)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [AuditEntry(*row) for row in conn.execute(sql, params)]
