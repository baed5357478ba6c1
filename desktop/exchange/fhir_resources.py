"""Plain-dict FHIR R4 resources for one patient (no FHIR library at run time; docs/fhir.md maps every field).

`patient_resources(patient, ref)` returns the resources of one patient in a fixed order: Patient, Condition,
the NPM1 variant and baseline ratio, co-mutations, then each record list in exchange-file order (medications
last, one MedicationStatement each). Resource ids
are uuid5 of (patient id, record kind, index, part), so the same registry gives the same file; `ref` turns a
(resource type, id) into a reference (`urn:uuid:…` inside a Bundle, `Type/id` in NDJSON).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from desktop.domain import AdverseEvent, BloodCount, CoMutation, Cycle, Event, Medication, MrdSample, Patient, Response
from desktop.exchange import fhir_codes as fc

Resource = dict[str, Any]
Ref = Callable[[str, str], str]
DAY = dt.timedelta(days=1)
_NAMESPACE_SHA1 = hashlib.sha1(fc.ID_NAMESPACE.bytes)
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def urn_reference(resource_type: str, resource_id: str) -> str:
    """Reference to a Bundle entry whose fullUrl is `urn:uuid:<id>`."""
    return f"urn:uuid:{resource_id}"


def relative_reference(resource_type: str, resource_id: str) -> str:
    """Relative reference `Type/id` (NDJSON, bulk-data style)."""
    return f"{resource_type}/{resource_id}"


def resource_id(patient_id: str, *key: object) -> str:
    """Deterministic resource id: uuid5 of the patient id and the record key (RFC 4122 §4.3)."""
    return _uuid5(_patient_sha1(patient_id), key)


def _patient_sha1(patient_id: str) -> Any:
    """The SHA-1 state after the namespace and `<patient id>|`: each of the patient's ids continues from it."""
    sha = _NAMESPACE_SHA1.copy()
    sha.update(f"{patient_id}|".encode())
    return sha


def _uuid5(patient_sha1: Any, key: tuple[object, ...]) -> str:
    """uuid5 of the patient and `key` (its parts joined with `|`)."""
    return _uuid5_of(patient_sha1, "|".join(map(str, key)))


def _uuid5_of(patient_sha1: Any, key: str) -> str:
    """uuid5 computed inline (`uuid.uuid5` costs a third of the export time): the version nibble is 5, the
    variant's two high bits are 10."""
    sha = patient_sha1.copy()
    sha.update(key.encode())
    h = sha.hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


#: The count fields with their LOINC concept and UCUM unit, made once (`fc.COUNT_CODES`).
_COUNT_MEMBERS: tuple[tuple[str, dict[str, Any], str], ...] = tuple(
    (field, fc.concept(fc.LOINC, code, display), unit) for field, (code, display, unit) in fc.COUNT_CODES.items()
)


def quantity(value: float, unit: str) -> dict[str, Any]:
    """A UCUM Quantity (`unit` is the UCUM code, shown as is)."""
    return {"value": value, "unit": unit, "system": fc.UCUM, "code": unit}


def disease_status(patient: Patient) -> str:
    """`remission`, `relapse` or `active`, from the latest response or hematologic relapse event."""
    dated = [(r.date, r.category) for r in patient.responses]
    dated += [(e.date, "relapse") for e in patient.events if e.type == "hematologic_relapse"]
    if not dated:
        return "active"
    _, latest = max(enumerate(dated), key=lambda item: (item[1][0], item[0]))[1]
    if latest in fc.REMISSION_CATEGORIES:
        return "remission"
    return "relapse" if latest == "relapse" else "active"


def patient_resources(patient: Patient, ref: Ref) -> list[Resource]:
    """Every FHIR resource of one patient."""
    return _PatientResources(patient, ref).build()


class _PatientResources:
    """Builds the resources of one patient; ids and references are computed once."""

    def __init__(self, patient: Patient, ref: Ref):
        self.patient = patient
        self.pid = patient.patient_id
        self.sha1 = _patient_sha1(self.pid)
        self.ref = ref
        self.patient_uuid = self.id("patient")
        self.condition_uuid = self.id("condition")
        self.subject = {"reference": ref("Patient", self.patient_uuid)}
        self.condition_ref = {"reference": ref("Condition", self.condition_uuid)}
        self.out: list[Resource] = []

    def id(self, *key: object) -> str:
        return _uuid5(self.sha1, key)

    def build(self) -> list[Resource]:
        p = self.patient
        self.out.append(self._patient())
        self.out.append(self._condition())
        self.out.append(self._npm1_variant())
        if p.baseline_npm1_abl1_pct is not None:
            self.out.append(self._baseline_ratio(p.baseline_npm1_abl1_pct))
        if p.co_mutations is not None:
            if not p.co_mutations:
                self.out.append(self._no_co_mutation())
            for index, mutation in enumerate(p.co_mutations):
                self.out.append(self._co_mutation(index, mutation))
        for index, cycle in enumerate(p.cycles):
            self._cycle(index, cycle)
        for index, sample in enumerate(p.mrd):
            self._mrd(index, sample)
        for index, count in enumerate(p.counts):
            self._count(index, count)
        for index, response in enumerate(p.responses):
            self.out.append(self._response(index, response))
        for index, adverse_event in enumerate(p.adverse_events):
            self.out.append(self._adverse_event(index, adverse_event))
        for index, event in enumerate(p.events):
            self.out.append(self._event(index, event))
        for index, medication in enumerate(p.medications):
            self.out.append(self._medication(index, medication))
        return self.out

    # Patient and diagnosis
    def _patient(self) -> Resource:
        p = self.patient
        identifiers: list[dict[str, Any]] = [{"use": "usual", "system": fc.PATIENT_ID_SYSTEM, "value": self.pid}]
        if p.mrn:
            identifiers.append({"use": "official", "type": fc.PATIENT_MR_TYPE, "system": fc.MRN_SYSTEM, "value": p.mrn})
        resource: Resource = {"resourceType": "Patient", "id": self.patient_uuid}
        name = _human_name(p.name) if p.name else None
        if name and p.sex and ("family" in name or "given" in name):
            resource["meta"] = {"profile": [fc.PROFILE_CANCER_PATIENT]}
        resource["identifier"] = identifiers
        if name:
            resource["name"] = [name]
        if p.sex:
            resource["gender"] = p.sex
        if p.birth_date:
            resource["birthDate"] = p.birth_date.isoformat()
        elif p.birth_year is not None:  # de-identified: the year only (a FHIR date may be `YYYY`)
            resource["birthDate"] = f"{p.birth_year:04d}"
        elif p.age_over_89:  # de-identified, 90 or older: no birth year at all
            resource["extension"] = [{"url": fc.EXT_AGE_90_OR_OVER, "valueBoolean": True}]
        deaths = [e.date for e in p.events if e.type == "death"]
        if deaths:
            resource["deceasedDateTime"] = min(deaths).isoformat()
        return resource

    def _condition(self) -> Resource:
        status = disease_status(self.patient)
        icd10 = {"remission": fc.ICD10_IN_REMISSION, "relapse": fc.ICD10_IN_RELAPSE}.get(
            status, fc.ICD10_NOT_IN_REMISSION
        )
        evidence = [{"reference": self.ref("Observation", self.id("npm1"))}]
        if self.patient.baseline_npm1_abl1_pct is not None:
            evidence.append({"reference": self.ref("Observation", self.id("baseline"))})
        return {
            "resourceType": "Condition",
            "id": self.condition_uuid,
            "meta": {"profile": [fc.PROFILE_PRIMARY_CANCER_CONDITION]},
            "extension": [{"url": fc.EXT_HISTOLOGY, "valueCodeableConcept": fc.concept(fc.ICDO3, *fc.ICDO3_AML_NPM1)}],
            "clinicalStatus": fc.concept(fc.CONDITION_CLINICAL, status, status.capitalize()),
            "verificationStatus": fc.concept(fc.CONDITION_VERIFICATION, "confirmed", "Confirmed"),
            "category": [fc.concept(fc.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
            "code": {
                "coding": [fc.coding(fc.ICD10CM, *icd10), fc.coding(fc.SNOMED, *fc.SNOMED_AML)],
                "text": "Acute myeloid leukemia with mutated NPM1",
            },
            "bodySite": [fc.concept(fc.SNOMED, *fc.SNOMED_BONE_MARROW)],
            "subject": self.subject,
            "onsetDateTime": self.patient.diagnosis_date.isoformat(),
            "evidence": [{"detail": evidence}],
        }

    def _observation(self, key: tuple[object, ...], code: dict[str, Any], date: dt.date) -> Resource:
        return {
            "resourceType": "Observation",
            "id": self.id(*key),
            "status": "final",
            "category": [fc.LABORATORY],
            "code": code,
            "subject": self.subject,
            "effectiveDateTime": date.isoformat(),
        }

    def _variant(self, key: tuple[object, ...], gene: str | None, present: bool) -> Resource:
        resource = self._observation(key, fc.GENETIC_VARIANT_ASSESSMENT, self.patient.diagnosis_date)
        resource["valueCodeableConcept"] = fc.PRESENT if present else fc.ABSENT
        if gene is not None:
            known = fc.HGNC_GENES.get(gene)
            gene_concept: dict[str, Any] = {"text": gene}
            if known:
                gene_concept["coding"] = [fc.coding(fc.HGNC, *known)]
            resource["component"] = [{"code": fc.GENE_STUDIED, "valueCodeableConcept": gene_concept}]
        return resource

    def _npm1_variant(self) -> Resource:
        resource = self._variant(("npm1",), "NPM1", present=True)
        if self.patient.npm1_type:
            code = fc.concept(fc.VENTRACK_CS, "npm1-mutation-type", "NPM1 mutation type")
            resource["component"].append({"code": code, "valueString": self.patient.npm1_type})
        return resource

    def _baseline_ratio(self, ratio: float) -> Resource:
        resource = self._observation(("baseline",), fc.NPM1_ABL1_RATIO, self.patient.diagnosis_date)
        resource["valueQuantity"] = quantity(ratio, "%")
        resource["note"] = [{"text": "Baseline at diagnosis"}]
        return resource

    def _no_co_mutation(self) -> Resource:
        resource = self._variant(("co_mutations", "none"), None, present=False)
        resource["note"] = [{"text": "Tested at diagnosis: no co-mutation found"}]
        return resource

    def _co_mutation(self, index: int, mutation: CoMutation) -> Resource:
        resource = self._variant(("co_mutations", index), mutation.gene, present=True)
        if mutation.vaf is not None:
            resource["component"].append(
                {"code": fc.VARIANT_ALLELE_FREQUENCY, "valueQuantity": quantity(mutation.vaf, "1")}
            )
        if mutation.allelic_ratio is not None:
            resource["component"].append(
                {"code": fc.ALLELIC_RATIO, "valueQuantity": quantity(mutation.allelic_ratio, "1")}
            )
        return resource

    # Treatment
    def _cycle(self, index: int, cycle: Cycle) -> None:
        ven_code, ven_name = fc.VENETOCLAX
        ven = fc.concept(fc.RXNORM, ven_code, ven_name)
        self.out.append(self._administration(("cycles", index, "venetoclax"), cycle, ven, cycle.venetoclax_days))
        if ven_dose := cycle.venetoclax_dose_mg:
            self.out[-1]["dosage"]["dose"] = quantity(ven_dose, "mg")
        partner = fc.PARTNER_DRUGS.get(cycle.regimen)
        if partner is not None:
            drug = fc.concept(fc.RXNORM, *partner)
        elif cycle.hma_days is not None:
            drug = {"text": f"Partner agent of {cycle.regimen}"}
        else:
            return
        self.out.append(self._administration(("cycles", index, "partner"), cycle, drug, cycle.hma_days))

    def _administration(
        self, key: tuple[object, ...], cycle: Cycle, drug: dict[str, Any], days: int | None
    ) -> Resource:
        start = cycle.start_date
        resource: Resource = {
            "resourceType": "MedicationAdministration",
            "id": self.id(*key),
            "meta": {"profile": [fc.PROFILE_MEDICATION_ADMINISTRATION]},
            "extension": [
                {"url": fc.EXT_CYCLE_NUMBER, "valueInteger": cycle.number},
                {"url": fc.EXT_REGIMEN, "valueString": cycle.regimen},
            ],
            "status": "not-done" if days == 0 else "completed",
            "medicationCodeableConcept": drug,
            "subject": self.subject,
        }
        if days:
            end = start + (days - 1) * DAY
            resource["effectivePeriod"] = {"start": start.isoformat(), "end": end.isoformat()}
            text = f"Cycle {cycle.number} ({cycle.regimen}), days 1–{days}"
        else:
            resource["effectiveDateTime"] = start.isoformat()
            text = f"Cycle {cycle.number} ({cycle.regimen})" + (", not given" if days == 0 else "")
        resource["reasonReference"] = [self.condition_ref]
        resource["dosage"] = {"text": text}
        return resource

    # Monitoring
    def _mrd(self, index: int, sample: MrdSample) -> None:
        specimen_id = self.id("mrd", index, "specimen")
        code, display = fc.SPECIMEN_TYPES[sample.specimen]
        self.out.append(
            {
                "resourceType": "Specimen",
                "id": specimen_id,
                "type": fc.concept(fc.SNOMED, code, display, text=sample.specimen),
                "subject": self.subject,
                "collection": {"collectedDateTime": sample.date.isoformat()},
            }
        )
        resource = self._observation(("mrd", index), fc.NPM1_ABL1_RATIO, sample.date)
        resource["valueQuantity"] = quantity(sample.ratio_pct, "%")
        resource["interpretation"] = [fc.DETECTED if sample.npm1_copies > 0 else fc.NOT_DETECTED]
        resource["specimen"] = {"reference": self.ref("Specimen", specimen_id), "display": display}
        resource["component"] = [
            {"code": fc.NPM1_COPIES, "valueQuantity": quantity(sample.npm1_copies, "{copies}")},
            {"code": fc.ABL1_COPIES, "valueQuantity": quantity(sample.abl1_copies, "{copies}")},
        ]
        self.out.append(resource)

    def _count(self, index: int, count: BloodCount) -> None:
        """A CBC panel and one Observation per measured value (the bulk of an export: built inline, with the
        codes made once, as `_observation` and `quantity` would)."""
        panel = self._observation(("counts", index), fc.CBC_PANEL, count.date)
        date, subject = count.date.isoformat(), self.subject
        members: list[Resource] = []
        for field, code, unit in _COUNT_MEMBERS:
            value = getattr(count, field)
            if value is not None:
                members.append({
                    "resourceType": "Observation",
                    "id": _uuid5_of(self.sha1, f"counts|{index}|{field}"),
                    "status": "final",
                    "category": [fc.LABORATORY],
                    "code": code,
                    "subject": subject,
                    "effectiveDateTime": date,
                    "valueQuantity": {"value": value, "unit": unit, "system": fc.UCUM, "code": unit},
                })  # fmt: skip
        panel["hasMember"] = [{"reference": self.ref("Observation", m["id"])} for m in members]
        self.out.append(panel)
        self.out.extend(members)

    def _response(self, index: int, response: Response) -> Resource:
        category = response.category
        trend_code, trend_display = fc.RESPONSE_TREND[category]
        display = fc.RESPONSE_DISPLAY[category]
        return {
            "resourceType": "Observation",
            "id": self.id("responses", index),
            "meta": {"profile": [fc.PROFILE_CANCER_DISEASE_STATUS]},
            "status": "final",
            "code": fc.CANCER_DISEASE_STATUS,
            "subject": self.subject,
            "focus": [self.condition_ref],
            "effectiveDateTime": response.date.isoformat(),
            "valueCodeableConcept": {
                "coding": [
                    fc.coding(fc.SNOMED, trend_code, trend_display),
                    fc.coding(fc.RESPONSE_CS, category, display),
                ],
                "text": display,
            },
        }

    # Safety and outcomes
    def _adverse_event(self, index: int, adverse_event: AdverseEvent) -> Resource:
        grade = adverse_event.grade
        severity = fc.AE_SEVERITY_BY_GRADE[grade]
        resource: Resource = {
            "resourceType": "AdverseEvent",
            "id": self.id("adverse_events", index),
            "extension": [
                {
                    "url": fc.EXT_CTCAE_GRADE,
                    "valueCodeableConcept": fc.concept(fc.CTCAE_GRADE_CS, str(grade), fc.CTCAE_GRADE_DISPLAY[grade]),
                }
            ],
            "actuality": "actual",
            "event": {"text": adverse_event.term},
            "subject": self.subject,
            "date": adverse_event.date.isoformat(),
            "severity": fc.concept(fc.AE_SEVERITY, severity, severity.capitalize()),
        }
        if grade == 5:
            resource["outcome"] = fc.concept(fc.AE_OUTCOME, "fatal", "Fatal")
        return resource

    def _event(self, index: int, event: Event) -> Resource:
        if event.type == "hsct":
            return {
                "resourceType": "Procedure",
                "id": self.id("events", index),
                "status": "completed",
                "code": fc.HSCT,
                "subject": self.subject,
                "performedDateTime": event.date.isoformat(),
                "reasonReference": [self.condition_ref],
            }
        display = fc.EVENT_DISPLAY[event.type]
        codings = [fc.coding(fc.EVENT_CS, event.type, display)]
        if event.type == "death":
            codings.append(fc.coding(fc.SNOMED, *fc.SNOMED_DEATH))
        resource = self._observation(("events", index), fc.REGISTRY_EVENT, event.date)
        del resource["category"]
        resource["valueCodeableConcept"] = {"coding": codings, "text": display}
        if event.type == "hematologic_relapse":
            resource["focus"] = [self.condition_ref]
        return resource

    def _medication(self, index: int, medication: Medication) -> Resource:
        """A concomitant medication: `active` while ongoing (no end date), else `completed`; name as text."""
        period = {"start": medication.start_date.isoformat()}
        if medication.end_date is not None:
            period["end"] = medication.end_date.isoformat()
        return {
            "resourceType": "MedicationStatement",
            "id": self.id("medications", index),
            "status": "active" if medication.end_date is None else "completed",
            "medicationCodeableConcept": {"text": medication.name},
            "subject": self.subject,
            "effectivePeriod": period,
        }


def _human_name(name: str) -> dict[str, Any]:
    """`Family, Given Names` → HumanName with family and given; other forms keep only `text`."""
    result: dict[str, Any] = {"text": name}
    family, comma, given = name.partition(",")
    if comma and family.strip():
        result["family"] = family.strip()
        if given.split():
            result["given"] = given.split()
    return result
