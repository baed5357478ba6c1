"""Venetoclax dose checks of clinical-rules §8 (v2): dose limits and grade 4 cytopenia in remission."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient

from desktop.clinical import DEFAULT_PARAMETERS, active_alerts, dose_limit, evaluate_patient
from desktop.domain import Cycle, Medication

D = dt.date.fromisoformat
CYCLE_START = "2024-03-01"  # a 28-day cycle: 2024-03-01 … 2024-03-28


def cycle(regimen: str = "VEN-AZA", dose: float | None = 400) -> Cycle:
    return Cycle(number=1, start_date=D(CYCLE_START), regimen=regimen, venetoclax_dose_mg=dose)


def med(name: str, start: str, end: str | None = None) -> Medication:
    return Medication(name=name, start_date=D(start), end_date=None if end is None else D(end))


@pytest.mark.parametrize(
    ("medications", "regimen", "limit", "drug"),
    [
        ([], "VEN-AZA", 400, None),
        ([], "VEN-LDAC", 600, None),
        ([], "free text", 400, None),
        ([med("posaconazole", "2024-02-01")], "VEN-AZA", 70, "posaconazole"),
        ([med("Posaconazole ", "2024-02-01")], "VEN-LDAC", 70, "posaconazole"),  # case and spaces ignored
        ([med("voriconazole", "2024-02-01")], "VEN-AZA", 100, "voriconazole"),
        ([med("fluconazole", "2024-02-01")], "VEN-AZA", 200, "fluconazole"),
        ([med("fluconazole", "2024-02-01")], "VEN-LDAC", 300, "fluconazole"),
        ([med("amiodarone", "2024-02-01")], "VEN-DEC", 200, "amiodarone"),  # P-gp: same factor
        ([med("fluconazole", "2024-02-01"), med("voriconazole", "2024-03-10")], "VEN-AZA", 100, "voriconazole"),
        ([med("voriconazole", "2024-02-01"), med("posaconazole", "2024-03-28")], "VEN-AZA", 70, "posaconazole"),
        ([med("paracetamol", "2024-02-01")], "VEN-AZA", 400, None),
    ],
)
def test_the_strongest_class_decides_the_limit(
    medications: list[Medication], regimen: str, limit: float, drug: str | None
) -> None:
    found = dose_limit(cycle(regimen), medications, DEFAULT_PARAMETERS)
    assert (found.limit_mg, found.drug) == (limit, drug)


@pytest.mark.parametrize(
    ("start", "end", "taken"),
    [
        ("2024-02-01", "2024-02-29", False),  # ends the day before the cycle
        ("2024-02-01", "2024-03-01", True),  # ends on its first day
        ("2024-03-28", None, True),  # starts on its last day (start + 27)
        ("2024-03-29", None, False),  # starts the day after
        ("2024-01-01", None, True),  # ongoing
    ],
)
def test_taken_during_the_cycle_days(start: str, end: str | None, taken: bool) -> None:
    found = dose_limit(cycle(), [med("posaconazole", start, end)], DEFAULT_PARAMETERS)
    assert (found.drug is not None) is taken


def test_a_drug_in_two_lists_counts_in_the_stronger() -> None:
    params = dataclasses.replace(
        DEFAULT_PARAMETERS, strong_cyp3a_inhibitors=(*DEFAULT_PARAMETERS.strong_cyp3a_inhibitors, "fluconazole")
    )
    assert dose_limit(cycle(), [med("fluconazole", "2024-02-01")], params).limit_mg == 100


def test_a_medication_started_after_as_of_does_not_count() -> None:
    medications = [med("posaconazole", "2024-03-10")]
    assert dose_limit(cycle(), medications, DEFAULT_PARAMETERS, as_of=D("2024-03-09")).limit_mg == 400
    assert dose_limit(cycle(), medications, DEFAULT_PARAMETERS, as_of=D("2024-03-10")).limit_mg == 70


def dose_patient(dose: float | None, **build: Any) -> Any:
    return make_patient(
        **{"cycles": 3, "first_cycle": "2024-01-05", "dose": dose, "medications": [("posaconazole", "2024-02-20")],
           **build}
    )  # fmt: skip


@pytest.mark.parametrize(("dose", "raised"), [(70, False), (70.5, True), (400, True), (None, False)])
def test_dose_above_limit_alert(dose: float | None, raised: bool) -> None:
    alerts = {a.code: a for a in active_alerts(dose_patient(dose), D("2024-03-10"))}
    assert ("venetoclax_dose_above_limit" in alerts) is raised
    if raised:
        alert = alerts["venetoclax_dose_above_limit"]
        assert (alert.severity, alert.date) == ("warning", D("2024-03-01"))  # the latest cycle's start
        for words in ("posaconazole", f"{dose:g} mg", "70 mg", "label advises"):
            assert words in alert.message


def test_dose_alert_only_for_the_latest_cycle_and_on_therapy() -> None:
    earlier = dose_patient(400, medications=[("posaconazole", "2024-02-02", "2024-02-10")])  # during cycle 2 only
    assert "venetoclax_dose_above_limit" in {a.code for a in active_alerts(earlier, D("2024-02-15"))}
    assert "venetoclax_dose_above_limit" not in {a.code for a in active_alerts(earlier, D("2024-03-10"))}
    stopped = dose_patient(400, events=[("2024-03-05", "discontinuation")])
    assert "venetoclax_dose_above_limit" not in {a.code for a in active_alerts(stopped, D("2024-03-10"))}


def test_the_review_gives_the_limit_and_reason_of_the_latest_cycle() -> None:
    review = evaluate_patient(dose_patient(400), D("2024-03-10")).dose
    assert review.cycle is not None and review.cycle.number == 3
    assert review.limit is not None and review.limit.limit_mg == 70 and "posaconazole" in review.limit.reason
    assert review.above_limit


# --- grade 4 cytopenia in remission -------------------------------------------------------------------------------

G4, OK = 0.3, 1.5  # ANC of a grade 4 count, and of a recovered one


def cytopenia_alerts(counts: list[tuple[Any, ...]], as_of: str = "2024-04-30", **build: Any) -> dict[str, Any]:
    patient = make_patient(
        **{"cycles": 4, "first_cycle": "2024-01-05", "dose": 400, "responses": [("2024-02-01", "CR")],
           "counts": counts, **build}
    )  # fmt: skip
    return {a.code: a for a in active_alerts(patient, D(as_of))}


# Cycle 4 starts 2024-03-29.
@pytest.mark.parametrize(
    ("counts", "raised"),
    [
        pytest.param([("2024-04-01", G4), ("2024-04-07", OK)], False, id="6 days"),
        pytest.param([("2024-04-01", G4), ("2024-04-08", OK)], True, id="7 days"),
        pytest.param([("2024-04-01", G4), ("2024-04-05", G4), ("2024-04-08", OK)], True, id="two grade 4 counts"),
        pytest.param([("2024-04-25", G4)], False, id="5 days to as_of"),
        pytest.param([("2024-04-23", G4)], True, id="7 days to as_of, not recovered"),
        pytest.param([("2024-04-01", 1.0, 20), ("2024-04-09", OK)], True, id="platelets < 25"),
        pytest.param([("2024-04-01", 1.0, 25), ("2024-04-09", OK)], False, id="platelets 25 is not grade 4"),
        pytest.param([("2024-04-01", 0.5), ("2024-04-09", OK)], False, id="ANC 0.5 is not grade 4"),
        pytest.param([("2024-03-20", G4), ("2024-04-09", OK)], False, id="began before the latest cycle"),
    ],
)
def test_cytopenia_episode_boundaries(counts: list[tuple[Any, ...]], raised: bool) -> None:
    assert ("cytopenia_in_remission" in cytopenia_alerts(counts)) is raised


@pytest.mark.parametrize(
    ("responses", "raised"),
    [
        ([("2024-02-01", "CR")], True),
        ([("2024-02-01", "CRi")], True),
        ([("2024-02-01", "CRh")], True),
        ([("2024-02-01", "MLFS")], False),
        ([("2024-02-01", "CR"), ("2024-03-01", "relapse")], False),  # the latest response decides
        ([("2024-02-01", "MLFS"), ("2024-02-01", "CRi")], True),  # any of that date's
        ([("2024-04-02", "CR")], False),  # after the episode's first count
        ([("2024-04-01", "CR")], True),  # on its first count
        ([], False),
    ],
)
def test_cytopenia_needs_remission(responses: list[tuple[str, str]], raised: bool) -> None:
    counts = [("2024-04-01", G4), ("2024-04-09", OK)]
    assert ("cytopenia_in_remission" in cytopenia_alerts(counts, responses=responses)) is raised


def test_first_episode_of_the_course_delays_then_resumes_the_same_dose() -> None:
    alert = cytopenia_alerts([("2024-04-01", G4), ("2024-04-09", OK)])["cytopenia_in_remission"]
    assert (alert.severity, alert.date) == ("warning", D("2024-04-01"))
    assert "resume at the same dose" in alert.message and "ANC ≥ 1.0" in alert.message
    assert "venetoclax 400 mg/day" in alert.message


def test_a_later_episode_shortens_venetoclax() -> None:
    counts = [("2024-03-01", G4), ("2024-03-10", OK), ("2024-04-01", G4), ("2024-04-02", G4), ("2024-04-09", OK)]
    alert = cytopenia_alerts(counts)["cytopenia_in_remission"]
    assert alert.date == D("2024-04-01")
    assert "shorten venetoclax by 7 days" in alert.message


def test_episodes_of_an_earlier_course_do_not_count() -> None:
    counts = [("2024-03-01", G4), ("2024-03-10", OK), ("2024-04-20", G4), ("2024-04-29", OK)]
    build = {"events": [("2024-04-01", "discontinuation"), ("2024-04-10", "rechallenge")]}
    patient = make_patient(
        [(1, "2024-01-05"), (2, "2024-02-02"), (3, "2024-03-01"), (4, "2024-04-15")],
        dose=400, responses=[("2024-02-01", "CR")], counts=counts, **build,
    )  # fmt: skip
    review = evaluate_patient(patient, D("2024-04-30")).dose
    assert review.episode is not None and review.first_of_course  # the March episode was of the first course
    assert "resume at the same dose" in (review.cytopenia_advice or "")


def test_no_cytopenia_alert_off_therapy() -> None:
    counts = [("2024-04-01", G4), ("2024-04-09", OK)]
    assert "cytopenia_in_remission" not in cytopenia_alerts(counts, events=[("2024-04-20", "discontinuation")])
