"""What encryption (SQLCipher) costs, as ratios encrypted / plain measured in one run.

    .venv/bin/python bench/encryption.py [--patients 10000 | --db FILE]

Copies a plain registry (a demo of `--patients`, or `--db`), encrypts the copy in place, and times on both:
opening the registry and listing every patient (what the app does before its first window), a patient switch's
data part (load one patient with every record and evaluate the rules; 300 random patients), and the
registry-wide rules (`evaluate_registry`, as `ventrack eligibility` and the app's background evaluation).
Runs alternate plain and encrypted so the machine's drift touches both alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.clinical.evaluation import evaluate_patient
from desktop.services.demo_registry import write_demo_registry
from desktop.services.evaluation import evaluate_registry, load_parameters
from desktop.store import Registry, keys
from desktop.store.encryption import encrypt_registry

PASSPHRASE = "benchmark passphrase"
TODAY = dt.date(2026, 12, 4)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def open_and_list(path: Path) -> None:
    with Registry.open(path) as registry:
        registry.summaries()


def switches(path: Path, ids: list[str]) -> None:
    with Registry.open(path) as registry:
        params = load_parameters(registry)
        for patient_id in ids:
            evaluate_patient(registry.load_stored_patient(patient_id).patient, TODAY, params)


def registry_rules(path: Path) -> None:
    with Registry.open(path) as registry:
        evaluate_registry(registry, TODAY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="a plain registry to copy (default: a new demo)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ventrack-encryption-"))
    plain = work / "plain.sqlite"
    if args.db:
        shutil.copyfile(args.db, plain)
    else:
        write_demo_registry(plain, args.patients, seed=1, today=TODAY)
    encrypted = work / "encrypted.sqlite"
    shutil.copyfile(plain, encrypted)
    conversion = timed(lambda: encrypt_registry(encrypted, PASSPHRASE))
    keys.remember(encrypted, PASSPHRASE)
    with Registry.open(plain) as registry:
        count = registry.count_patients()
        ids = random.Random(1).sample(registry.patient_ids(), min(300, count))
    measures: dict[str, Callable[[Path], None]] = {
        "open + list every patient (app start-up, data part)": open_and_list,
        f"patient switch, data part ({len(ids)} patients)": lambda path: switches(path, ids),
        "registry-wide rules (evaluate_registry)": registry_rules,
    }
    print(f"VenTrack encryption benchmark: {count:,} patients, {args.rounds} alternating rounds; median seconds")
    print(f"{'encrypt the registry in place (once)':<56} {conversion:8.2f} s")
    for label, measure in measures.items():
        times: dict[Path, list[float]] = {plain: [], encrypted: []}
        for _ in range(args.rounds):
            for path in (plain, encrypted):
                times[path].append(timed(lambda path=path, measure=measure: measure(path)))
        base, enc = statistics.median(times[plain]), statistics.median(times[encrypted])
        print(f"{label:<56} plain {base:7.3f} s   encrypted {enc:7.3f} s   ratio {enc / base:5.2f} ×")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
