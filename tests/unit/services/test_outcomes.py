"""The registry outcomes service: a narrow load that gives the full load's figures, and the view's filters."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.clinical.outcomes import evaluate_outcomes
from desktop.demo import generate_patients
from desktop.services.outcomes import first_regimen, registry_outcomes
from desktop.store import Registry

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    patients = generate_patients(200, 11, TODAY)
    with Registry.open(tmp_path_factory.mktemp("outcomes") / "r.sqlite", create=True) as registry:
        registry.import_patients(patients, "demo")
        yield registry, patients


@pytest.mark.parametrize("as_of", ["2024-06-01", "2025-03-01", "2026-01-15"])
def test_the_narrow_load_gives_the_full_figures(demo, as_of):
    registry, patients = demo
    day = dt.date.fromisoformat(as_of)
    assert registry_outcomes(registry, day).to_json() == evaluate_outcomes(patients, day).to_json()


def test_filters_by_diagnosis_year_and_first_regimen(demo):
    registry, patients = demo
    year = patients[0].diagnosis_date.year
    regimen = first_regimen(patients[0])
    chosen = [p for p in patients if p.diagnosis_date.year == year and first_regimen(p) == regimen]
    assert 0 < len(chosen) < len(patients)
    found = registry_outcomes(registry, TODAY, diagnosis_years={year}, regimens={regimen})
    assert found.to_json() == evaluate_outcomes(chosen, TODAY).to_json()
    nobody = registry_outcomes(registry, TODAY, diagnosis_years={1900})
    assert nobody.to_json()["tfr"]["at_24_months"] is None
    assert nobody.mrd_negative_by_cycle[4] == (0, 0)


def test_progress_reaches_the_total(demo):
    registry, patients = demo
    seen: list[tuple[int, int]] = []
    registry_outcomes(registry, TODAY, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(patients), len(patients))
