"""FHIR Bulk Data export over several processes: each writes the `<Type>.ndjson` files of a contiguous range of
patients, and the ranges' files are joined in order into one file per type. The result is the same as one
process writing every patient in id order (a test compares them), in about half the time on two cores."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from desktop.domain import Patient
from desktop.exchange.atomic_file import atomic_output
from desktop.exchange.fhir import write_fhir_bundle
from desktop.services.parallel import run_parts, split
from desktop.store import Registry


def _write_range(
    db_path: Path,
    key: bytes | None,
    today: dt.date,
    folder: Path,
    progress: Callable[[int], None] | None,
    part: tuple[int, Sequence[str]],
) -> int:
    """Write the resources of one id range into `folder/part-<n>` (opens the registry itself)."""
    number, ids = part
    with Registry.open(db_path) as registry, registry.snapshot():
        patients: Iterator[Patient] = registry.iter_patient_slice(ids)
        if key is not None:
            from desktop.exchange.deidentify import deidentify_patients

            patients = deidentify_patients(patients, key, today)
        return write_fhir_bundle(patients, folder / f"part-{number}", progress if number == 0 else None,
                                 layout="folder")  # fmt: skip


def _append(source: int, target: int, size: int) -> None:
    """Append `size` bytes of file descriptor `source` to `target`, copied by the kernel where it can."""
    copy = getattr(os, "copy_file_range", None)
    done = 0
    while done < size:
        if copy is not None:
            sent = copy(source, target, size - done)
        else:  # no copy_file_range (not Linux): through a buffer
            chunk = os.read(source, min(size - done, 1 << 20))
            sent = os.write(target, chunk)
        if sent == 0:
            raise OSError(f"could not copy the last {size - done} bytes of an export part")
        done += sent


def _join_parts(folder: Path, parts: int) -> None:
    """`folder/<Type>.ndjson` from the parts' files of that type, in part order (the first part's file is moved,
    the others appended to it); the parts are then removed."""
    types = sorted({f.name for n in range(parts) for f in (folder / f"part-{n}").iterdir()})
    for name in types:
        joined_path, first = folder / name, folder / "part-0" / name
        if first.exists():
            first.replace(joined_path)
        joined = os.open(joined_path, os.O_WRONLY | os.O_CREAT, 0o600)  # not O_APPEND: copy_file_range refuses it
        try:
            os.lseek(joined, 0, os.SEEK_END)
            for n in range(1, parts):
                piece = folder / f"part-{n}" / name
                if piece.exists():
                    with piece.open("rb") as source:
                        _append(source.fileno(), joined, piece.stat().st_size)
        finally:
            os.close(joined)
    for n in range(parts):
        shutil.rmtree(folder / f"part-{n}")


def export_fhir_bulk(
    db_path: Path,
    out: Path,
    ids: Sequence[str],
    jobs: int,
    *,
    key: bytes | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the patients of `ids` (sorted) as a FHIR Bulk Data folder at `out` over `jobs` processes,
    de-identified with `key` when given; returns the patient count. Atomic: a failure leaves no folder.

    `progress(done)` follows the first range (this process's) scaled to the whole, and may raise to cancel.
    """
    if out.is_dir() and any(not child.name.endswith(".ndjson") for child in out.iterdir()):
        raise FileExistsError(f"{out} is a folder with other files in it; choose a new or empty folder")
    ranges = split(ids, jobs)
    scale = len(ids) / len(ranges[0]) if ranges else 1.0
    scaled = (lambda done: progress(min(len(ids), round(done * scale)))) if progress else None
    with atomic_output(out, directory=True) as folder:
        work = partial(_write_range, db_path, key, today or dt.date.today(), folder, scaled)
        counts = run_parts(work, list(enumerate(ranges)))
        _join_parts(folder, len(ranges))
    if progress:
        progress(sum(counts))
    return sum(counts)
