"""Import and export of whole registries, whatever the file format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.domain import InvalidData, Patient, Problem
from desktop.exchange.registry_json import read_registry_json, write_registry_json
from desktop.store import Registry

Progress = Callable[[int, int], None]
IMPORT_SUFFIXES = (".json",)
EXPORT_FORMATS = ("json",)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do: patients to add and to replace (computed before anything is written)."""

    patients: list[Patient]
    added: list[str]
    replaced: list[str]


def read_exchange_file(path: Path, today: dt.date | None = None) -> list[Patient]:
    """Read and validate a registry file of any supported layout; `InvalidData` lists every problem."""
    path = Path(path)
    if path.is_dir():
        raise InvalidData([Problem(None, None, None, f"{path} is a directory, not a registry file")])
    if not path.exists():
        raise InvalidData([Problem(None, None, None, f"no such file: {path}")])
    suffix = path.suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        supported = ", ".join(IMPORT_SUFFIXES)
        raise InvalidData([Problem(None, None, None, f"{path.name}: unsupported file type (supported: {supported})")])
    return read_registry_json(path, today).patients


def plan_import(registry: Registry, patients: list[Patient], *, replace: bool) -> ImportPlan:
    """Check the patients against the registry; `InvalidData` if an id exists and `replace` is off."""
    replaced = registry.existing_ids([p.patient_id for p in patients], replace=replace)
    existing = set(replaced)
    added = sorted(p.patient_id for p in patients if p.patient_id not in existing)
    return ImportPlan(patients, added, replaced)


def import_file(
    file: Path, db_path: Path, *, replace: bool = False, dry_run: bool = False, progress: Progress | None = None
) -> ImportPlan:
    """Validate `file` completely, then import it into `db_path` (created if absent) in one transaction.

    Nothing is written when any record is invalid, when an id exists without `replace`, or with `dry_run`.
    """
    patients = read_exchange_file(file)
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


def export_registry(db_path: Path, fmt: str, out: Path, *, progress: Progress | None = None) -> int:
    """Export the whole registry at `db_path` to `out` in format `fmt`; returns the patient count."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    with Registry.open(db_path) as registry:
        total = registry.count_patients()
        on_patient = (lambda done: progress(done, total)) if progress else None
        return write_registry_json(registry.iter_patients(), Path(out), on_patient)


def _remove_registry_files(path: Path) -> None:
    """Remove a registry this command created and could not fill (and its WAL files)."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        candidate.unlink(missing_ok=True)
