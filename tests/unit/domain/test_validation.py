"""Validation rules of the domain model: every problem names patient, record and field."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.domain import InvalidData, Patient, Problem, parse_registry_json
from tests.builders import day, make_patient, patient_dict

TODAY = dt.date(2026, 11, 25)


def as_json(*patients: dict) -> str:
    return json.dumps({"format": "ventrack-registry", "version": 1, "patients": list(patients)}, default=str)


def problems(doc: str) -> list[Problem]:
    with pytest.raises(InvalidData) as caught:
        parse_registry_json(doc, TODAY)
    return caught.value.problems


def one_record(kind: str, **fields) -> str:
    data = patient_dict()
    data[kind] = [{**data[kind][0], **fields}]
    return as_json(data)


@pytest.mark.parametrize(
    ("kind", "field", "value", "reason"),
    [
        ("mrd", "date", "2023-02-30", "not a valid date"),
        ("mrd", "date", "2023-3-5", "not a valid date"),
        ("mrd", "date", "20230305", "not a valid date"),
        ("mrd", "date", 1678000000, "not a valid date"),
        ("mrd", "abl1_copies", 0, "greater than 0"),
        ("mrd", "npm1_copies", -1, "greater than or equal to 0"),
        ("mrd", "specimen", "CSF", "'BM' or 'PB'"),
        ("counts", "anc", -0.1, "greater than or equal to 0"),
        ("counts", "anc", 100.1, "less than or equal to 100"),
        ("counts", "platelets", 3001, "less than or equal to 3000"),
        ("counts", "hemoglobin", 1.9, "greater than or equal to 2"),
        ("counts", "hemoglobin", 25.1, "less than or equal to 25"),
        ("counts", "anc", "1.0", "valid number"),
        ("adverse_events", "grade", 0, "greater than or equal to 1"),
        ("adverse_events", "grade", 6, "less than or equal to 5"),
        ("cycles", "venetoclax_days", 29, "less than or equal to 28"),
        ("responses", "category", "VGPR", "'CR'"),
        ("events", "type", "stop", "'discontinuation'"),
        ("co_mutations", "gene", "tp53", "upper case"),
        ("mrd", "comment", "x", "unknown field"),
    ],
)
def test_field_rules_name_patient_record_and_field(kind, field, value, reason):
    data = patient_dict(events=[{"date": day(300), "type": "hsct"}])
    index = len(data[kind])
    data[kind] = [*data[kind], {**data[kind][0], field: value}]
    [problem] = problems(as_json(data))
    assert (problem.patient_id, problem.record, problem.field) == ("P0001", f"{kind}[{index}]", field)
    assert reason in problem.reason


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("counts", "anc", 0.0),
        ("counts", "anc", 100.0),
        ("counts", "platelets", 3000.0),
        ("counts", "hemoglobin", 2.0),
        ("counts", "hemoglobin", 25.0),
        ("mrd", "npm1_copies", 0.0),
        ("adverse_events", "grade", 1),
        ("adverse_events", "grade", 5),
        ("cycles", "venetoclax_days", 0),
    ],
)
def test_boundary_values_are_accepted(kind, field, value):
    registry = parse_registry_json(one_record(kind, **{field: value}), TODAY)
    assert getattr(getattr(registry.patients[0], kind)[0], field) == value


def test_dates_before_diagnosis_or_in_the_future_are_refused_birth_date_excepted():
    data = patient_dict()
    data["mrd"][0]["date"] = dt.date(2022, 12, 31)
    data["events"] = [{"date": TODAY + dt.timedelta(days=1), "type": "death"}]
    found = {(p.record, p.field): p.reason for p in problems(as_json(data))}
    assert "before the diagnosis date 2023-01-10" in found[("mrd[0]", "date")]
    assert "in the future" in found[("events[0]", "date")]
    assert len(found) == 2  # the birth date, years before the diagnosis, is fine


def test_future_diagnosis_and_birth_after_diagnosis():
    data = patient_dict(birth_date=dt.date(2023, 2, 1), cycles=0, mrd=[], counts=[], responses=[],
                        adverse_events=[])  # fmt: skip
    [problem] = problems(as_json(data))
    assert (problem.record, problem.field) == (None, "birth_date")


def test_duplicate_cycle_numbers():
    data = patient_dict(cycles=3)
    data["cycles"][2]["number"] = 1
    [problem] = problems(as_json(data))
    assert (problem.record, problem.field) == ("cycles[2]", "number")
    assert "cycles[0]" in problem.reason


def test_file_level_errors_are_single_problems():
    assert "not valid JSON" in problems("{nope")[0].reason
    assert problems(json.dumps({"format": "other", "version": 1, "patients": []}))[0].field == "format"
    assert problems(json.dumps({"format": "ventrack-registry", "version": 3, "patients": []}))[0].field == "version"
    assert "JSON object" in problems("[]")[0].reason


def test_duplicate_patient_ids_and_missing_fields():
    found = problems(as_json(patient_dict("A"), patient_dict("A"), {"patient_id": "B"}))
    assert ("A", "patient_id") in {(p.patient_id, p.field) for p in found}
    assert any(p.patient_id == "B" and p.field == "diagnosis_date" and "missing" in p.reason for p in found)


@pytest.mark.parametrize("patient_id", ["", " x", "x" * 65])
def test_patient_id_length_and_spacing(patient_id):
    assert problems(as_json(patient_dict(patient_id)))[0].field == "patient_id"


def test_co_mutations_absent_versus_empty_survive_a_round_trip():
    untested = patient_dict("U")
    del untested["co_mutations"]
    tested = patient_dict("T", co_mutations=[])
    registry = parse_registry_json(as_json(untested, tested), TODAY)
    by_id = {p.patient_id: p for p in registry.patients}
    assert by_id["U"].co_mutations is None and by_id["T"].co_mutations == []
    assert "co_mutations" not in by_id["U"].to_exchange() and by_id["T"].to_exchange()["co_mutations"] == []


def test_models_are_frozen():
    patient = make_patient()
    with pytest.raises(ValueError):
        patient.name = "x"  # type: ignore[misc]
    assert isinstance(patient, Patient)
