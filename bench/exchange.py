"""Data-exchange benchmark: prints the time of each export and import format (issue #6).

Creates (or opens) a demo registry of N patients (default 10,000), exports it in every format through the
same service the CLI and the app use, imports each importable export into a fresh registry, and writes the
same XLSX rows with xlsxwriter directly for comparison. Targets: each format under 60 s; the XLSX export
within 2× of the direct xlsxwriter run.

    python bench/exchange.py [--patients N | --db FILE] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

import xlsxwriter

from desktop.exchange.tables import TABLES, patient_rows
from desktop.services import transfer
from desktop.services.demo_registry import write_demo_registry
from desktop.store import Registry

#: Export target per format, and whether `import` reads it back.
TARGETS = {
    "json": ("registry.json", True),
    "csv": ("tables.zip", True),
    "xlsx": ("registry.xlsx", True),
    # The FHIR reader holds the whole bundle in memory (2.6 GB of JSON at 10,000 patients): not timed here.
    "fhir": ("bundle.fhir.json", False),
    "redcap": ("redcap", False),
}


def size_of(path: Path) -> float:
    """Size in MB of a file or of everything in a folder."""
    files = [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else [path]
    return sum(f.stat().st_size for f in files) / 1e6


def timed(label: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run func once; print and return (result, seconds)."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:8.2f} s", flush=True)
    return result, seconds


def direct_xlsx(db: Path, out: Path) -> float:
    """The same sheets and rows written with xlsxwriter directly (rows built first, not timed); seconds."""
    with Registry.open(db) as registry:
        rows: dict[str, list[list[object]]] = {table: [] for table in TABLES}
        for patient in registry.iter_patients():
            for table, cells in patient_rows(patient):
                rows[table].append(cells)
    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for table, columns in TABLES.items():
        sheet = book.add_worksheet(table)
        sheet.write_row(0, 0, columns)
        for r, cells in enumerate(rows[table], start=1):
            for c, value in enumerate(cells):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
    book.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="an existing registry to export (instead of a new demo)")
    parser.add_argument("--keep", type=Path, help="folder to keep the files in (default: a temp folder, removed)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ventrack-exchange-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = args.db
    if db is None:
        db = folder / "demo.sqlite"
        db.unlink(missing_ok=True)
        timed(f"create demo registry ({args.patients:,} patients)", write_demo_registry, db, args.patients, 1,
              dt.date.today())  # fmt: skip
    with Registry.open(db) as registry:
        count = registry.count_patients()
    print(f"VenTrack exchange benchmark: {count:,} patients from {db}")
    results: dict[str, float] = {}
    for fmt, (name, importable) in TARGETS.items():
        out = folder / name
        _, results[f"export {fmt}"] = timed(f"export {fmt}", transfer.export_registry, db, fmt, out)
        print(f"{'  size':<52} {size_of(out):8.1f} MB")
        if importable:
            target = folder / f"imported-{fmt}.sqlite"
            target.unlink(missing_ok=True)
            _, results[f"import {fmt}"] = timed(f"import {fmt} (read, validate, write)", transfer.import_file, out,
                                                target)  # fmt: skip
    _, results["export json, de-identified"] = timed(
        "export json --deidentify", transfer.export_registry, db, "json", folder / "deid.json", deidentify=True
    )
    direct = direct_xlsx(db, folder / "direct.xlsx")
    print(f"{'same rows written with xlsxwriter directly':<52} {direct:8.2f} s")
    print(f"{'ratio XLSX export / direct xlsxwriter':<52} {results['export xlsx'] / direct:8.2f} x   (target ≤ 2)")
    slowest = max(results, key=lambda k: results[k])
    print(f"{'slowest: ' + slowest:<52} {results[slowest]:8.2f} s   (target < 60 s each)")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
