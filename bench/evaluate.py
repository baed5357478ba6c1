"""Clinical-engine benchmark: eligibility + schedule + alerts for a whole registry and for one patient.

    python bench/evaluate.py [--patients N] [--db EXISTING.sqlite]

Prints: load time, rule time and total for every patient in-process; the wall time of the
`ventrack eligibility --json` process end to end (start-up, load, rules, JSON); rule time per patient.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop.clinical.evaluation import evaluate_patient
from desktop.services.demo_registry import write_demo_registry
from desktop.services.evaluation import evaluate_registry, load_parameters
from desktop.store import Registry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="use this registry instead of making a demo one")
    args = parser.parse_args()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="ventrack-bench-")) / "demo.sqlite"
        write_demo_registry(db, args.patients, 1, dt.date.today())
    as_of = dt.date.today()
    with Registry.open(db) as registry:
        params = load_parameters(registry)
        start = time.perf_counter()
        evaluate_registry(registry, as_of, params)
        service_s = time.perf_counter() - start
        start = time.perf_counter()
        patients = list(registry.iter_patients())
        load_s = time.perf_counter() - start
    start = time.perf_counter()
    for patient in patients:
        evaluate_patient(patient, as_of, params)
    rules_s = time.perf_counter() - start
    n = len(patients)
    print(f"VenTrack evaluation benchmark: {n} patients in {db}")
    print(f"{'evaluate_registry (load what the rules read + rules)':<52} {service_s:8.3f} s")
    print(f"{'load every patient completely (all records)':<52} {load_s:8.3f} s")
    print(f"{'eligibility + schedule + alerts, every patient':<52} {rules_s:8.3f} s")
    per_patient = []
    for patient in patients[:: max(1, n // 500)]:
        start = time.perf_counter()
        evaluate_patient(patient, as_of, params)
        per_patient.append(time.perf_counter() - start)
    print(f"{'rule time, one patient (median)':<52} {statistics.median(per_patient) * 1000:8.3f} ms")
    print(f"{'rule time, one patient (max of sample)':<52} {max(per_patient) * 1000:8.3f} ms")
    for command in ("eligibility", "alerts"):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "desktop", command, "--db", str(db), "--json"], capture_output=True, check=True
        )
        wall = time.perf_counter() - start
        label = f"`ventrack {command} --json` process, end to end"
        print(f"{label:<52} {wall:8.3f} s ({len(done.stdout) / 1e6:.1f} MB)")
    print("targets: whole registry < 2 s end to end (CLI process included); one patient < 1 ms of rule time")


if __name__ == "__main__":
    main()
