"""The demo generator: deterministic, valid, and covering every archetype the rules need."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.clinical.data_errors import data_errors
from desktop.clinical.evaluation import evaluate_patient
from desktop.demo import ARCHETYPES, generate_patients
from desktop.domain.validation import patient_problems

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def patients():
    return generate_patients(120, 1, TODAY)


def test_same_arguments_same_patients_and_prefix_property(patients):
    again = generate_patients(120, 1, TODAY)
    assert [p.to_exchange() for p in again] == [p.to_exchange() for p in patients]
    assert [p.to_exchange() for p in generate_patients(30, 1, TODAY)] == [p.to_exchange() for p in patients[:30]]
    assert [p.to_exchange() for p in generate_patients(30, 2, TODAY)] != [p.to_exchange() for p in patients[:30]]


@pytest.mark.parametrize("seed", [1, 5, 99])
def test_every_patient_is_valid_and_consistent(seed):
    for patient in generate_patients(len(ARCHETYPES) * 4, seed, TODAY):
        assert patient_problems(patient, TODAY) == []
        assert data_errors(patient) == []
        assert max(r.date for r in patient.mrd + patient.counts + patient.events) <= TODAY


def test_dates_follow_today():
    shifted = generate_patients(5, 1, TODAY + dt.timedelta(days=100))
    base = generate_patients(5, 1, TODAY)
    assert [p.diagnosis_date - b.diagnosis_date for p, b in zip(shifted, base, strict=True)] == [
        dt.timedelta(days=100)
    ] * 5


def test_sixty_patients_exercise_every_rule():
    patients = generate_patients(60, 3, TODAY)
    evaluations = [evaluate_patient(p, TODAY) for p in patients]
    statuses = {e.eligibility.status for e in evaluations}
    assert {"eligible", "not_eligible", "not_applicable"} <= statuses
    assert {e.state.state for e in evaluations} >= {
        "on_therapy", "off_therapy", "transplanted", "relapsed", "deceased", "lost"
    }  # fmt: skip
    codes = {a.code for e in evaluations for a in e.alerts}
    assert {"molecular_relapse", "mrd_conversion", "inadequate_sample", "tfr_candidate", "eoc4_not_negative"} <= codes
    assert codes & {"neutropenia_grade4", "neutropenia_grade3"}
    genes = {m.gene for p in patients for m in p.co_mutations or ()}
    assert {"TP53", "FLT3-ITD"} <= genes
    assert any(p.co_mutations is None for p in patients) and any(p.co_mutations == [] for p in patients)
    assert any(m.gene == "FLT3-ITD" and m.allelic_ratio is None for p in patients for m in p.co_mutations or ())
    assert any(e.type == "rechallenge" for p in patients for e in p.events)
    assert any(len({s.date for s in p.mrd}) < len(p.mrd) for p in patients)  # same-day BM + PB pairs
