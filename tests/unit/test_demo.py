"""The demo generator: calibrated to the published figures, keeping its own rules, deterministic, valid, and
covering every archetype the rules need (docs/demo.md)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter

import pytest

from desktop.clinical.counts import merged_counts
from desktop.clinical.data_errors import data_errors
from desktop.clinical.dosing import cytopenia_episodes, dose_limit, qualifying_episodes
from desktop.clinical.evaluation import evaluate_patient
from desktop.clinical.mrd import MrdHistory, classified_samples
from desktop.clinical.parameters import DEFAULT_PARAMETERS
from desktop.clinical.state import treatment_status
from desktop.demo import ARCHETYPES, generate_patients
from desktop.demo.deck import slot
from desktop.demo.figures import demo_figures
from desktop.domain.validation import patient_problems

TODAY = dt.date(2026, 1, 15)
#: The registry docs/demo.md reports: `ventrack demo --patients 1000 --seed 1 --today 2026-12-04`.
CALIBRATION_TODAY = dt.date(2026, 12, 4)
CALIBRATION_PATIENTS = 1000
#: Published figure → tolerance (absolute): a few points; the Kaplan–Meier figures rest on fewer patients.
TOLERANCE = {
    "mrd_negative_by_cycle_2": 0.03,
    "mrd_negative_by_cycle_4": 0.03,
    "mrd_negative_by_cycle_6": 0.03,
    "ever_mrd_negative": 0.03,
    "tfr_at_24_months": 0.04,
    "os_at_24_months_negative": 0.04,
    "os_at_24_months_not_negative": 0.04,
}


@pytest.fixture(scope="module")
def patients():
    return generate_patients(120, 1, TODAY)


@pytest.fixture(scope="module")
def registry():
    """The calibration registry (seed 1) at its `today`."""
    return generate_patients(CALIBRATION_PATIENTS, 1, CALIBRATION_TODAY)


# -- calibration ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_a_thousand_patients_reproduce_the_published_figures(seed, registry):
    patients = registry if seed == 1 else generate_patients(CALIBRATION_PATIENTS, seed, CALIBRATION_TODAY)
    figures = demo_figures(patients, CALIBRATION_TODAY)["figures"]
    assert set(figures) == set(TOLERANCE)
    off = {
        name: (figure["published"], round(figure["generated"], 3))
        for name, figure in figures.items()
        if abs(figure["generated"] - figure["published"]) > TOLERANCE[name]
    }
    assert off == {}
    # enough patients behind each figure: follow-up long enough for the 2-year figures
    assert min(figures[f"mrd_negative_by_cycle_{k}"]["of"] for k in (2, 4, 6)) >= 850
    assert figures["tfr_at_24_months"]["of"] >= 150 and figures["tfr_at_24_months"]["at_risk"] >= 40
    assert min(figures[f"os_at_24_months_{g}"]["of"] for g in ("negative", "not_negative")) >= 300


def test_the_registry_spans_enough_years_for_two_year_figures(registry):
    first_cycles = [min(c.start_date for c in p.cycles) for p in registry if p.cycles]
    assert (CALIBRATION_TODAY - min(first_cycles)).days > 4.5 * 365
    stops = [e.date for p in registry for e in p.events if e.type == "discontinuation"]
    assert (CALIBRATION_TODAY - min(stops)).days >= 3 * 365  # up to 3 years of treatment-free follow-up


# -- the demo's own rules -------------------------------------------------------------------------------------------


def test_patients_stop_only_when_eligible_the_day_before(registry):
    stops = [(p, e.date) for p in registry for e in p.events if e.type == "discontinuation"]
    assert len(stops) >= 150
    not_eligible = [
        (p.patient_id, stop)
        for p, stop in stops
        if evaluate_patient(p, stop - dt.timedelta(days=1)).eligibility.status != "eligible"
    ]
    assert not_eligible == []
    assert all(sum(e.type == "discontinuation" for e in p.events) == 1 for p, _ in stops)


def test_a_rechallenge_follows_a_confirmed_molecular_relapse(registry):
    rechallenges = [(p, e.date) for p in registry for e in p.events if e.type == "rechallenge"]
    assert len(rechallenges) >= 8
    unconfirmed = [(p.patient_id, day) for p, day in rechallenges if not MrdHistory.of(p.mrd, day).confirmed_relapse()]
    assert unconfirmed == []
    for patient, day in rechallenges:  # the restart comes after a stop, and cycles follow it
        assert any(e.type == "discontinuation" and e.date < day for e in patient.events)


def test_doses_are_the_label_dose_or_its_azole_reduction(registry):
    params = DEFAULT_PARAMETERS
    label = {"VEN-AZA": 400, "VEN-DEC": 400, "VEN-LDAC": 600}
    wrong = [
        (p.patient_id, c.number, c.venetoclax_dose_mg)
        for p in registry
        for c in p.cycles
        if c.venetoclax_dose_mg != min(label[c.regimen], dose_limit(c, p.medications, params).limit_mg)
    ]
    assert wrong == []
    treated = [p for p in registry if p.cycles]
    with_azole = [p for p in treated if p.medications]
    assert 0.15 <= len(with_azole) / len(treated) <= 0.25
    reduced = {(m.name, c.venetoclax_dose_mg) for p in with_azole for m in p.medications for c in p.cycles
               if c.venetoclax_dose_mg < label[c.regimen]}  # fmt: skip
    assert {("posaconazole", 70), ("voriconazole", 100), ("fluconazole", 200)} <= reduced
    alerts = {a.code for p in registry for a in evaluate_patient(p, CALIBRATION_TODAY).alerts}
    assert "venetoclax_dose_above_limit" not in alerts
    assert "cytopenia_in_remission" in alerts


def test_venetoclax_is_shortened_only_after_a_second_grade_4_cytopenia_in_remission(registry):
    params, shortened, checked = DEFAULT_PARAMETERS, 0, 0
    for patient in registry:
        episodes = cytopenia_episodes(merged_counts(patient.counts, CALIBRATION_TODAY), patient.responses,
                                      CALIBRATION_TODAY)  # fmt: skip
        for course in treatment_status(patient, CALIBRATION_TODAY).courses:
            if course.state != "on_therapy" or not course.cycles:
                continue
            qualifying = [e for e in qualifying_episodes(episodes, course.cycles[0].date, params)
                          if course.end is None or e.first < course.end]  # fmt: skip
            short_from = qualifying[1].recovered_on if len(qualifying) >= 2 else None
            numbers = {c.number for c in course.cycles}
            for cycle in (c for c in patient.cycles if c.number in numbers):
                expected = 21 if short_from is not None and cycle.start_date >= short_from else 28
                assert cycle.venetoclax_days == expected, (patient.patient_id, cycle.number)
                shortened += expected == 21
            for episode in qualifying:  # the next cycle waits for recovery (ANC ≥ 1.0, platelets ≥ 50)
                later = [c.start_date for c in patient.cycles if c.start_date > episode.first]
                if later and episode.recovered_on is not None:
                    assert later[0] >= episode.recovered_on, (patient.patient_id, episode)
                    checked += 1
    assert shortened >= 20 and checked >= 50


def test_responses_are_recorded_after_the_first_cycles_at_later_marrows_and_at_relapse(registry):
    categories: Counter[str] = Counter()
    for patient in registry:
        if not patient.cycles:
            continue
        first = min(c.start_date for c in patient.cycles)
        followed = max(r.date for r in [*patient.counts, *patient.mrd, *patient.events])
        categories.update(r.category for r in patient.responses)
        if followed >= first + dt.timedelta(days=27):
            assert patient.responses, patient.patient_id
            assert 21 <= (min(r.date for r in patient.responses) - first).days <= 27
        relapses = {e.date for e in patient.events if e.type == "hematologic_relapse"}
        assert relapses <= {r.date for r in patient.responses if r.category == "relapse"}
    assert {"CR", "CRi", "CRh", "MLFS", "NR", "relapse"} <= set(categories)
    assert categories["CR"] > categories["CRi"] > categories["MLFS"]


def test_never_negative_patients_fall_1_to_3_log_and_plateau(registry):
    """NPM1/ABL1 falls 1–3 log from the baseline by the end of cycle 2 and plateaus (MRD-LL or low positive); it may
    then rise towards a relapse, but never jumps at random: from the cycle-2 marrow on, no fall of more than 1 log,
    and no fall back once it has risen."""
    plateaus = []
    for index, patient in enumerate(registry):
        archetype, course = slot(index, 1)
        if course not in ("never", "early_death") or archetype == "newly_started":
            continue
        relapse = {e.date for e in patient.events if e.type == "hematologic_relapse"}
        samples = [s for s in classified_samples(patient.mrd, CALIBRATION_TODAY) if s.evaluable]
        assert all(s.positive for s in samples), patient.patient_id
        reductions = [math.log10(patient.baseline_npm1_abl1_pct / s.ratio_pct) for s in samples
                      if s.date not in relapse]  # fmt: skip
        assert all(r <= 3.3 for r in reductions), (patient.patient_id, reductions)
        steps = [b - a for a, b in itertools.pairwise(reductions[1:])]  # from the cycle-2 marrow
        assert all(step <= 1.0 for step in steps), (patient.patient_id, reductions)
        rising = next((i for i, step in enumerate(steps) if step < -0.5), len(steps))
        assert all(step <= 0.3 for step in steps[rising:]), (patient.patient_id, reductions)
        if rising >= 2:
            plateaus.append(max(reductions[: rising + 2]))
    assert len(plateaus) >= 100
    assert min(plateaus) >= 0.8 and max(plateaus) <= 3.3
    shares = Counter("MRD-LL" if r >= math.log10(50) else "positive" for r in plateaus)
    assert shares["MRD-LL"] and shares["positive"]


def test_every_patient_is_valid_with_no_data_error(registry):
    for patient in registry:
        assert patient_problems(patient, CALIBRATION_TODAY) == [], patient.patient_id
        assert data_errors(patient) == [], patient.patient_id
        dates = [r.date for r in [*patient.mrd, *patient.counts, *patient.responses, *patient.adverse_events,
                                  *patient.events, *patient.cycles]]  # fmt: skip
        dates += [m.end_date for m in patient.medications if m.end_date is not None]
        assert all(patient.diagnosis_date <= d <= CALIBRATION_TODAY for d in dates), patient.patient_id
        death = next((e.date for e in patient.events if e.type == "death"), None)
        if death is not None:
            assert max(dates) == death and all(a.date <= death for a in patient.adverse_events)


@pytest.mark.parametrize("seed", [1, 5, 99])
def test_every_patient_is_valid_and_consistent(seed):
    for patient in generate_patients(len(ARCHETYPES) * 4, seed, TODAY):
        assert patient_problems(patient, TODAY) == []
        assert data_errors(patient) == []
        assert max(r.date for r in patient.mrd + patient.counts + patient.events) <= TODAY


# -- determinism ----------------------------------------------------------------------------------------------------


def test_same_arguments_same_patients_and_prefix_property(patients):
    again = generate_patients(120, 1, TODAY)
    assert [p.to_exchange() for p in again] == [p.to_exchange() for p in patients]
    assert [p.to_exchange() for p in generate_patients(30, 1, TODAY)] == [p.to_exchange() for p in patients[:30]]
    assert [p.to_exchange() for p in generate_patients(30, 2, TODAY)] != [p.to_exchange() for p in patients[:30]]


def test_dates_follow_today():
    shifted = generate_patients(5, 1, TODAY + dt.timedelta(days=100))
    base = generate_patients(5, 1, TODAY)
    assert [p.diagnosis_date - b.diagnosis_date for p, b in zip(shifted, base, strict=True)] == [
        dt.timedelta(days=100)
    ] * 5


# -- the showcase ---------------------------------------------------------------------------------------------------


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


@pytest.mark.parametrize(("seed", "today"), [(1, TODAY), (7, dt.date(2026, 6, 1)), (11, CALIBRATION_TODAY)])
def test_each_showcase_archetype_shows_its_state_today(seed, today):
    shown = {}
    for index, patient in enumerate(generate_patients(60, seed, today)):
        archetype, _ = slot(index, seed)
        if archetype in ARCHETYPES:
            shown[archetype] = (patient, evaluate_patient(patient, today))
    assert set(shown) == set(ARCHETYPES)

    def state(name):
        return shown[name][1].state.state

    def codes(name):
        return {a.code for a in shown[name][1].alerts}

    assert shown["eligible_now"][1].eligibility.status == "eligible"
    assert "mrd_conversion" in codes("conversion")
    assert state("molecular_relapse") == "off_therapy" and "molecular_relapse" in codes("molecular_relapse")
    assert shown["molecular_relapse"][1].eligibility.strategy == "rechallenge_evaluation"
    assert [e.type for e in shown["rechallenge"][0].events] == ["discontinuation", "rechallenge"]
    assert state("discontinued") == "off_therapy" and state("rechallenge") == "on_therapy"
    assert shown["high_risk"][1].eligibility.strategy == "transplant_evaluation"
    assert {"cytopenia_in_remission", "neutropenia_grade4"} <= codes("cytopenic")
    assert "inadequate_sample" in codes("inadequate_sample")
    assert "eoc4_not_negative" in codes("never_negative")
    assert state("transplanted") == "transplanted" and state("hematologic_relapse") == "relapsed"
    assert state("deceased") == "deceased" and state("lost") == "lost"
    assert state("newly_started") == "on_therapy" and len(shown["newly_started"][0].cycles) <= 2
    assert state("late_responder") == "on_therapy" and state("early_responder") == "on_therapy"
    late = shown["late_responder"][0]
    first_negative = min(s.date for s in late.mrd if s.npm1_copies == 0 and s.abl1_copies >= 10_000)
    assert (first_negative - late.cycles[0].start_date).days > 6 * 28 + 14
