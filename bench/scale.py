"""Performance at 10,000 patients (issue #16): every figure as a ratio to plain Python measured in the same run.

    python bench/scale.py [--patients N] [--db EXISTING.sqlite] [--runs 3]

- registry-wide `eligibility`, `schedule` and `alerts --json`, whole process, against a fresh process reading
  every row of every table with plain `sqlite3` (target ≤ 1.5×), and `--jobs 1` against the default;
- `import` of the exchange file, validation included, whole process, against a process doing `json.load` and
  a raw `executemany` of the same rows into the same schema (target ≤ 2.5×);
- FHIR Bulk Data (`export --format fhir-ndjson`) against the JSON export (target ≤ 2×), and its peak memory
  at N and N/10 patients (streamed: the same);
- the machine speed check before and after (bench/common.py).
The app's figures (evaluation after the list, patient switch, RSS with the outcomes view) are bench/ui.py's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import process_seconds, speed_check

from desktop.store import Registry
from desktop.store.rows import PATIENT_COLUMNS
from desktop.store.schema import RECORD_COLUMNS

RAW_READ = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
print(sum(len(connection.execute(f'SELECT * FROM "{table}"').fetchall()) for table in tables))
"""

RAW_IMPORT = """
import json, sqlite3, sys
patient_columns, record_columns = json.loads(sys.argv[3])
with open(sys.argv[1], "rb") as handle:
    patients = json.load(handle)["patients"]
connection = sqlite3.connect(sys.argv[2], isolation_level=None)
connection.execute("BEGIN")
rows = [tuple(p.get(c) for c in patient_columns[:-2]) + (1 if p.get("age_over_89") else None,
        0 if p.get("co_mutations") is None else 1) for p in patients]
connection.executemany(f"INSERT INTO patients ({', '.join(patient_columns)}) VALUES "
                       f"({', '.join('?' * len(patient_columns))})", rows)
for kind, columns in record_columns.items():
    rows = [(p["patient_id"], *(r.get(c) for c in columns)) for p in patients for r in p.get(kind) or ()]
    connection.executemany(f"INSERT INTO {kind} (patient_id, {', '.join(columns)}) VALUES "
                           f"({', '.join('?' * (len(columns) + 1))})", rows)
connection.execute("COMMIT")
"""

#: Runs a command and prints the peak RSS (MB) of it and the processes it forked (RUSAGE_CHILDREN: the largest).
PEAK_RSS = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)"
)


def line(label: str, value: str) -> None:
    print(f"{label:<62} {value}", flush=True)


def ventrack(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop", *args]


def rules(db: Path, as_of: str, runs: int) -> None:
    raw = process_seconds([sys.executable, "-c", RAW_READ, str(db)], runs)
    line("plain sqlite3 process reading every row (median)", f"{raw:8.2f} s")
    for command in ("eligibility", "schedule", "alerts"):
        ours = process_seconds(ventrack(command, "--db", str(db), "--json", "--as-of", as_of), runs)
        line(f"`{command} --json` process / plain read", f"{ours:8.2f} s  {ours / raw:5.2f}×   (target ≤ 1.5×)")
    one = process_seconds(ventrack("eligibility", "--db", str(db), "--json", "--as-of", as_of, "--jobs", "1"), runs)
    line("`eligibility --json --jobs 1` / plain read", f"{one:8.2f} s  {one / raw:5.2f}×   (one process)")


def raw_import_seconds(file: Path, folder: Path, runs: int) -> float:
    columns = json.dumps([list(PATIENT_COLUMNS), {k: list(v) for k, v in RECORD_COLUMNS.items()}])
    times = []
    for n in range(runs):
        target = folder / f"raw-{n}.sqlite"
        Registry.open(target, create=True).close()  # the same schema, empty
        times.append(process_seconds([sys.executable, "-c", RAW_IMPORT, str(file), str(target), columns], 1))
    return sorted(times)[len(times) // 2]


def importing(db: Path, folder: Path, runs: int) -> None:
    exchange = folder / "registry.json"
    subprocess.run(ventrack("export", "--db", str(db), "--format", "json", "--out", str(exchange)), check=True,
                   capture_output=True)  # fmt: skip
    raw = raw_import_seconds(exchange, folder, runs)
    ours = []
    for n in range(runs):
        ours.append(process_seconds(ventrack("import", str(exchange), "--db", str(folder / f"ours-{n}.sqlite")), 1))
    median = sorted(ours)[len(ours) // 2]
    line("json.load + raw executemany process (median)", f"{raw:8.2f} s")
    line("`import` process, validation included / raw", f"{median:8.2f} s  {median / raw:5.2f}×   (target ≤ 2.5×)")


def peak_rss_mb(command: list[str]) -> int:
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, *command], check=True, capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1])


def fhir(db: Path, folder: Path, patients: int, runs: int) -> None:
    """JSON and FHIR Bulk Data exports alternately, each into a new folder (the last one removed first, outside
    the timing), so both see the machine and its disk in the same state; the ratio is the median of the pairs.
    Before each export the disk is synced (outside the timing): the previous run's 1.8 GB still being written
    back made a run 0-40% slower on this machine, a cost of the loop, not of the export measured."""
    pairs = []
    for _ in range(runs):
        shutil.rmtree(folder / "bulk", ignore_errors=True)
        (folder / "e.json").unlink(missing_ok=True)
        os.sync()
        json_s = process_seconds(ventrack("export", "--db", str(db), "--format", "json", "--out",
                                          str(folder / "e.json")), 1)  # fmt: skip
        os.sync()
        bulk_s = process_seconds(ventrack("export", "--db", str(db), "--format", "fhir-ndjson", "--out",
                                          str(folder / "bulk")), 1)  # fmt: skip
        pairs.append((json_s, bulk_s))
    json_median = statistics.median(j for j, _ in pairs)
    bulk_median = statistics.median(b for _, b in pairs)
    ratio = statistics.median(b / j for j, b in pairs)
    line("JSON export process (median)", f"{json_median:8.2f} s")
    line("FHIR Bulk Data export process / JSON export", f"{bulk_median:8.2f} s  {ratio:5.2f}×   (target ≤ 2×)")
    small = folder / "small.sqlite"
    data = json.loads((folder / "e.json").read_text(encoding="utf-8"))
    data["patients"] = data["patients"][: patients // 10]
    (folder / "small.json").write_text(json.dumps(data), encoding="utf-8")
    subprocess.run(ventrack("import", str(folder / "small.json"), "--db", str(small)), check=True, capture_output=True)
    shutil.rmtree(folder / "bulk", ignore_errors=True)
    big_mb = peak_rss_mb(ventrack("export", "--db", str(db), "--format", "fhir-ndjson", "--out", str(folder / "bulk")))
    small_mb = peak_rss_mb(ventrack("export", "--db", str(small), "--format", "fhir-ndjson", "--out",
                                    str(folder / "bulk-small")))  # fmt: skip
    line(f"FHIR Bulk Data peak RSS, {patients:,} / {patients // 10:,} patients",
         f"{big_mb:5d} / {small_mb} MB  {big_mb / small_mb:5.2f}×   (streamed: ≈ 1×)")  # fmt: skip
    shutil.rmtree(folder / "bulk", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="use this registry instead of making a demo one")
    parser.add_argument("--runs", type=int, default=3, help="runs of each process (median)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ventrack-scale-"))
    today = dt.date.today().isoformat()
    db = args.db
    if db is None:
        db = folder / "demo.sqlite"
        subprocess.run(ventrack("demo", "--db", str(db), "--patients", str(args.patients), "--today", today),
                       check=True, capture_output=True)  # fmt: skip
    with Registry.open(db) as registry:
        patients = registry.count_patients()
    os.environ.pop("VENTRACK_PASSPHRASE", None)
    print(f"VenTrack at scale: {patients:,} patients in {db}")
    line("speed check before (fixed Python work, lower is faster)", f"{speed_check():8.1f} ms")
    rules(db, today, args.runs)
    importing(db, folder, args.runs)
    fhir(db, folder, patients, args.runs)
    line("speed check after", f"{speed_check():8.1f} ms")


if __name__ == "__main__":
    main()
