"""Read VenTrack's own FHIR export (Bundle, NDJSON file or bulk-data folder) back into patients.

Only the resources and codes `fhir_resources` writes are understood; anything else is ignored. References
may be `urn:uuid:<id>` (Bundle) or `Type/id` (NDJSON). Problems raise `InvalidData` naming the patient.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from desktop.domain import InvalidData, Patient, Problem
from desktop.domain.validation import problems_from_error
from desktop.exchange import fhir_codes as fc

Resource = dict[str, Any]
_VENETOCLAX_CODE = fc.VENETOCLAX[0]
_SPECIMEN_BY_CODE = {code: specimen for specimen, (code, _) in fc.SPECIMEN_TYPES.items()}


def read_fhir_bundle(path: Path) -> list[Patient]:
    """Patients of a VenTrack FHIR export, in file order; `InvalidData` lists every problem."""
    path = Path(path)
    try:
        resources = list(_load(path))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise InvalidData([Problem(None, None, None, f"{path.name}: not a readable FHIR export ({error})")]) from None
    return patients_from_resources(resources, events_by_date=path.is_dir())


def _load(path: Path) -> Iterator[Resource]:
    if path.is_dir():
        files = sorted(path.glob("*.ndjson"), key=lambda f: (f.name != "Patient.ndjson", f.name))
    elif path.suffix.lower() == ".ndjson":
        files = [path]
    else:
        with path.open("rb") as handle:
            bundle = json.load(handle)
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise KeyError("no Bundle")
        yield from (entry["resource"] for entry in bundle.get("entry", []))
        return
    for file in files:
        with file.open(encoding="utf-8") as handle:
            yield from (json.loads(line) for line in handle if line.strip())


def patients_from_resources(resources: list[Resource], *, events_by_date: bool = False) -> list[Patient]:
    """Group resources by their patient and rebuild each patient (events sorted by date if asked)."""
    patients = [r for r in resources if r.get("resourceType") == "Patient"]
    owned: dict[str, list[Resource]] = defaultdict(list)
    by_ref: dict[str, Resource] = {}
    for resource in resources:
        rid = resource.get("id", "")
        by_ref[f"urn:uuid:{rid}"] = by_ref[f"{resource.get('resourceType')}/{rid}"] = resource
        subject = (resource.get("subject") or {}).get("reference")
        if subject:
            owned[subject.rpartition(":")[2].rpartition("/")[2]].append(resource)
    result: list[Patient] = []
    problems: list[Problem] = []
    for patient in patients:
        try:
            data = _patient_data(patient, owned.get(patient.get("id", ""), []), by_ref)
        except (KeyError, IndexError, TypeError, ValueError, StopIteration) as error:
            where = f"Patient/{patient.get('id')}"
            problems.append(Problem(where, None, None, f"not written by VenTrack's FHIR export ({error!r})"))
            continue
        if events_by_date:
            data["events"].sort(key=lambda e: e["date"])
        try:
            result.append(Patient.model_validate(data))
        except ValidationError as error:
            problems += problems_from_error(error, [data.get("patient_id")], loc_prefix=())
    if problems:
        raise InvalidData(problems)
    return result


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def _has_code(concept: dict[str, Any] | None, system: str, code: str) -> bool:
    return any(c.get("system") == system and c.get("code") == code for c in (concept or {}).get("coding", []))


def _code_in(concept: dict[str, Any] | None, system: str) -> str | None:
    return next((c["code"] for c in (concept or {}).get("coding", []) if c.get("system") == system), None)


def _components(observation: Resource) -> dict[str, dict[str, Any]]:
    """Components by code (`system|code`)."""
    return {
        f"{c['code']['coding'][0]['system']}|{c['code']['coding'][0]['code']}": c
        for c in observation.get("component", [])
    }


def _patient_data(patient: Resource, resources: list[Resource], by_ref: dict[str, Resource]) -> dict[str, Any]:
    data: dict[str, Any] = {"events": []}
    for identifier in patient.get("identifier", []):
        if identifier.get("system") == fc.PATIENT_ID_SYSTEM:
            data["patient_id"] = identifier["value"]
        elif identifier.get("system") == fc.MRN_SYSTEM:
            data["mrn"] = identifier["value"]
    if patient.get("name"):
        data["name"] = patient["name"][0].get("text")
    if patient.get("gender"):
        data["sex"] = patient["gender"]
    birth = patient.get("birthDate")
    if birth and len(birth) == 4:  # `YYYY`: a de-identified export keeps the birth year only
        data["birth_year"] = int(birth)
    elif birth:
        data["birth_date"] = _date(birth)
    if any(e.get("url") == fc.EXT_AGE_90_OR_OVER and e.get("valueBoolean") for e in patient.get("extension", [])):
        data["age_over_89"] = True
    evidence: set[str] = set()
    for resource in resources:
        if resource["resourceType"] == "Condition":
            data["diagnosis_date"] = _date(resource["onsetDateTime"])
            evidence |= {d["reference"] for e in resource.get("evidence", []) for d in e.get("detail", [])}
    evidence_ids = {by_ref[ref]["id"] for ref in evidence if ref in by_ref}
    cycles: dict[int, dict[str, Any]] = {}
    for resource in resources:
        kind = resource["resourceType"]
        if kind == "Observation":
            _observation(data, resource, resource["id"] in evidence_ids, by_ref)
        elif kind == "MedicationAdministration":
            _administration(cycles, resource)
        elif kind == "Procedure" and _has_code(resource.get("code"), fc.SNOMED, fc.HSCT["coding"][0]["code"]):
            data["events"].append({"date": _date(resource["performedDateTime"]), "type": "hsct"})
        elif kind == "MedicationStatement":
            data.setdefault("medications", []).append(_medication(resource))
        elif kind == "AdverseEvent":
            grade = next(e for e in resource.get("extension", []) if e["url"] == fc.EXT_CTCAE_GRADE)
            data.setdefault("adverse_events", []).append(
                {"date": _date(resource["date"]), "term": resource["event"]["text"],
                 "grade": int(grade["valueCodeableConcept"]["coding"][0]["code"])}
            )  # fmt: skip
    if cycles:
        data["cycles"] = list(cycles.values())
    return data


def _observation(data: dict[str, Any], obs: Resource, is_evidence: bool, by_ref: dict[str, Resource]) -> None:
    code = obs.get("code")
    components = _components(obs)
    if _has_code(code, fc.LOINC, "69548-6"):
        gene = components.get(f"{fc.LOINC}|48018-6")
        if is_evidence:
            npm1_type = components.get(f"{fc.VENTRACK_CS}|npm1-mutation-type")
            if npm1_type:
                data["npm1_type"] = npm1_type["valueString"]
            return
        mutations = data.setdefault("co_mutations", [])
        if gene is None:
            return  # tested, none found
        mutation: dict[str, Any] = {"gene": gene["valueCodeableConcept"]["text"]}
        if vaf := components.get(f"{fc.LOINC}|81258-6"):
            mutation["vaf"] = vaf["valueQuantity"]["value"]
        if ratio := components.get(f"{fc.VENTRACK_CS}|allelic-ratio"):
            mutation["allelic_ratio"] = ratio["valueQuantity"]["value"]
        mutations.append(mutation)
    elif _has_code(code, fc.VENTRACK_CS, "npm1-abl1-ratio"):
        if is_evidence:
            data["baseline_npm1_abl1_pct"] = obs["valueQuantity"]["value"]
            return
        specimen = _SPECIMEN_BY_CODE[_code_in(by_ref[obs["specimen"]["reference"]]["type"], fc.SNOMED) or ""]
        data.setdefault("mrd", []).append(
            {"date": _date(obs["effectiveDateTime"]), "specimen": specimen,
             "npm1_copies": components[f"{fc.VENTRACK_CS}|npm1-mut-copies"]["valueQuantity"]["value"],
             "abl1_copies": components[f"{fc.VENTRACK_CS}|abl1-copies"]["valueQuantity"]["value"]}
        )  # fmt: skip
    elif _has_code(code, fc.LOINC, fc.CBC_PANEL["coding"][0]["code"]):
        count: dict[str, Any] = {"date": _date(obs["effectiveDateTime"])}
        for member in obs.get("hasMember", []):
            observation = by_ref[member["reference"]]
            field = fc.COUNT_FIELD_BY_LOINC[_code_in(observation["code"], fc.LOINC) or ""]
            count[field] = observation["valueQuantity"]["value"]
        data.setdefault("counts", []).append(count)
    elif _has_code(code, fc.LOINC, fc.CANCER_DISEASE_STATUS["coding"][0]["code"]):
        category = _code_in(obs["valueCodeableConcept"], fc.RESPONSE_CS)
        data.setdefault("responses", []).append({"date": _date(obs["effectiveDateTime"]), "category": category})
    elif _has_code(code, fc.VENTRACK_CS, "registry-event"):
        event_type = _code_in(obs["valueCodeableConcept"], fc.EVENT_CS)
        data["events"].append({"date": _date(obs["effectiveDateTime"]), "type": event_type})


def _medication(statement: Resource) -> dict[str, Any]:
    """A medication record from a MedicationStatement (name = the medication's text; no period end = ongoing)."""
    period = statement["effectivePeriod"]
    medication: dict[str, Any] = {
        "name": statement["medicationCodeableConcept"]["text"],
        "start_date": _date(period["start"]),
    }
    if period.get("end"):
        medication["end_date"] = _date(period["end"])
    return medication


def _administration(cycles: dict[int, dict[str, Any]], admin: Resource) -> None:
    extensions = {e["url"]: e for e in admin.get("extension", [])}
    number = extensions[fc.EXT_CYCLE_NUMBER]["valueInteger"]
    period = admin.get("effectivePeriod")
    start = _date(period["start"] if period else admin["effectiveDateTime"])
    days = (_date(period["end"]) - start).days + 1 if period else (0 if admin.get("status") == "not-done" else None)
    cycle = cycles.setdefault(
        number, {"number": number, "start_date": start, "regimen": extensions[fc.EXT_REGIMEN]["valueString"]}
    )
    if _has_code(admin.get("medicationCodeableConcept"), fc.RXNORM, _VENETOCLAX_CODE):
        dose = admin.get("dosage", {}).get("dose")
        if dose is not None:
            cycle["venetoclax_dose_mg"] = float(dose["value"])
        if days is not None:
            cycle["venetoclax_days"] = days
    elif days is not None:
        cycle["hma_days"] = days
