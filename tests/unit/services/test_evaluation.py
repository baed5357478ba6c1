"""The registry-wide evaluation service: same results as evaluating fully loaded patients."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.clinical.evaluation import evaluate_patient
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.demo import generate_patients
from desktop.domain import parse_registry_json
from desktop.services import evaluation
from desktop.store import Registry, RegistryError
from tests.builders import day
from tests.builders import make_patient as full_patient
from tests.examples_data import EXAMPLES


@pytest.fixture
def example_registry(tmp_path):
    patients = parse_registry_json(EXAMPLES.read_bytes()).patients
    with Registry.open(tmp_path / "r.sqlite", create=True) as registry:
        registry.import_patients(patients, "examples")
        yield registry


@pytest.mark.parametrize("as_of", ["2022-06-01", "2023-03-01", "2024-01-15", "2024-10-01", "2025-06-30"])
def test_windowed_load_gives_the_same_results_as_a_full_load(example_registry, as_of):
    day = dt.date.fromisoformat(as_of)
    results = evaluation.evaluate_registry(example_registry, day)
    assert list(results) == sorted(results)
    for patient in example_registry.iter_patients():
        assert results[patient.patient_id].to_json() == evaluate_patient(patient, day).to_json()


def test_window_keeps_the_counts_the_rules_read_and_only_recent_adverse_events(example_registry):
    day = dt.date(2024, 10, 1)
    full = {p.patient_id: p for p in example_registry.iter_patients()}
    windowed = list(example_registry.iter_patients(None, evaluation.rules_window(day)))
    for patient in windowed:
        whole = full[patient.patient_id]
        assert (patient.responses, patient.medications) == (whole.responses, whole.medications)
        assert all(day - dt.timedelta(days=90) <= ae.date <= day for ae in patient.adverse_events)
        assert set(patient.counts) <= set(whole.counts)
    cytopenic = next(p for p in windowed if p.patient_id == "EX-CYTOPENIA")
    # The grade 4 counts, the one that ends their episode, and the latest: not the normal counts between.
    assert [(c.date.isoformat(), c.anc) for c in cytopenic.counts] == [
        (c.date.isoformat(), c.anc) for c in full["EX-CYTOPENIA"].counts if c.date <= day and c.date.day != 11
    ]
    assert any(p.responses for p in windowed) and any(p.medications for p in windowed)


@pytest.mark.parametrize("as_of", ["2023-06-01", "2024-09-01", "2025-06-01", "2026-01-15"])
def test_windowed_load_of_the_demo_gives_the_same_results(tmp_path, as_of):
    patients = generate_patients(160, 7, dt.date(2026, 1, 15))
    # Counts after a death are data errors (§3) the window keeps too.
    count = {"anc": 2.0, "platelets": 150.0, "hemoglobin": 11.0}
    dead = full_patient(
        "ZZ-DEAD", cycles=3, events=[{"date": day(40), "type": "death"}],
        counts=[{"date": day(34), "anc": 0.4, "platelets": 35.0, "hemoglobin": 8.1}, {"date": day(50), **count},
                {"date": day(70), **count}],
    )  # fmt: skip
    with Registry.open(tmp_path / "demo.sqlite", create=True) as registry:
        registry.import_patients([*patients, dead], "demo")
        when = dt.date.fromisoformat(as_of)
        results = evaluation.evaluate_registry(registry, when)
        for patient in registry.iter_patients():
            expected = evaluate_patient(patient, when)
            assert results[patient.patient_id].to_json() == expected.to_json()
            assert len(results[patient.patient_id].data_errors) == len(expected.data_errors)


def test_parameters_round_trip_and_are_audited(example_registry):
    assert evaluation.load_parameters(example_registry) == DEFAULT_PARAMETERS
    changed = Parameters(sustained_negativity_months=6)
    evaluation.save_parameters(example_registry, changed)
    assert evaluation.load_parameters(example_registry) == changed
    entry = example_registry.audit_log(limit=1)[0]
    assert (entry.action, entry.field) == ("change_setting", evaluation.PARAMETERS_SETTING)
    assert json.loads(entry.new_value)["sustained_negativity_months"] == 6


def test_changed_parameters_change_the_result(example_registry):
    day = dt.date(2024, 10, 1)
    default = evaluation.evaluate_registry(example_registry, day)["EX-TOO-SOON"].eligibility.status
    six_months = Parameters(sustained_negativity_months=6)
    lowered = evaluation.evaluate_registry(example_registry, day, six_months)["EX-TOO-SOON"].eligibility.status
    assert (default, lowered) == ("not_eligible", "eligible")


def test_unusable_stored_parameters_are_a_clear_error(example_registry):
    example_registry.set_setting(evaluation.PARAMETERS_SETTING, json.dumps({"min_cycles": -3}))
    with pytest.raises(RegistryError, match="min_cycles"):
        evaluation.load_parameters(example_registry)
