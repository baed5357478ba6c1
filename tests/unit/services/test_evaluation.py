"""The registry-wide evaluation service: same results as evaluating fully loaded patients."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.clinical.evaluation import evaluate_patient
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import parse_registry_json
from desktop.services import evaluation
from desktop.store import Registry, RegistryError
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


def test_window_keeps_every_count_and_response_but_only_recent_adverse_events(example_registry):
    day = dt.date(2024, 10, 1)
    full = {p.patient_id: p for p in example_registry.iter_patients()}
    windowed = list(example_registry.iter_patients(None, evaluation.rules_window(day)))
    for patient in windowed:
        whole = full[patient.patient_id]
        assert (patient.counts, patient.responses, patient.medications) == (
            whole.counts,
            whole.responses,
            whole.medications,
        )
        assert all(day - dt.timedelta(days=90) <= ae.date <= day for ae in patient.adverse_events)
    assert any(p.responses for p in windowed) and any(p.medications for p in windowed)


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
