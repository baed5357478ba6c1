"""FHIR R4 export of the registry: a Bundle of type `collection` (JSON) or NDJSON (docs/fhir.md).

The layout follows the target: `*.ndjson` → one NDJSON file, one resource per line; a folder (an existing
folder, or a name without suffix) → one `<ResourceType>.ndjson` per resource type, as in a FHIR bulk-data
export; anything else (`*.json`, `*.fhir.json`) → one Bundle. Output is streamed patient by patient and
atomic. `read_fhir_bundle` reads any of the three back into patients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Literal

import orjson

from desktop.domain import Patient
from desktop.exchange.atomic_file import atomic_output
from desktop.exchange.fhir_read import read_fhir_bundle
from desktop.exchange.fhir_resources import patient_resources, relative_reference, urn_reference
from desktop.exchange.progress import PatientStream

__all__ = ["FhirLayout", "fhir_layout", "read_fhir_bundle", "write_fhir_bundle"]

FhirLayout = Literal["bundle", "ndjson", "folder"]


def fhir_layout(out: Path) -> FhirLayout:
    """The layout `write_fhir_bundle` chooses for `out` (see the module docstring)."""
    out = Path(out)
    if out.is_dir() or not out.suffix:
        return "folder"
    return "ndjson" if out.suffix.lower() == ".ndjson" else "bundle"


def write_fhir_bundle(
    patients: Iterable[Patient],
    out: Path,
    progress: Callable[[int], None] | None = None,
    *,
    layout: FhirLayout | None = None,
) -> int:
    """Write patients as FHIR R4 resources; returns the number of patients.

    `progress(done)` is called after each patient and may raise to cancel; the target is then untouched.
    An existing folder is replaced only when it holds nothing but `.ndjson` files (a previous export).
    """
    out = Path(out)
    layout = layout or fhir_layout(out)
    if layout == "folder":
        return _write_folder(patients, out, progress)
    stream = PatientStream(patients, progress)
    dumps = orjson.dumps  # compact UTF-8 JSON, 4× faster than json's C encoder on these resources
    with atomic_output(out) as tmp, tmp.open("wb") as handle:
        if layout == "ndjson":
            for patient in stream:
                for resource in patient_resources(patient, relative_reference):
                    handle.write(dumps(resource))
                    handle.write(b"\n")
            return stream.count
        handle.write(b'{"resourceType":"Bundle","type":"collection","entry":[')
        separator = b"\n"
        for patient in stream:
            for resource in patient_resources(patient, urn_reference):
                handle.write(separator)
                handle.write(b'{"fullUrl":"urn:uuid:%s","resource":%s}' % (resource["id"].encode(), dumps(resource)))
                separator = b",\n"
        handle.write(b"\n]}\n")
    return stream.count


def _write_folder(patients: Iterable[Patient], out: Path, progress: Callable[[int], None] | None) -> int:
    """One `<ResourceType>.ndjson` per resource type, bulk-data style, written into a fresh folder."""
    if out.is_dir() and any(not child.name.endswith(".ndjson") for child in out.iterdir()):
        raise FileExistsError(f"{out} is a folder with other files in it; choose a new or empty folder")
    stream = PatientStream(patients, progress)
    dumps = orjson.dumps
    with atomic_output(out, directory=True) as tmp:
        handles: dict[str, IO[bytes]] = {}
        try:
            for patient in stream:
                for resource in patient_resources(patient, relative_reference):
                    kind = resource["resourceType"]
                    handle = handles.get(kind)
                    if handle is None:
                        handle = handles[kind] = (tmp / f"{kind}.ndjson").open("wb", buffering=1 << 20)
                    handle.write(dumps(resource, option=orjson.OPT_APPEND_NEWLINE))
        finally:
            for handle in handles.values():
                handle.close()
    return stream.count
