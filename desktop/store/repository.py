"""The registry's repository API: the only way the rest of VenTrack reads or writes the registry.

Every write is one transaction that also writes its audit entries; imports are all or nothing and take a
backup first. Records carry their table `id` only here (see `StoredPatient`); the domain model has none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.clinical.dosing import GRADE4_ANC, GRADE4_PLATELETS
from desktop.domain import RECORD_KINDS, InvalidData, Patient, Problem, Record, validate_patient
from desktop.store import audit, keys
from desktop.store.backup import backup_registry
from desktop.store.connection import (
    BUSY_TIMEOUT_S,
    RegistryError,
    open_database,
    read_transaction,
    schema_version,
    transaction,
)
from desktop.store.rows import (
    PATIENT_COLUMNS,
    RECORD_BUILDERS,
    build_patient,
    patient_row,
    record_row,
    to_sql,
)
from desktop.store.schema import RECORD_COLUMNS, RECORD_ORDER

Progress = Callable[[int, int], None]
_IMPORT_CHUNK = 500
_READ_CHUNK = 500
#: The settings key of the de-identification secret (`Registry.deidentification_key`).
DEIDENTIFICATION_KEY_SETTING = "deidentification_key"
_DEIDENTIFICATION_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class StoredPatient:
    """A patient as stored: the domain object plus the table id of each record, list by list."""

    patient: Patient
    record_ids: dict[str, list[int]]

    def record_id(self, kind: str, index: int) -> int:
        """The table id of `getattr(patient, kind)[index]`."""
        return self.record_ids[kind][index]


@dataclass(frozen=True, slots=True)
class RecordWindow:
    """Narrows what `iter_patients` loads, for readers that need only part of each patient.

    `rules_counts_on_or_before`: keep, of the counts dated on or before it, those the clinical rules read: the
    latest date, every date with a grade 4 count (ANC < 0.5 or platelets < 25 ×10^9/L, clinical-rules §8) and the
    date after each such date (where an episode ends), and any date after the patient's first death;
    `adverse_events_between`: keep adverse events dated within (first, last), both included;
    `latest_only`: (kinds, date): of these dated record kinds, keep only the records of each patient's latest date on
    or before `date`;
    `omit`: record kinds not loaded at all.
    """

    rules_counts_on_or_before: dt.date | None = None
    adverse_events_between: tuple[dt.date, dt.date] | None = None
    latest_only: tuple[frozenset[str], dt.date] | None = None
    omit: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """One line of the patient list, read without loading the patient."""

    patient_id: str
    name: str | None
    diagnosis_date: dt.date
    cycles: int
    regimen: str | None
    last_cycle_date: dt.date | None
    latest_mrd_date: dt.date | None
    latest_mrd_npm1: float | None
    latest_mrd_abl1: float | None
    latest_event: str | None
    latest_event_date: dt.date | None

    @classmethod
    def of(cls, patient: Patient) -> PatientSummary:
        """The summary of a loaded patient (records in stored order), equal to what `summaries` reads."""
        cycles = patient.cycles
        last_cycle = max(cycles, key=lambda c: c.number) if cycles else None
        mrd = patient.mrd[-1] if patient.mrd else None
        event = patient.events[-1] if patient.events else None
        return cls(
            patient.patient_id, patient.name, patient.diagnosis_date, len(cycles),
            last_cycle.regimen if last_cycle else None, max((c.start_date for c in cycles), default=None),
            mrd.date if mrd else None, mrd.npm1_copies if mrd else None, mrd.abl1_copies if mrd else None,
            event.type if event else None, event.date if event else None,
        )  # fmt: skip


#: The counts of `RecordWindow.rules_counts_on_or_before`, selected by date: the latest, the grade 4 ones (a date
#: is grade 4 when any count of it is, as the merged count's lowest values are), the next date after each of those,
#: and those after a death. Each `{which}` takes the patient ids, each `?` the as-of date (see `_rules_counts`).
_RULES_COUNTS = """(
  SELECT c.* FROM counts c JOIN (
    SELECT r.patient_id AS pid, max(r.date) AS date FROM counts r WHERE {which} AND r.date <= ? GROUP BY r.patient_id
    UNION
    SELECT r.patient_id, r.date FROM counts r WHERE {which} AND r.date <= ? AND {grade4}
    UNION
    SELECT r.patient_id, (SELECT min(n.date) FROM counts n WHERE n.patient_id = r.patient_id AND n.date > r.date
                          AND n.date <= ?)
    FROM counts r WHERE {which} AND {grade4}
    UNION
    SELECT r.patient_id, r.date FROM counts r JOIN events e ON e.patient_id = r.patient_id AND e.type = 'death'
    WHERE {which} AND r.date <= ? AND r.date > e.date
  ) k ON c.patient_id = k.pid AND c.date = k.date
) r"""


def _rules_counts(which: str, ids: tuple[str, ...], as_of: dt.date) -> tuple[str, list[Any]]:
    """The source and parameters of `_RULES_COUNTS` for the patients selected by `which`."""
    grade4 = f"(r.anc < {GRADE4_ANC!r} OR r.platelets < {GRADE4_PLATELETS!r})"
    day = as_of.isoformat()
    return _RULES_COUNTS.format(which=which, grade4=grade4), [*ids, day, *ids, day, day, *ids, *ids, day]


def _date_or_none(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


class Registry:
    """An open registry file. Use as a context manager or call `close()`."""

    def __init__(self, db: Database, path: Path):
        self.db = db
        self.path = path

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
        self.db.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def close(self) -> None:
        """Close the connection (checkpointing the write-ahead log)."""
        self.db.conn.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The registry's schema version (`PRAGMA user_version`)."""
        return schema_version(self.db)

    # ---- reads -------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read from one consistent state of the registry: commits by others made meanwhile are not seen
        (a read transaction; in WAL mode it blocks no writer). Must not enclose writes."""
        with read_transaction(self.db):
            yield

    def data_version(self) -> int:
        """A number that changes when another connection (another VenTrack, a CLI import) commits a change."""
        return int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])

    def count_patients(self) -> int:
        """Number of patients."""
        return int(self.db.conn.execute("SELECT count(*) FROM patients").fetchone()[0])

    def patient_ids(self) -> list[str]:
        """Every patient id, sorted."""
        return [row[0] for row in self.db.conn.execute("SELECT patient_id FROM patients ORDER BY patient_id")]

    def has_patient(self, patient_id: str) -> bool:
        """True when `patient_id` is in the registry."""
        row = self.db.conn.execute("SELECT 1 FROM patients WHERE patient_id = ?", (patient_id,)).fetchone()
        return row is not None

    def load_stored_patient(self, patient_id: str) -> StoredPatient:
        """One patient with every record and the record ids; KeyError if absent."""
        conn = self.db.conn
        row = conn.execute(
            f"SELECT {', '.join(PATIENT_COLUMNS)} FROM patients WHERE patient_id = ?", (patient_id,)
        ).fetchone()
        if row is None:
            raise KeyError(patient_id)
        records: dict[str, list[Record]] = {}
        ids: dict[str, list[int]] = {}
        for kind, columns in RECORD_COLUMNS.items():
            build = RECORD_BUILDERS[kind]
            rows = conn.execute(
                f"SELECT id, {', '.join(columns)} FROM {kind} WHERE patient_id = ? ORDER BY {RECORD_ORDER[kind]}",
                (patient_id,),
            ).fetchall()
            ids[kind] = [r[0] for r in rows]
            records[kind] = [build(r[1:]) for r in rows]
        return StoredPatient(build_patient(row, records), ids)

    def load_patient(self, patient_id: str) -> Patient:
        """One patient with every record; KeyError if absent."""
        return self.load_stored_patient(patient_id).patient

    def iter_patients(
        self, patient_ids: Sequence[str] | None = None, window: RecordWindow | None = None
    ) -> Iterator[Patient]:
        """Every patient (or those of `patient_ids`), in patient_id order, read 500 patients at a time.

        With a `window`, some record lists are narrowed in SQL (see `RecordWindow`); the patients are then
        partial and must only go to code that reads no more than the window keeps.
        """
        if patient_ids is None:
            ids = self.patient_ids()
            for start in range(0, len(ids), _READ_CHUNK):
                first, last = ids[start], ids[min(start + _READ_CHUNK, len(ids)) - 1]
                yield from self._read_chunk("r.patient_id BETWEEN ? AND ?", (first, last), window)
        else:
            wanted = sorted(set(patient_ids))
            for start in range(0, len(wanted), _READ_CHUNK):
                selected = tuple(wanted[start : start + _READ_CHUNK])
                yield from self._read_chunk(f"r.patient_id IN ({_placeholders(len(selected))})", selected, window)

    @staticmethod
    def _record_query(
        kind: str, which: str, ids: tuple[str, ...], window: RecordWindow | None
    ) -> tuple[str, list[Any]]:
        """SQL for the records of kind `kind` of the patients selected by `which` (over alias `r`)."""
        columns = ", ".join(f"r.{c}" for c in RECORD_COLUMNS[kind])
        order = ", ".join(f"r.{c.strip()}" for c in RECORD_ORDER[kind].split(","))
        conditions, params = [which], list(ids)
        source = f"{kind} r"
        if window is not None:
            if kind in window.omit:
                conditions.append("0")
            elif window.latest_only is not None and kind in window.latest_only[0]:
                source = (
                    f"{kind} r JOIN (SELECT r.patient_id AS pid, max(r.date) AS latest FROM {kind} r "
                    f"WHERE {which} AND r.date <= ? GROUP BY r.patient_id) l "
                    "ON r.patient_id = l.pid AND r.date = l.latest"
                )
                params = [*ids, window.latest_only[1].isoformat(), *ids]
            elif kind == "counts" and window.rules_counts_on_or_before is not None:
                source, params = _rules_counts(which, ids, window.rules_counts_on_or_before)
                params.extend(ids)
            elif kind == "adverse_events" and window.adverse_events_between is not None:
                first, last = window.adverse_events_between
                conditions.append("r.date BETWEEN ? AND ?")
                params.extend((first.isoformat(), last.isoformat()))
        where = " AND ".join(conditions)
        return f"SELECT r.patient_id, {columns} FROM {source} WHERE {where} ORDER BY r.patient_id, {order}", params

    def _read_chunk(self, which: str, ids: tuple[str, ...], window: RecordWindow | None) -> Iterator[Patient]:
        conn = self.db.conn
        grouped: dict[str, dict[str, list[Record]]] = {}
        for kind in RECORD_COLUMNS:
            sql, params = self._record_query(kind, which, ids, window)
            build = RECORD_BUILDERS[kind]
            for row in conn.execute(sql, params).fetchall():
                records = grouped.get(row[0])
                if records is None:
                    records = grouped[row[0]] = {}
                bucket = records.get(kind)
                if bucket is None:
                    bucket = records[kind] = []
                bucket.append(build(row[1:]))
        rows = conn.execute(
            f"SELECT {', '.join(PATIENT_COLUMNS)} FROM patients r WHERE {which} ORDER BY patient_id", ids
        ).fetchall()
        for row in rows:
            yield build_patient(row, grouped.get(row[0], {}))

    def summaries(self) -> list[PatientSummary]:
        """One summary per patient, sorted by id, in one query."""
        sql = """
        SELECT p.patient_id, p.name, p.diagnosis_date,
          (SELECT count(*) FROM cycles c WHERE c.patient_id = p.patient_id),
          (SELECT regimen FROM cycles c WHERE c.patient_id = p.patient_id ORDER BY number DESC LIMIT 1),
          (SELECT max(start_date) FROM cycles c WHERE c.patient_id = p.patient_id),
          m.date, m.npm1_copies, m.abl1_copies,
          e.type, e.date
        FROM patients p
        LEFT JOIN mrd m ON m.id = (SELECT id FROM mrd WHERE patient_id = p.patient_id ORDER BY date DESC, id DESC
                                   LIMIT 1)
        LEFT JOIN events e ON e.id = (SELECT id FROM events WHERE patient_id = p.patient_id
                                      ORDER BY date DESC, id DESC LIMIT 1)
        ORDER BY p.patient_id
        """
        return [
            PatientSummary(
                r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4], _date_or_none(r[5]),
                _date_or_none(r[6]), r[7], r[8], r[9], _date_or_none(r[10]),
            )
            for r in self.db.conn.execute(sql)
        ]  # fmt: skip

    def audit_log(self, patient_id: str | None = None, limit: int | None = None) -> list[audit.AuditEntry]:
        """Audit entries, newest first, for one patient or the whole registry."""
        return audit.read(self.db, patient_id, limit)

    def integrity_problems(self) -> list[str]:
        """SQLite's integrity and foreign-key checks, one line per problem (empty when sound)."""
        conn = self.db.conn
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"{row[0]} row {row[1]} refers to a missing {row[2]}" for row in conn.execute("PRAGMA foreign_key_check")
        ]
        return problems

    def get_setting(self, key: str) -> str | None:
        """A registry setting, or None."""
        row = self.db.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # ---- writes ------------------------------------------------------------------------------------

    def set_setting(self, key: str, value: str) -> None:
        """Store a registry setting, audited (old and new value: so never the de-identification key)."""
        if key == DEIDENTIFICATION_KEY_SETTING:
            raise ValueError("the de-identification key is created by deidentification_key(), never set")
        with transaction(self.db):
            old = self.get_setting(key)
            if old == value:
                return
            self.db.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
            audit.write(self.db, "change_setting", None, "settings", key, old, value)

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
            if self.db.conn.in_transaction:
                raise RegistryError("the de-identification key must first be created outside a transaction")
            with transaction(self.db):
                created = self.db.conn.execute(
                    "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                    (DEIDENTIFICATION_KEY_SETTING, secrets.token_hex(_DEIDENTIFICATION_KEY_BYTES)),
                ).rowcount
                if created:
                    audit.write(
                        self.db, "create_setting", None, "settings", DEIDENTIFICATION_KEY_SETTING, None, "created"
                    )
                stored = self.get_setting(DEIDENTIFICATION_KEY_SETTING)
        try:
            key = bytes.fromhex(stored or "")
        except ValueError:
            key = b""
        if len(key) != _DEIDENTIFICATION_KEY_BYTES:
            raise RegistryError(f"{self.path}: the de-identification key in the settings is damaged")
        return key

    def add_patient(self, patient: Patient, today: dt.date | None = None) -> None:
        """Add a new patient with all its records; InvalidData if invalid or the id exists."""
        validate_patient(patient, today)
        with transaction(self.db):
            if self.has_patient(patient.patient_id):
                raise InvalidData([Problem(patient.patient_id, None, "patient_id", "already in the registry")])
            self._insert_patients([patient])
            audit.write(self.db, "add_patient", patient.patient_id, None, None, None, _json(patient.to_exchange()))

    def update_patient(self, patient_id: str, changes: dict[str, Any], today: dt.date | None = None) -> Patient:
        """Change patient-level fields (not record lists); audited field by field. Returns the new patient."""
        unknown = set(changes) - set(PATIENT_COLUMNS[:-1]) - {"co_mutations_tested"}
        if unknown:
            raise InvalidData([Problem(patient_id, None, f, "not an editable patient field") for f in sorted(unknown)])
        with transaction(self.db):
            old = self.load_patient(patient_id)
            data = old.model_dump()
            data.update({k: v for k, v in changes.items() if k != "co_mutations_tested"})
            if "co_mutations_tested" in changes:
                tested = bool(changes["co_mutations_tested"])
                data["co_mutations"] = (data["co_mutations"] or []) if tested else None
                if not tested and old.co_mutations:
                    raise InvalidData(
                        [Problem(patient_id, None, "co_mutations", "delete the co-mutations before marking untested")]
                    )
            new = validate_patient(data, today)
            new_row, old_row = patient_row(new), patient_row(old)
            if new.patient_id != old.patient_id and self.has_patient(new.patient_id):
                raise InvalidData([Problem(patient_id, None, "patient_id", f"{new.patient_id} is already in use")])
            assignments = ", ".join(f"{c} = ?" for c in PATIENT_COLUMNS)
            self.db.conn.execute(f"UPDATE patients SET {assignments} WHERE patient_id = ?", (*new_row, patient_id))
            if new.patient_id != patient_id:
                self.db.conn.execute(
                    "UPDATE audit SET patient_id = ? WHERE patient_id = ?", (new.patient_id, patient_id)
                )
            for column, before, after in zip(PATIENT_COLUMNS, old_row, new_row, strict=True):
                if before != after:
                    audit.write(self.db, "update_patient", new.patient_id, None, column, before, after)
            return new

    def delete_patient(self, patient_id: str) -> Patient:
        """Delete a patient and its records (the audit keeps the whole patient). Returns what was deleted."""
        with transaction(self.db):
            old = self.load_patient(patient_id)
            self.db.conn.execute("DELETE FROM patients WHERE patient_id = ?", (patient_id,))
            audit.write(self.db, "delete_patient", patient_id, None, None, _json(old.to_exchange()), None)
            return old

    def add_record(self, patient_id: str, kind: str, record: Record, today: dt.date | None = None) -> int:
        """Add one record to a patient after validating the whole patient; returns the record id."""
        self._check_kind(kind, record)
        with transaction(self.db):
            patient = self.load_patient(patient_id)
            current = list(getattr(patient, kind) or [])
            candidate = {**dict(patient), kind: [*current, record]}
            self._validate_candidate(candidate, today)
            columns = RECORD_COLUMNS[kind]
            cursor = self.db.conn.execute(
                f"INSERT INTO {kind} (patient_id, {', '.join(columns)}) VALUES ({_placeholders(len(columns) + 1)})",
                (patient_id, *record_row(kind, record)),
            )
            record_id = int(cursor.lastrowid or 0)
            if kind == "co_mutations" and patient.co_mutations is None:
                self.db.conn.execute("UPDATE patients SET co_mutations_tested = 1 WHERE patient_id = ?", (patient_id,))
            audit.write(
                self.db, "add_record", patient_id, f"{kind}#{record_id}", None, None, _json(_record_json(record))
            )
            return record_id

    def update_record(
        self, patient_id: str, kind: str, record_id: int, record: Record, today: dt.date | None = None
    ) -> Record:
        """Replace one record; audited field by field. Returns the previous record."""
        self._check_kind(kind, record)
        with transaction(self.db):
            stored = self.load_stored_patient(patient_id)
            index = self._index_of(stored, kind, record_id)
            items = list(getattr(stored.patient, kind))
            old = items[index]
            items[index] = record
            self._validate_candidate({**dict(stored.patient), kind: items}, today)
            columns = RECORD_COLUMNS[kind]
            self.db.conn.execute(
                f"UPDATE {kind} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                (*record_row(kind, record), record_id),
            )
            for column, before, after in zip(columns, record_row(kind, old), record_row(kind, record), strict=True):
                if before != after:
                    audit.write(self.db, "update_record", patient_id, f"{kind}#{record_id}", column, before, after)
            return old

    def delete_record(self, patient_id: str, kind: str, record_id: int) -> Record:
        """Delete one record; returns it (the audit keeps it too)."""
        if kind not in RECORD_COLUMNS:
            raise ValueError(f"unknown record kind {kind!r}")
        with transaction(self.db):
            stored = self.load_stored_patient(patient_id)
            old = getattr(stored.patient, kind)[self._index_of(stored, kind, record_id)]
            self.db.conn.execute(f"DELETE FROM {kind} WHERE id = ?", (record_id,))
            audit.write(
                self.db, "delete_record", patient_id, f"{kind}#{record_id}", None, _json(_record_json(old)), None
            )
            return old

    def import_patients(
        self,
        patients: Sequence[Patient],
        source: str,
        *,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Add validated patients in one transaction (all or nothing), after a backup. Returns the count.

        Existing ids are an error unless `replace`, which swaps each existing patient for the imported one.
        `progress(done, total)` may raise to cancel; nothing is then written.
        """
        existing = self.existing_ids([p.patient_id for p in patients], replace=replace)
        if self.count_patients():
            backup_registry(self.db.conn, self.path, reason="before-import")
        total = len(patients)
        with transaction(self.db):
            if existing:
                for start in range(0, len(existing), 900):
                    doomed = existing[start : start + 900]
                    self.db.conn.execute(
                        f"DELETE FROM patients WHERE patient_id IN ({_placeholders(len(doomed))})", doomed
                    )
            for start in range(0, total, _IMPORT_CHUNK):
                chunk = patients[start : start + _IMPORT_CHUNK]
                self._insert_patients(chunk)
                if progress:
                    progress(min(start + _IMPORT_CHUNK, total), total)
            replaced = set(existing)
            audit.write_many(
                self.db,
                (("import_replace" if p.patient_id in replaced else "import", p.patient_id, None, None, None, source)
                 for p in patients),
            )  # fmt: skip
        return total

    def replace_all_patients(
        self, patients: Sequence[Patient], source: str, settings: dict[str, str] | None = None
    ) -> int:
        """Swap every patient for `patients` (and store `settings`) in one transaction, after a backup."""
        if self.count_patients():
            backup_registry(self.db.conn, self.path, reason="before-replace")
        with transaction(self.db):
            self.db.conn.execute("DELETE FROM patients")
            self._insert_patients(patients)
            audit.write(self.db, "replace_all", None, None, None, None, f"{len(patients)} patients from {source}")
            for key, value in (settings or {}).items():
                self.set_setting(key, value)
        return len(patients)

    # ---- internals ---------------------------------------------------------------------------------

    def existing_ids(self, ids: Sequence[str], *, replace: bool) -> list[str]:
        """Which of `ids` are already in the registry (sorted); `InvalidData` naming each unless `replace`."""
        existing = self._existing_ids(ids)
        if existing and not replace:
            raise InvalidData([_already_present(pid) for pid in existing])
        return existing

    def _existing_ids(self, ids: Sequence[str]) -> list[str]:
        found: list[str] = []
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            rows = self.db.conn.execute(
                f"SELECT patient_id FROM patients WHERE patient_id IN ({_placeholders(len(chunk))})", chunk
            )
            found.extend(r[0] for r in rows)
        return sorted(found)

    def _insert_patients(self, patients: Iterable[Patient]) -> None:
        """Bulk insert with `executemany` (sqlite-utils' insert_all is 3× slower for 1.5 M rows; see bench)."""
        conn = self.db.conn
        rows: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in RECORD_COLUMNS}
        patient_rows = []
        for patient in patients:
            pid = patient.patient_id
            patient_rows.append(patient_row(patient))
            for kind in RECORD_COLUMNS:
                target = rows[kind]
                columns = RECORD_COLUMNS[kind]
                for record in getattr(patient, kind) or ():
                    target.append((pid, *[to_sql(getattr(record, c)) for c in columns]))
        conn.executemany(
            f"INSERT INTO patients ({', '.join(PATIENT_COLUMNS)}) VALUES ({_placeholders(len(PATIENT_COLUMNS))})",
            patient_rows,
        )
        for kind, kind_rows in rows.items():
            if kind_rows:
                columns = RECORD_COLUMNS[kind]
                conn.executemany(
                    f"INSERT INTO {kind} (patient_id, {', '.join(columns)}) VALUES ({_placeholders(len(columns) + 1)})",
                    kind_rows,
                )

    @staticmethod
    def _check_kind(kind: str, record: Record) -> None:
        model = RECORD_KINDS.get(kind)
        if model is None:
            raise ValueError(f"unknown record kind {kind!r}")
        if not isinstance(record, model):
            raise TypeError(f"{kind} takes {model.__name__}, not {type(record).__name__}")

    @staticmethod
    def _index_of(stored: StoredPatient, kind: str, record_id: int) -> int:
        try:
            return stored.record_ids[kind].index(record_id)
        except ValueError:
            raise KeyError(f"{stored.patient.patient_id} has no {kind} record #{record_id}") from None

    @staticmethod
    def _validate_candidate(candidate: dict[str, Any], today: dt.date | None) -> None:
        data = {k: v for k, v in candidate.items() if v is not None or k == "co_mutations"}
        validate_patient(Patient.model_construct(**data), today)


def _already_present(patient_id: str) -> Problem:
    return Problem(patient_id, None, "patient_id", "already in the registry (use --replace to overwrite)")


def _record_json(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude_none=True)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)
