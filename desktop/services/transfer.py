"""Import and export of whole registries, whatever the file format (the same code for the CLI and the app).

Formats (`EXPORT_FORMATS`): `json` (exchange file v2, contract.md), `csv` (one table per record kind in a
folder or `.zip`), `xlsx` (the same tables as sheets), `fhir` (R4 Bundle, NDJSON or
bulk-data folder), `fhir-ndjson` (the FHIR Bulk Data folder) and
`redcap` (data dictionary + import file). Imports read `json`, `csv`, `xlsx` and VenTrack's own FHIR export;
each is validated completely before anything is written, then written in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.domain import InvalidData, Patient, Problem
from desktop.domain.validation import registry_problems
from desktop.store import Registry

Progress = Callable[[int, int], None]
PatientWriter = Callable[[Iterable[Patient], Path, Callable[[int], None] | None], int]
PatientReader = Callable[[Path, dt.date], list[Patient]]

#: Export formats, in the order the CLI and the app offer them.
EXPORT_FORMATS = ("json", "csv", "xlsx", "fhir", "fhir-ndjson", "redcap")
#: What `import` reads, by what the path looks like (a folder holds CSV tables or FHIR NDJSON files).
IMPORT_LAYOUTS = ".json (exchange file or FHIR Bundle), .ndjson (FHIR), .csv / .zip / folder (CSV tables), .xlsx"


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do: patients to add and to replace (computed before anything is written)."""

    patients: list[Patient]
    added: list[str]
    replaced: list[str]


# ---- reading ---------------------------------------------------------------------------------------


def _read_json(path: Path, today: dt.date) -> list[Patient]:
    from desktop.exchange.registry_json import read_registry_json

    return read_registry_json(path, today).patients


def _read_fhir(path: Path, today: dt.date) -> list[Patient]:
    from desktop.exchange.fhir import read_fhir_bundle

    patients = read_fhir_bundle(path)
    problems = registry_problems(patients, today)  # the whole-patient rules the FHIR reader does not apply
    if problems:
        raise InvalidData(problems)
    return patients


def _read_csv(path: Path, today: dt.date) -> list[Patient]:
    from desktop.exchange.csv_tables import read_csv_tables

    return read_csv_tables(path, today)


def _read_xlsx(path: Path, today: dt.date) -> list[Patient]:
    from desktop.exchange.xlsx_tables import read_xlsx_workbook

    return read_xlsx_workbook(path, today)


def _is_fhir_json(path: Path) -> bool:
    """Whether a `.json` file is a FHIR resource (a Bundle) rather than a VenTrack exchange file."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b'"resourceType"' in head and b'"ventrack-registry"' not in head


def reader_for(path: Path) -> PatientReader:
    """The reader of the file or folder at `path`; `InvalidData` when it is no layout VenTrack reads."""
    if not path.exists():
        raise InvalidData([Problem(None, None, None, f"no such file or folder: {path}")])
    suffix = path.suffix.lower()
    if path.is_dir():
        if (path / "patients.csv").exists():
            return _read_csv
        if any(path.glob("*.ndjson")):
            return _read_fhir
        reason = f"{path} is a directory without registry tables (patients.csv) or FHIR .ndjson files"
        raise InvalidData([Problem(None, None, None, reason)])
    readers: dict[str, PatientReader] = {".zip": _read_csv, ".csv": _read_csv, ".xlsx": _read_xlsx}
    if suffix in readers:
        return readers[suffix]
    if suffix == ".ndjson":
        return _read_fhir
    if suffix == ".json":
        return _read_fhir if _is_fhir_json(path) else _read_json
    raise InvalidData([Problem(None, None, None, f"{path.name}: unsupported file type (supported: {IMPORT_LAYOUTS})")])


def read_exchange_file(path: Path, today: dt.date | None = None) -> list[Patient]:
    """Read and validate a registry file of any supported layout; `InvalidData` lists every problem."""
    path = Path(path)
    return reader_for(path)(path, today or dt.date.today())


# ---- importing -------------------------------------------------------------------------------------


def plan_import(registry: Registry, patients: list[Patient], *, replace: bool) -> ImportPlan:
    """Check the patients against the registry; `InvalidData` if an id exists and `replace` is off."""
    replaced = registry.existing_ids([p.patient_id for p in patients], replace=replace)
    existing = set(replaced)
    added = sorted(p.patient_id for p in patients if p.patient_id not in existing)
    return ImportPlan(patients, added, replaced)


def write_import(
    db_path: Path, patients: list[Patient], source: str, *, replace: bool, progress: Progress | None = None
) -> int:
    """Write already validated patients into the registry at `db_path`: one transaction, after a backup."""
    with Registry.open(db_path) as registry:
        return registry.import_patients(patients, source=source, replace=replace, progress=progress)


def import_file(
    file: Path,
    db_path: Path,
    *,
    replace: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportPlan:
    """Validate `file` completely, then import it into `db_path` (created if absent) in one transaction.

    Nothing is written when any record is invalid, when an id exists without `replace`, or with `dry_run`.
    """
    patients = read_exchange_file(file, today)
    create = not Path(db_path).exists()
    if create and dry_run:
        return ImportPlan(patients, sorted(p.patient_id for p in patients), [])
    registry = Registry.open(db_path, create=create)
    try:
        plan = plan_import(registry, patients, replace=replace)
        if not dry_run:
            registry.import_patients(patients, source=Path(file).name, replace=replace, progress=progress)
        return plan
    except BaseException:
        registry.close()
        if create:
            _remove_registry_files(Path(db_path))
        raise
    finally:
        registry.close()


# ---- exporting -------------------------------------------------------------------------------------


def writer_for(fmt: str) -> PatientWriter:
    """The writer of export format `fmt` (imported only when used: start-up stays light)."""
    if fmt == "json":
        from desktop.exchange.registry_json import write_registry_json

        return write_registry_json
    if fmt == "csv":
        from desktop.exchange.csv_tables import write_csv_tables

        return write_csv_tables
    if fmt == "xlsx":
        from desktop.exchange.xlsx_tables import write_xlsx_workbook

        return write_xlsx_workbook
    if fmt == "fhir":
        from desktop.exchange.fhir import write_fhir_bundle

        return write_fhir_bundle
    if fmt == "fhir-ndjson":  # FHIR Bulk Data: a folder with one <Type>.ndjson per resource type (contract v2)
        from functools import partial

        from desktop.exchange.fhir import write_fhir_bundle

        return partial(write_fhir_bundle, layout="folder")
    if fmt == "redcap":
        from desktop.exchange.redcap import write_redcap

        return write_redcap
    raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")


def export_registry(
    db_path: Path,
    fmt: str,
    out: Path,
    *,
    progress: Progress | None = None,
    deidentify: bool = False,
    today: dt.date | None = None,
    jobs: int = 1,
) -> int:
    """Export the whole registry at `db_path` to `out` in format `fmt`; returns the patient count.

    The patients are read from one consistent snapshot of the registry, streamed to the writer (which
    writes atomically: a failure or a cancel from `progress` leaves no output). With `deidentify`, each
    patient is de-identified on the way (pseudonymisation with date shifting, `desktop.exchange.deidentify`).
    `fhir-ndjson` is written by `jobs` processes (`services.bulk_export`; each reads its own snapshot).
    """
    writer = writer_for(fmt)
    if fmt == "fhir-ndjson" and jobs > 1:
        return _export_fhir_bulk(Path(db_path), Path(out), jobs, progress, deidentify, today)
    with Registry.open(db_path) as registry:
        key = registry.deidentification_key() if deidentify else None  # before the snapshot: it may write
        with registry.snapshot():
            total = registry.count_patients()
            on_patient = (lambda done: progress(done, total)) if progress else None
            patients: Iterator[Patient] = registry.iter_patients()
            if key is not None:
                from desktop.exchange.deidentify import deidentify_patients

                patients = deidentify_patients(patients, key, today or dt.date.today())
            return writer(patients, Path(out), on_patient)


def _export_fhir_bulk(
    db_path: Path, out: Path, jobs: int, progress: Progress | None, deidentify: bool, today: dt.date | None
) -> int:
    """`fhir-ndjson` over `jobs` processes; the registry is closed before they start (no SQLite connection may
    cross a fork), and each reads its own range in its own snapshot."""
    from desktop.services.bulk_export import export_fhir_bulk

    with Registry.open(db_path) as registry:
        key = registry.deidentification_key() if deidentify else None
        ids = registry.patient_ids()
    on_patient = (lambda done: progress(done, len(ids))) if progress else None
    return export_fhir_bulk(db_path, out, ids, jobs, key=key, today=today, progress=on_patient)


def _remove_registry_files(path: Path) -> None:
    """Remove a registry this command created and could not fill (and its WAL files)."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        candidate.unlink(missing_ok=True)
