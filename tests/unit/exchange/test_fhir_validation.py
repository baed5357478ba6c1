"""The FHIR export of a demo registry parses with the R4B models of fhir.resources, whole and resource by resource.

fhir.resources checks structure and datatypes, not code bindings, so required bindings (status codes, gender)
and references are checked here too.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from desktop.demo import generate_patients
from desktop.domain import Patient
from desktop.exchange.fhir import write_fhir_bundle
from tests.builders import day, make_patient

TODAY = dt.date(2026, 1, 15)
COUNT = 200


@pytest.fixture(scope="module")
def patients() -> list[Patient]:
    return generate_patients(COUNT, 11, TODAY)


@pytest.fixture(scope="module")
def bundle_text(patients: list[Patient], tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("fhir") / "registry.fhir.json"
    assert write_fhir_bundle(patients, out) == COUNT
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bundle(bundle_text: str) -> dict[str, Any]:
    return json.loads(bundle_text)


def _references(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


@pytest.mark.slow
def test_whole_bundle_parses_with_r4b(bundle_text: str, bundle: dict[str, Any]) -> None:
    parsed = Bundle.model_validate_json(bundle_text)
    assert parsed.type == "collection"
    assert len(parsed.entry) == len(bundle["entry"])


@pytest.mark.slow
def test_every_resource_parses_with_its_r4b_model(bundle: dict[str, Any]) -> None:
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)  # raises on any error


def test_ids_full_urls_and_references_resolve(bundle: dict[str, Any]) -> None:
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    known = set(full_urls)
    references = list(_references(bundle))
    assert references
    assert set(references) <= known


def test_required_bindings_and_resource_counts(patients: list[Patient], bundle: dict[str, Any]) -> None:
    allowed_status = {
        "Observation": {"final"},
        "MedicationAdministration": {"completed", "not-done"},
        "MedicationStatement": {"active", "completed"},
        "Procedure": {"completed"},
    }
    kinds = Counter()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        kinds[kind] += 1
        if kind in allowed_status:
            assert resource["status"] in allowed_status[kind]
        if kind == "Patient" and "gender" in resource:
            assert resource["gender"] in {"male", "female", "other", "unknown"}
        if kind == "AdverseEvent":
            assert resource["actuality"] == "actual"
    assert kinds["Patient"] == kinds["Condition"] == COUNT
    assert kinds["AdverseEvent"] == sum(len(p.adverse_events) for p in patients)
    assert kinds["Specimen"] == sum(len(p.mrd) for p in patients)
    assert kinds["Procedure"] == sum(1 for p in patients for e in p.events if e.type == "hsct")
    assert kinds["MedicationAdministration"] == 2 * sum(len(p.cycles) for p in patients)  # demo regimens are known


def test_medication_statements_parse_with_r4b(tmp_path: Path) -> None:
    """The demo has no medications: a patient with an ended and an ongoing one, whole Bundle and each resource."""
    medications = [{"name": "posaconazole", "start_date": day(6), "end_date": day(40)},
                   {"name": "voriconazole", "start_date": day(50)}]  # fmt: skip
    out = tmp_path / "meds.fhir.json"
    write_fhir_bundle([make_patient(medications=medications)], out)
    Bundle.model_validate_json(out.read_text(encoding="utf-8"))
    resources = [entry["resource"] for entry in json.loads(out.read_text(encoding="utf-8"))["entry"]]
    statements = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    parsed = [get_fhir_model_class("MedicationStatement").model_validate(r) for r in statements]
    assert [(s.status, s.medicationCodeableConcept.text) for s in parsed] == [
        ("completed", "posaconazole"), ("active", "voriconazole"),
    ]  # fmt: skip
    assert [str(s.effectivePeriod.start) for s in parsed] == [day(6).isoformat(), day(50).isoformat()]
    assert parsed[1].effectivePeriod.end is None
    known = {f"urn:uuid:{r['id']}" for r in resources}
    assert all(s["subject"]["reference"] in known for s in statements)


def test_runtime_does_not_need_fhir_resources(tmp_path: Path) -> None:
    code = (
        "import sys, datetime as dt; from pathlib import Path;"
        "from desktop.demo import generate_patients; from desktop.exchange.fhir import write_fhir_bundle;"
        f"write_fhir_bundle(generate_patients(3, 1, dt.date(2026, 1, 15)), Path({str(tmp_path / 'b.json')!r}));"
        "assert not [m for m in sys.modules if m.startswith('fhir')], 'fhir.resources imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[3])
