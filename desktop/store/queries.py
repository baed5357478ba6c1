"""Reading the registry: one patient with its record ids, every patient in chunks (optionally narrowed to what a
reader needs, in SQL), summaries for the patient list, the audit log and integrity checks."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from desktop.clinical.dosing import GRADE4_ANC, GRADE4_PLATELETS
from desktop.domain import Patient, Record
from desktop.store import audit
from desktop.store.connection import read_transaction
from desktop.store.rows import LIGHT_BUILDERS, PATIENT_COLUMNS, RECORD_BUILDERS, build_patient
from desktop.store.schema import RECORD_COLUMNS, RECORD_ORDER

#: Patients read per round of queries by `iter_patients`.
READ_CHUNK = 500
_first = itemgetter(0)


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
    light: bool = False  # records as named tuples (`rows.LIGHT_BUILDERS`): for readers of fields alone


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
  SELECT c.* FROM (
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
  ) k CROSS JOIN counts c ON c.patient_id = k.pid AND c.date = k.date  -- CROSS: drive from the dates chosen
) r"""


def _rules_counts(which: str, ids: tuple[str, ...], as_of: dt.date) -> tuple[str, list[Any]]:
    """The source and parameters of `_RULES_COUNTS` for the patients selected by `which`."""
    grade4 = f"(r.anc < {GRADE4_ANC!r} OR r.platelets < {GRADE4_PLATELETS!r})"
    day = as_of.isoformat()
    return _RULES_COUNTS.format(which=which, grade4=grade4), [*ids, day, *ids, day, day, *ids, *ids, day]


def _date_or_none(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def placeholders(count: int) -> str:
    """`?, ?, …` for `count` bound parameters."""
    return ", ".join("?" * count)


class RegistryReader:
    """The reads of a registry (`Registry` adds the writes); `conn` is its connection, `path` its file."""

    conn: Any
    path: Path

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read from one consistent state of the registry: commits by others made meanwhile are not seen
        (a read transaction; in WAL mode it blocks no writer). Must not enclose writes."""
        with read_transaction(self.conn):
            yield

    def data_version(self) -> int:
        """A number that changes when another connection (another VenTrack, a CLI import) commits a change."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def count_patients(self) -> int:
        """Number of patients."""
        return int(self.conn.execute("SELECT count(*) FROM patients").fetchone()[0])

    def patient_ids(self) -> list[str]:
        """Every patient id, sorted."""
        return [row[0] for row in self.conn.execute("SELECT patient_id FROM patients ORDER BY patient_id")]

    def has_patient(self, patient_id: str) -> bool:
        """True when `patient_id` is in the registry."""
        row = self.conn.execute("SELECT 1 FROM patients WHERE patient_id = ?", (patient_id,)).fetchone()
        return row is not None

    def load_stored_patient(self, patient_id: str) -> StoredPatient:
        """One patient with every record and the record ids; KeyError if absent."""
        conn = self.conn
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
            records[kind] = [build(r) for r in rows]
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
            yield from self.iter_patient_slice(self.patient_ids(), window)
        else:
            wanted = sorted(set(patient_ids))
            for start in range(0, len(wanted), READ_CHUNK):
                selected = tuple(wanted[start : start + READ_CHUNK])
                yield from self._read_chunk(f"r.patient_id IN ({placeholders(len(selected))})", selected, window)

    def iter_patient_slice(self, ids: Sequence[str], window: RecordWindow | None = None) -> Iterator[Patient]:
        """The patients of `ids`, a contiguous slice of `patient_ids()`, read by id range 500 at a time (as
        `iter_patients`, without binding every id)."""
        for start in range(0, len(ids), READ_CHUNK):
            first, last = ids[start], ids[min(start + READ_CHUNK, len(ids)) - 1]
            yield from self._read_chunk("r.patient_id BETWEEN ? AND ?", (first, last), window)

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
        conn = self.conn
        grouped: dict[str, dict[str, list[Record]]] = {}
        for kind in RECORD_COLUMNS:
            sql, params = self._record_query(kind, which, ids, window)
            build = (LIGHT_BUILDERS if window is not None and window.light else RECORD_BUILDERS)[kind]
            for patient_id, rows in groupby(conn.execute(sql, params).fetchall(), _first):  # ordered by patient id
                grouped.setdefault(patient_id, {})[kind] = list(map(build, rows))
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
            for r in self.conn.execute(sql)
        ]  # fmt: skip

    def audit_log(self, patient_id: str | None = None, limit: int | None = None) -> list[audit.AuditEntry]:
        """Audit entries, newest first, for one patient or the whole registry."""
        return audit.read(self.conn, patient_id, limit)

    def integrity_problems(self) -> list[str]:
        """SQLite's integrity and foreign-key checks, one line per problem (empty when sound)."""
        conn = self.conn
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"{row[0]} row {row[1]} refers to a missing {row[2]}" for row in conn.execute("PRAGMA foreign_key_check")
        ]
        return problems
