"""The registry schema as numbered migrations, versioned with `PRAGMA user_version`.

Append only: migration N takes a registry from version N-1 to N. Each runs in one transaction together
with the new `user_version`, after a backup of the file (see `connection.open_database`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: `PRAGMA application_id` of a VenTrack registry ("VTRK").
APPLICATION_ID = 0x5654524B

#: Record tables: (table, columns in exchange-file order). Every table also has `id` and `patient_id`.
RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "co_mutations": ("gene", "allelic_ratio", "vaf"),
    "cycles": ("number", "start_date", "regimen", "venetoclax_dose_mg", "venetoclax_days", "hma_days"),
    "mrd": ("date", "specimen", "npm1_copies", "abl1_copies"),
    "counts": ("date", "anc", "platelets", "hemoglobin", "wbc", "blasts_pct"),
    "responses": ("date", "category"),
    "adverse_events": ("date", "term", "grade"),
    "events": ("date", "type"),
    "medications": ("name", "start_date", "end_date"),
}

#: Date column each record table is ordered by (co-mutations keep their entry order).
RECORD_ORDER: dict[str, str] = {
    "co_mutations": "id",
    "cycles": "number",
    "mrd": "date, id",
    "counts": "date, id",
    "responses": "date, id",
    "adverse_events": "date, id",
    "events": "date, id",
    "medications": "start_date, id",
}

_V1 = """
CREATE TABLE patients (
    patient_id TEXT PRIMARY KEY NOT NULL CHECK (length(patient_id) BETWEEN 1 AND 64),
    mrn TEXT,
    name TEXT,
    birth_date TEXT,
    sex TEXT CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    diagnosis_date TEXT NOT NULL,
    npm1_type TEXT,
    baseline_npm1_abl1_pct REAL,
    co_mutations_tested INTEGER NOT NULL DEFAULT 0 CHECK (co_mutations_tested IN (0, 1))
) STRICT;
CREATE TABLE co_mutations (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(patient_id) ON DELETE CASCADE ON UPDATE CASCADE,
    gene TEXT NOT NULL,
    allelic_ratio REAL,
    vaf REAL
) STRICT;
CREATE TABLE cycles (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(patient_id) ON DELETE CASCADE ON UPDATE CASCADE,
    number INTEGER NOT NULL CHECK (number >= 1),
    start_date TEXT NOT NULL,
    regimen TEXT NOT NULL,
    venetoclax_dose_mg REAL,
    venetoclax_days INTEGER CHECK (venetoclax_days BETWEEN 0 AND 28),
    hma_days INTEGER,
    UNIQUE (patient_id, number)
) STRICT;
CREATE TABLE mrd (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(patient_id) ON DELETE CASCADE ON UPDATE CASCADE,
    date TEXT NOT NULL,
    specimen TEXT NOT NULL CHECK (specimen IN ('BM', 'PB')),
    npm1_copies REAL NOT NULL CHECK (npm1_copies >= 0),
    abl1_copies REAL NOT NULL CHECK (abl1_copies > 0)
) STRICT;
CREATE TABLE counts (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(patient_id) ON DELETE CASCADE ON UPDATE CASCADE,
    date TEXT NOT NULL,
    anc REAL NOT NULL CHECK (anc >= 0),
    platelets REAL NOT NULL CHECK (platelets >= 0),
    hemoglobin REAL NOT NULL CHECK (hemoglobin > 0),
    wbc REAL,
    blasts_pct REAL
) STRICT;
CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(patient_id) ON DELETE CASCADE ON UPDATE CASCADE,
    date TEXT NOT NULL,
    category TEXT NOT NULL
) STRICT;
CREATE TABLE adverse_events (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(patient_id) ON DELETE CASCADE ON UPDATE CASCADE,
    date TEXT NOT NULL,
    term TEXT NOT NULL,
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 5)
) STRICT;
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(patient_id) ON DELETE CASCADE ON UPDATE CASCADE,
    date TEXT NOT NULL,
    type TEXT NOT NULL
) STRICT;
CREATE INDEX co_mutations_patient ON co_mutations (patient_id, id);
CREATE INDEX mrd_patient_date ON mrd (patient_id, date, id);
CREATE INDEX counts_patient_date ON counts (patient_id, date, id);
CREATE INDEX responses_patient_date ON responses (patient_id, date, id);
CREATE INDEX adverse_events_patient_date ON adverse_events (patient_id, date, id);
CREATE INDEX events_patient_date ON events (patient_id, date, id);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    os_user TEXT NOT NULL,
    action TEXT NOT NULL,
    patient_id TEXT,
    record TEXT,
    field TEXT,
    old_value TEXT,
    new_value TEXT
) STRICT;
CREATE INDEX audit_patient ON audit (patient_id, id);
"""

_V2 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
"""


_V3 = """
ALTER TABLE patients ADD COLUMN birth_year INTEGER CHECK (birth_year BETWEEN 1850 AND 2200);
ALTER TABLE patients ADD COLUMN age_over_89 INTEGER CHECK (age_over_89 = 1)
"""


_V4 = """
CREATE TABLE medications (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(patient_id) ON DELETE CASCADE ON UPDATE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    start_date TEXT NOT NULL,
    end_date TEXT CHECK (end_date IS NULL OR end_date >= start_date)
) STRICT;
CREATE INDEX medications_patient_date ON medications (patient_id, start_date, id)
"""


#: The grade 4 counts (ANC < 0.5 or platelets < 25 ×10^9/L, clinical-rules §8; `clinical.dosing`, checked by a
#: test): the registry-wide rules find them through this small index instead of reading every count.
_V5 = """
CREATE INDEX counts_grade4 ON counts (patient_id, date) WHERE anc < 0.5 OR platelets < 25.0
"""


def _execute_statements(conn: Any, script: str) -> None:
    # Not `executescript`: it would commit the migration's open transaction first.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migrate_to_1(conn: Any) -> None:
    """Version 1: patients, one table per record kind, the audit log."""
    _execute_statements(conn, _V1)


def _migrate_to_2(conn: Any) -> None:
    """Version 2: a key/value settings table (clinical parameters, the de-identification secret)."""
    _execute_statements(conn, _V2)


def _migrate_to_3(conn: Any) -> None:
    """Version 3: `birth_year` and `age_over_89`, what a de-identified patient keeps of the birth date."""
    _execute_statements(conn, _V3)


def _migrate_to_4(conn: Any) -> None:
    """Version 4: concomitant medications (clinical-rules v2 §8, exchange file v2)."""
    _execute_statements(conn, _V4)


def _migrate_to_5(conn: Any) -> None:
    """Version 5: an index of the grade 4 counts (the rules' windowed read, issue #16)."""
    _execute_statements(conn, _V5)


#: MIGRATIONS[i] takes the registry from version i to i + 1.
MIGRATIONS: tuple[Callable[[Any], None], ...] = (
    _migrate_to_1,
    _migrate_to_2,
    _migrate_to_3,
    _migrate_to_4,
    _migrate_to_5,
)
SCHEMA_VERSION = len(MIGRATIONS)
