"""FHIR R4 export of the registry (work in progress: the signature is stable, the content grows)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from desktop.domain import Patient
from desktop.exchange.atomic_file import atomic_output


def write_fhir_bundle(patients: Iterable[Patient], out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write patients as a FHIR R4 Bundle (type `collection`) in JSON; atomic; returns the patient count.

    `progress(done)` is called after each patient and may raise to cancel (the target is then untouched).
    """
    count = 0
    with atomic_output(Path(out)) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write('{"resourceType": "Bundle", "type": "collection", "entry": [')
        for patient in patients:
            resource = {
                "resourceType": "Patient",
                "identifier": [{"system": "urn:ventrack:patient-id", "value": patient.patient_id}],
            }
            handle.write(",\n" if count else "\n")
            handle.write(json.dumps({"resource": resource}, ensure_ascii=False))
            count += 1
            if progress:
                progress(count)
        handle.write("\n]}\n")
    return count
