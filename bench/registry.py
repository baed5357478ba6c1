"""Registry benchmark: prints the figures of the foundation issue.

Creates a demo registry of N patients (default 10,000), exports it, imports the export into a new
registry (parse + validate, then the database write), runs a raw `sqlite3.executemany` of the same rows
into the same schema for comparison, lists all summaries and loads single patients.

    python bench/registry.py [--patients N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from desktop.exchange.registry_json import read_registry_json, write_registry_json
from desktop.services.demo_registry import write_demo_registry
from desktop.store import Registry
from desktop.store.rows import PATIENT_COLUMNS, patient_row
from desktop.store.schema import MIGRATIONS, RECORD_COLUMNS


def timed(label: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run func once, print and return (result, seconds)."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:8.3f} s")
    return result, seconds


def raw_executemany(path: Path, patients) -> float:  # type: ignore[no-untyped-def]
    """Insert the same rows with plain sqlite3 executemany in one transaction; return seconds."""
    from sqlite_utils import Database

    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn, execute_plugins=False)
    for migrate in MIGRATIONS:
        migrate(db)
    rows: dict[str, list[tuple]] = {kind: [] for kind in RECORD_COLUMNS}
    patient_rows = []
    for patient in patients:
        patient_rows.append(patient_row(patient))
        for kind, columns in RECORD_COLUMNS.items():
            for record in getattr(patient, kind) or ():
                rows[kind].append(
                    (patient.patient_id, *[v.isoformat() if isinstance(v, dt.date) else v
                                           for v in (getattr(record, c) for c in columns)])
                )  # fmt: skip
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO patients VALUES ({', '.join('?' * len(PATIENT_COLUMNS))})", patient_rows)
    for kind, columns in RECORD_COLUMNS.items():
        marks = ", ".join("?" * (len(columns) + 1))
        conn.executemany(f"INSERT INTO {kind} (patient_id, {', '.join(columns)}) VALUES ({marks})", rows[kind])
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="folder to keep the registries in (default: a temp folder)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ventrack-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    source, target, raw = folder / "demo.sqlite", folder / "imported.sqlite", folder / "raw.sqlite"
    export = folder / "demo.json"
    for path in (source, target, raw, export):
        path.unlink(missing_ok=True)
    today = dt.date.today()
    print(f"VenTrack registry benchmark: {args.patients} patients, files in {folder}")

    timed(f"create demo registry ({args.patients} patients)", write_demo_registry, source, args.patients, 1, today)
    with Registry.open(source) as registry:
        timed("export JSON", write_registry_json, registry.iter_patients(), export)
    print(f"{'export size':<58} {export.stat().st_size / 1e6:8.1f} MB")

    parsed, parse_s = timed("import: read + validate JSON", read_registry_json, export)
    patients = parsed.patients
    rows = len(patients) + sum(len(getattr(p, k) or ()) for p in patients for k in RECORD_COLUMNS)
    print(f"{'rows (patients + records)':<58} {rows:8d}")
    with Registry.open(target, create=True) as registry:
        _, write_s = timed("import: database write (one transaction)", registry.import_patients, patients, "bench")
    print(f"{'import total (read + validate + write)':<58} {parse_s + write_s:8.3f} s")
    raw_s = raw_executemany(raw, patients)
    print(f"{'raw sqlite3 executemany of the same rows':<58} {raw_s:8.3f} s")
    print(f"{'ratio database write / raw executemany':<58} {write_s / raw_s:8.2f} x")
    print(f"{'ratio whole import / raw executemany':<58} {(parse_s + write_s) / raw_s:8.2f} x")

    with Registry.open(target) as registry:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            registry.summaries()
            runs.append(time.perf_counter() - start)
        print(f"{'list all patient summaries (median of 5)':<58} {statistics.median(runs) * 1000:8.1f} ms")
        ids = registry.patient_ids()
        sample = random.Random(1).sample(ids, min(200, len(ids)))
        runs = []
        for pid in sample:
            start = time.perf_counter()
            registry.load_patient(pid)
            runs.append(time.perf_counter() - start)
        print(f"{'load one full patient (median of 200)':<58} {statistics.median(runs) * 1000:8.2f} ms")
        print(f"{'load one full patient (max of 200)':<58} {max(runs) * 1000:8.2f} ms")
    print("targets: import < 30 s and ≤ 2× raw executemany; summaries < 200 ms; one patient < 5 ms")


if __name__ == "__main__":
    main()
