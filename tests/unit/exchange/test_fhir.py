"""FHIR export content: codes, units and values equal the source records; layouts; round trip; atomicity."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from desktop.demo import generate_patients
from desktop.domain import InvalidData, Patient
from desktop.exchange import fhir_codes as fc
from desktop.exchange.fhir import fhir_layout, read_fhir_bundle, write_fhir_bundle
from desktop.exchange.fhir_resources import disease_status, resource_id
from tests.builders import day, make_patient

TODAY = dt.date(2026, 1, 15)
MEDICATIONS = [
    {"name": "posaconazole", "start_date": day(6), "end_date": day(40)},
    {"name": "fluconazole", "start_date": day(50)},  # ongoing
]


def export(patient: Patient, tmp_path: Path) -> list[dict[str, Any]]:
    out = tmp_path / "one.json"
    write_fhir_bundle([patient], out)
    return [entry["resource"] for entry in json.loads(out.read_text(encoding="utf-8"))["entry"]]


def of_type(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["resourceType"] == kind]


def with_code(resources: list[dict[str, Any]], system: str, code: str) -> list[dict[str, Any]]:
    return [r for r in resources if any(c == {**c, "system": system, "code": code} for c in r["code"]["coding"])]


def coding(concept: dict[str, Any], system: str) -> dict[str, Any]:
    return next(c for c in concept["coding"] if c["system"] == system)


def test_patient_identifiers_name_and_demographics(tmp_path: Path) -> None:
    [patient] = of_type(export(make_patient(), tmp_path), "Patient")
    assert {"use": "usual", "system": fc.PATIENT_ID_SYSTEM, "value": "P0001"} in patient["identifier"]
    mrn = next(i for i in patient["identifier"] if i["system"] == fc.MRN_SYSTEM)
    assert mrn["value"] == "123456"
    assert coding(mrn["type"], fc.V2_0203)["code"] == "MR"
    assert patient["name"] == [{"text": "Rossi, Maria", "family": "Rossi", "given": ["Maria"]}]
    assert (patient["gender"], patient["birthDate"]) == ("female", "1950-03-02")
    assert patient["meta"]["profile"] == [fc.PROFILE_CANCER_PATIENT]
    assert "deceasedDateTime" not in patient


def test_de_identified_patient_claims_no_cancer_patient_profile(tmp_path: Path) -> None:
    anonymous = make_patient(mrn=None, name=None, birth_date=None, sex=None)
    [patient] = of_type(export(anonymous, tmp_path), "Patient")
    assert set(patient) == {"resourceType", "id", "identifier"}


@pytest.mark.parametrize(
    ("responses", "events", "status", "icd10"),
    [
        ([], [], "active", "C92.00"),
        ([{"date": day(62), "category": "CRi"}], [], "remission", "C92.01"),
        ([{"date": day(62), "category": "MLFS"}], [], "active", "C92.00"),
        ([{"date": day(62), "category": "CR"}, {"date": day(200), "category": "relapse"}], [], "relapse", "C92.02"),
        (
            [{"date": day(62), "category": "CR"}],
            [{"date": day(90), "type": "hematologic_relapse"}],
            "relapse",
            "C92.02",
        ),
        (
            [{"date": day(200), "category": "CR"}],
            [{"date": day(90), "type": "hematologic_relapse"}],
            "remission",
            "C92.01",
        ),
    ],
)
def test_condition_code_follows_the_latest_status(tmp_path, responses, events, status, icd10) -> None:
    source = make_patient(responses=responses, events=events)
    assert disease_status(source) == status
    [condition] = of_type(export(source, tmp_path), "Condition")
    assert coding(condition["code"], fc.ICD10CM)["code"] == icd10
    assert coding(condition["clinicalStatus"], fc.CONDITION_CLINICAL)["code"] == status
    assert coding(condition["code"], fc.SNOMED)["code"] == "91861009"
    histology = next(e for e in condition["extension"] if e["url"] == fc.EXT_HISTOLOGY)
    assert coding(histology["valueCodeableConcept"], fc.ICDO3)["code"] == "9877/3"
    assert condition["onsetDateTime"] == "2023-01-10"
    assert condition["meta"]["profile"] == [fc.PROFILE_PRIMARY_CANCER_CONDITION]


def test_npm1_variant_and_baseline_ratio_are_the_diagnosis_evidence(tmp_path: Path) -> None:
    resources = export(make_patient(), tmp_path)
    [condition] = of_type(resources, "Condition")
    by_url = {f"urn:uuid:{r['id']}": r for r in resources}
    npm1, baseline = (by_url[d["reference"]] for d in condition["evidence"][0]["detail"])
    gene = npm1["component"][0]["valueCodeableConcept"]
    assert coding(gene, fc.HGNC) == {"system": fc.HGNC, "code": "HGNC:7910", "display": "NPM1"}
    assert npm1["component"][1]["valueString"] == "A"
    assert baseline["valueQuantity"] == {"value": 250.0, "unit": "%", "system": fc.UCUM, "code": "%"}


def test_mrd_ratio_copies_and_specimen(tmp_path: Path) -> None:
    mrd = [{"date": day(62), "specimen": "BM", "npm1_copies": 12.0, "abl1_copies": 84000.0},
           {"date": day(120), "specimen": "PB", "npm1_copies": 0.0, "abl1_copies": 50000.0}]  # fmt: skip
    source = make_patient(mrd=mrd)
    resources = export(source, tmp_path)
    samples = with_code(of_type(resources, "Observation"), fc.VENTRACK_CS, "npm1-abl1-ratio")[1:]  # [0]: baseline
    specimens = {f"urn:uuid:{s['id']}": s for s in of_type(resources, "Specimen")}
    for observation, record in zip(samples, source.mrd, strict=True):
        assert observation["effectiveDateTime"] == record.date.isoformat()
        assert observation["valueQuantity"] == {"value": record.ratio_pct, "unit": "%", "system": fc.UCUM, "code": "%"}
        npm1, abl1 = observation["component"]
        assert (npm1["valueQuantity"]["value"], abl1["valueQuantity"]["value"]) == (
            record.npm1_copies,
            record.abl1_copies,
        )
        assert npm1["valueQuantity"]["code"] == "{copies}"
        specimen = specimens[observation["specimen"]["reference"]]
        assert specimen["type"]["text"] == record.specimen
        assert coding(specimen["type"], fc.SNOMED)["code"] == fc.SPECIMEN_TYPES[record.specimen][0]
    assert [coding(o["interpretation"][0], fc.INTERPRETATION)["code"] for o in samples] == ["DET", "ND"]


def test_blood_counts_loinc_ucum_and_panel(tmp_path: Path) -> None:
    source = make_patient()
    resources = export(source, tmp_path)
    observations = of_type(resources, "Observation")
    [panel] = with_code(observations, fc.LOINC, "57021-8")
    by_url = {f"urn:uuid:{r['id']}": r for r in resources}
    members = {
        coding(by_url[m["reference"]]["code"], fc.LOINC)["code"]: by_url[m["reference"]] for m in panel["hasMember"]
    }
    count = source.counts[0]
    expected = {"751-8": (count.anc, "10*9/L"), "777-3": (count.platelets, "10*9/L"),
                "718-7": (count.hemoglobin, "g/dL"), "6690-2": (count.wbc, "10*9/L"),
                "709-6": (count.blasts_pct, "%")}  # fmt: skip
    assert {code: (m["valueQuantity"]["value"], m["valueQuantity"]["code"]) for code, m in members.items()} == expected
    assert all(m["effectiveDateTime"] == count.date.isoformat() for m in members.values())


def test_optional_count_fields_are_left_out(tmp_path: Path) -> None:
    source = make_patient(counts=[{"date": day(34), "anc": 1.1, "platelets": 90.0, "hemoglobin": 9.0}])
    [panel] = with_code(of_type(export(source, tmp_path), "Observation"), fc.LOINC, "57021-8")
    assert len(panel["hasMember"]) == 3


def test_co_mutations_tested_none_found_and_not_tested(tmp_path: Path) -> None:
    def variants(source: Patient) -> list[dict[str, Any]]:
        return with_code(of_type(export(source, tmp_path), "Observation"), fc.LOINC, "69548-6")[1:]  # [0]: NPM1

    found = variants(make_patient())
    flt3, dnmt3a = found
    assert flt3["component"][0]["valueCodeableConcept"]["text"] == "FLT3-ITD"
    assert coding(flt3["component"][0]["valueCodeableConcept"], fc.HGNC)["code"] == "HGNC:3765"
    assert flt3["component"][1]["valueQuantity"]["value"] == 0.3  # allelic ratio
    assert coding(dnmt3a["component"][1]["code"], fc.LOINC)["code"] == "81258-6"
    assert dnmt3a["component"][1]["valueQuantity"]["value"] == 0.4
    assert all(coding(v["valueCodeableConcept"], fc.LOINC)["code"] == "LA9633-4" for v in found)
    [none] = variants(make_patient(co_mutations=[]))
    assert coding(none["valueCodeableConcept"], fc.LOINC)["code"] == "LA9634-2"
    assert "component" not in none
    assert variants(make_patient(co_mutations=None)) == []


def test_cycles_are_medication_administrations(tmp_path: Path) -> None:
    source = make_patient(cycles=1)
    source = source.model_copy(update={"cycles": [*source.cycles, source.cycles[0].model_copy(
        update={"number": 2, "start_date": day(40), "regimen": "VEN + gilteritinib", "venetoclax_days": 0,
                "venetoclax_dose_mg": None, "hma_days": None})]})  # fmt: skip
    administrations = of_type(export(source, tmp_path), "MedicationAdministration")
    ven, aza, ven2 = administrations
    assert coding(ven["medicationCodeableConcept"], fc.RXNORM)["code"] == "1747556"
    assert coding(aza["medicationCodeableConcept"], fc.RXNORM)["code"] == "1251"
    assert ven["dosage"]["dose"] == {"value": 400.0, "unit": "mg", "system": fc.UCUM, "code": "mg"}
    assert ven["effectivePeriod"] == {"start": day(6).isoformat(), "end": day(6 + 27).isoformat()}
    assert aza["effectivePeriod"] == {"start": day(6).isoformat(), "end": day(6 + 6).isoformat()}
    assert {e["url"]: next(v for k, v in e.items() if k.startswith("value")) for e in ven["extension"]} == {
        fc.EXT_CYCLE_NUMBER: 1, fc.EXT_REGIMEN: "VEN-AZA"}  # fmt: skip
    assert ven2["status"] == "not-done" and ven2["effectiveDateTime"] == day(40).isoformat()
    assert "dose" not in ven2["dosage"]
    assert all(a["meta"]["profile"] == [fc.PROFILE_MEDICATION_ADMINISTRATION] for a in administrations)


@pytest.mark.parametrize(("regimen", "rxnorm"), [("VEN-DEC", "15657"), ("VEN-LDAC", "3041")])
def test_partner_agent_of_each_regimen(tmp_path: Path, regimen: str, rxnorm: str) -> None:
    source = make_patient(cycles=1)
    source = source.model_copy(update={"cycles": [source.cycles[0].model_copy(update={"regimen": regimen})]})
    _, partner = of_type(export(source, tmp_path), "MedicationAdministration")
    assert coding(partner["medicationCodeableConcept"], fc.RXNORM)["code"] == rxnorm


def test_responses_adverse_events_and_events(tmp_path: Path) -> None:
    source = make_patient(
        adverse_events=[{"date": day(23), "term": "Febrile neutropenia", "grade": 3},
                        {"date": day(300), "term": "Sepsis", "grade": 5}],
        events=[{"date": day(250), "type": "hsct"}, {"date": day(300), "type": "death"}],
    )  # fmt: skip
    resources = export(source, tmp_path)
    [response] = with_code(of_type(resources, "Observation"), fc.LOINC, "97509-4")
    assert coding(response["valueCodeableConcept"], fc.RESPONSE_CS)["code"] == "CR"
    assert coding(response["valueCodeableConcept"], fc.SNOMED)["code"] == "103338009"
    assert response["meta"]["profile"] == [fc.PROFILE_CANCER_DISEASE_STATUS]
    febrile, sepsis = of_type(resources, "AdverseEvent")
    assert febrile["event"]["text"] == "Febrile neutropenia" and febrile["date"] == day(23).isoformat()
    assert coding(febrile["extension"][0]["valueCodeableConcept"], fc.CTCAE_GRADE_CS)["code"] == "3"
    assert coding(febrile["severity"], fc.AE_SEVERITY)["code"] == "severe"
    assert coding(sepsis["outcome"], fc.AE_OUTCOME)["code"] == "fatal"
    [hsct] = of_type(resources, "Procedure")
    assert coding(hsct["code"], fc.SNOMED)["code"] == "234336002" and hsct["performedDateTime"] == day(250).isoformat()
    [death] = with_code(of_type(resources, "Observation"), fc.VENTRACK_CS, "registry-event")
    assert coding(death["valueCodeableConcept"], fc.EVENT_CS)["code"] == "death"
    assert of_type(resources, "Patient")[0]["deceasedDateTime"] == day(300).isoformat()


def test_medications_are_medication_statements(tmp_path: Path) -> None:
    resources = export(make_patient(medications=MEDICATIONS), tmp_path)
    [patient] = of_type(resources, "Patient")
    ended, ongoing = of_type(resources, "MedicationStatement")
    assert ended == {
        "resourceType": "MedicationStatement",
        "id": resource_id("P0001", "medications", 0),
        "status": "completed",
        "medicationCodeableConcept": {"text": "posaconazole"},
        "subject": {"reference": f"urn:uuid:{patient['id']}"},
        "effectivePeriod": {"start": day(6).isoformat(), "end": day(40).isoformat()},
    }
    assert (ongoing["id"], ongoing["status"]) == (resource_id("P0001", "medications", 1), "active")
    assert ongoing["medicationCodeableConcept"] == {"text": "fluconazole"}
    assert ongoing["effectivePeriod"] == {"start": day(50).isoformat()}
    assert of_type(export(make_patient(), tmp_path), "MedicationStatement") == []


def test_layout_follows_the_target(tmp_path: Path) -> None:
    assert fhir_layout(tmp_path / "r.fhir.json") == "bundle"
    assert fhir_layout(tmp_path / "r.ndjson") == "ndjson"
    assert fhir_layout(tmp_path / "export") == "folder"
    assert fhir_layout(tmp_path) == "folder"


@pytest.fixture(scope="module")
def demo() -> list[Patient]:
    return generate_patients(60, 4, TODAY)


@pytest.mark.parametrize("target", ["registry.fhir.json", "registry.ndjson", "fhir-export"])
def test_round_trip_every_layout(demo: list[Patient], tmp_path: Path, target: str) -> None:
    done: list[int] = []
    assert write_fhir_bundle(demo, tmp_path / target, done.append) == len(demo)
    assert done == list(range(1, len(demo) + 1))
    assert read_fhir_bundle(tmp_path / target) == demo


@pytest.mark.parametrize("target", ["registry.fhir.json", "registry.ndjson", "fhir-export"])
def test_medications_round_trip_every_layout(demo: list[Patient], tmp_path: Path, target: str) -> None:
    patients = [
        make_patient("P0001", medications=MEDICATIONS),
        *demo[:3],
        make_patient("P0002", medications=MEDICATIONS[::-1], events=[{"date": day(90), "type": "hsct"}]),
    ]
    write_fhir_bundle(patients, tmp_path / target)
    back = read_fhir_bundle(tmp_path / target)
    assert back == patients
    assert [m.name for m in back[-1].medications] == ["fluconazole", "posaconazole"]  # the record order is kept
    if target == "fhir-export":
        lines = (tmp_path / target / "MedicationStatement.ndjson").read_text().splitlines()
        subjects = [json.loads(line)["subject"]["reference"] for line in lines]
        assert len(subjects) == 4 and all(subject.startswith("Patient/") for subject in subjects)


def test_ndjson_uses_relative_references_and_the_folder_one_file_per_type(demo, tmp_path: Path) -> None:
    write_fhir_bundle(demo[:5], tmp_path / "r.ndjson")
    first = [json.loads(line) for line in (tmp_path / "r.ndjson").read_text().splitlines()]
    ids = {f"{r['resourceType']}/{r['id']}" for r in first}
    assert all(r["subject"]["reference"] in ids for r in first if "subject" in r)
    write_fhir_bundle(demo[:5], tmp_path / "out")
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"Patient.ndjson", "Condition.ndjson", "Observation.ndjson", "MedicationAdministration.ndjson"} <= names
    assert len((tmp_path / "out" / "Patient.ndjson").read_text().splitlines()) == 5


def test_same_registry_same_bytes(demo, tmp_path: Path) -> None:
    write_fhir_bundle(demo[:10], tmp_path / "a.json")
    write_fhir_bundle(demo[:10], tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@pytest.mark.parametrize("target", ["registry.fhir.json", "fhir-export"])
def test_cancel_leaves_the_target_untouched(demo, tmp_path: Path, target: str) -> None:
    out = tmp_path / target
    write_fhir_bundle(demo[:2], out)
    before = sorted(p.read_bytes() for p in ([out] if out.is_file() else out.iterdir()))

    def cancel(done: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_fhir_bundle(demo[:10], out, cancel)
    assert sorted(p.read_bytes() for p in ([out] if out.is_file() else out.iterdir())) == before
    assert [p.name for p in tmp_path.iterdir()] == [target]


def test_a_folder_with_other_files_is_never_replaced(demo, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        write_fhir_bundle(demo[:1], tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("key", [("patient",), ("counts", 12, "anc"), ("mrd", 0, "specimen")])
def test_resource_ids_are_rfc_4122_uuid5(key: tuple[object, ...]) -> None:
    name = "|".join(("VT-00042", *(str(part) for part in key)))
    assert resource_id("VT-00042", *key) == str(uuid.uuid5(fc.ID_NAMESPACE, name))


def test_reading_a_foreign_or_broken_file_names_the_problem(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text('{"resourceType": "Patient", "id": "x"}')
    with pytest.raises(InvalidData, match="not a readable FHIR export"):
        read_fhir_bundle(tmp_path / "other.json")
    write_fhir_bundle([make_patient()], tmp_path / "one.json")
    bundle = json.loads((tmp_path / "one.json").read_text())
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "AdverseEvent":
            del entry["resource"]["extension"]
    (tmp_path / "broken.json").write_text(json.dumps(bundle))
    with pytest.raises(InvalidData, match="not written by VenTrack"):
        read_fhir_bundle(tmp_path / "broken.json")
