"""Invariants of the rules over generated patients (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from desktop.clinical import CRITERIA, evaluate_patient
from desktop.clinical.state import EVENT_RANK
from desktop.domain import AdverseEvent, BloodCount, CoMutation, Cycle, Event, Medication, MrdSample, Patient, Response

START = dt.date(2022, 1, 1)
SPAN = 1200  # days of generated history
EVENT_TYPES = sorted(EVENT_RANK)


def _day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


offsets = st.integers(min_value=0, max_value=SPAN)

cycles_strategy = st.tuples(
    st.integers(min_value=0, max_value=40),  # first cycle offset
    st.lists(st.integers(min_value=21, max_value=60), max_size=25),  # gaps between cycles
)
mrd_strategy = st.lists(
    st.tuples(
        offsets,
        st.sampled_from([0.0, 0.0, 0.0, 1.0, 30.0, 5_000.0]),
        st.sampled_from([5_000.0, 10_000.0, 50_000.0]),
        st.sampled_from(["BM", "PB"]),
    ),
    max_size=18,
)
counts_strategy = st.lists(
    st.tuples(
        offsets,
        st.sampled_from([0.3, 0.5, 0.9, 1.0, 2.0]),
        st.sampled_from([20.0, 25.0, 60.0, 100.0, 200.0]),
        st.sampled_from([7.5, 8.0, 11.0]),
    ),
    max_size=10,
)
events_strategy = st.lists(st.tuples(offsets, st.sampled_from(EVENT_TYPES)), max_size=4)
co_mutations_strategy = st.sampled_from(
    [
        None,
        [],
        [CoMutation(gene="TP53")],
        [CoMutation(gene="FLT3-ITD", allelic_ratio=0.3)],
        [CoMutation(gene="FLT3-ITD")],
    ]
)
ae_strategy = st.lists(st.tuples(offsets, st.integers(min_value=1, max_value=5)), max_size=4)
responses_strategy = st.lists(
    st.tuples(offsets, st.sampled_from(["CR", "CRi", "CRh", "MLFS", "NR", "relapse"])), max_size=3
)
medications_strategy = st.lists(
    st.tuples(
        st.sampled_from(["posaconazole", "Voriconazole", "fluconazole", "amiodarone", "paracetamol"]),
        offsets,
        st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
    ),
    max_size=3,
)


@st.composite
def patients(draw: st.DrawFn) -> Patient:
    first, gaps = draw(cycles_strategy)
    regimen = draw(st.sampled_from(["VEN-AZA", "VEN-LDAC"]))
    dose = draw(st.sampled_from([None, 70.0, 100.0, 200.0, 400.0, 600.0]))
    starts = [first]
    for gap in gaps:
        starts.append(starts[-1] + gap)
    return Patient(
        patient_id="H1",
        diagnosis_date=START,
        co_mutations=draw(co_mutations_strategy),
        cycles=[
            Cycle(number=n, start_date=_day(s), regimen=regimen, venetoclax_dose_mg=dose)
            for n, s in enumerate(starts, start=1)
        ],
        mrd=[
            MrdSample(date=_day(o), specimen=sp, npm1_copies=n, abl1_copies=a)  # type: ignore[arg-type]
            for o, n, a, sp in draw(mrd_strategy)
        ],
        counts=[BloodCount(date=_day(o), anc=a, platelets=p, hemoglobin=h) for o, a, p, h in draw(counts_strategy)],
        events=[Event(date=_day(o), type=t) for o, t in draw(events_strategy)],  # type: ignore[arg-type]
        adverse_events=[AdverseEvent(date=_day(o), term="AE", grade=g) for o, g in draw(ae_strategy)],
        responses=[Response(date=_day(o), category=c) for o, c in draw(responses_strategy)],  # type: ignore[arg-type]
        medications=[
            Medication(name=name, start_date=_day(o), end_date=None if length is None else _day(o + length))
            for name, o, length in draw(medications_strategy)
        ],
    )


@st.composite
def near_eligible(draw: st.DrawFn) -> tuple[Patient, dt.date]:
    """Long treatment, regular and mostly negative MRD, recent counts: often eligible, sometimes just not."""
    n_cycles = draw(st.integers(min_value=6, max_value=25))
    n_samples = draw(st.integers(min_value=1, max_value=12))
    every = draw(st.integers(min_value=30, max_value=120))
    results = draw(st.lists(st.sampled_from([0.0] * 6 + [20.0]), min_size=n_samples, max_size=n_samples))
    last = 100 + every * (n_samples - 1)
    as_of = _day(last + draw(st.integers(min_value=0, max_value=100)))
    count_age = draw(st.integers(min_value=0, max_value=70))
    anc = draw(st.sampled_from([0.9, 1.0, 2.0, 2.0]))
    patient = Patient(
        patient_id="H2",
        diagnosis_date=START,
        co_mutations=draw(st.sampled_from([[], [], [CoMutation(gene="DNMT3A")], None])),
        cycles=[Cycle(number=k + 1, start_date=_day(28 * k), regimen="VEN-AZA") for k in range(n_cycles)],
        mrd=[
            MrdSample(date=_day(100 + every * k), specimen="BM", npm1_copies=r, abl1_copies=50_000.0)
            for k, r in enumerate(results)
        ],
        counts=[BloodCount(date=as_of - dt.timedelta(days=count_age), anc=anc, platelets=150.0, hemoglobin=11.0)],
        events=draw(st.sampled_from([[], [], [Event(date=as_of, type="discontinuation")]])),
    )
    return patient, as_of


@st.composite
def any_patient(draw: st.DrawFn) -> tuple[Patient, dt.date]:
    return draw(patients()), _day(draw(offsets))


cases = st.one_of(any_patient(), near_eligible())

RECORD_LISTS = ("cycles", "mrd", "counts", "events", "adverse_events")
COMMON = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _shuffled(patient: Patient, seed: int) -> Patient:
    rng = random.Random(seed)
    changes: dict[str, Any] = {}
    for name in RECORD_LISTS:
        records = list(getattr(patient, name))
        rng.shuffle(records)
        changes[name] = records
    return patient.model_copy(update=changes)


def _until(patient: Patient, as_of: dt.date) -> Patient:
    return patient.model_copy(
        update={name: [r for r in getattr(patient, name) if r.date <= as_of] for name in RECORD_LISTS}
    )


@COMMON
@given(cases, st.integers(min_value=0, max_value=2**32))
def test_results_never_depend_on_record_order(case: tuple[Patient, dt.date], seed: int) -> None:
    patient, as_of = case
    assert evaluate_patient(_shuffled(patient, seed), as_of).to_json() == evaluate_patient(patient, as_of).to_json()


@COMMON
@given(cases)
def test_records_after_as_of_never_change_a_result(case: tuple[Patient, dt.date]) -> None:
    patient, as_of = case
    assert evaluate_patient(patient, as_of).to_json() == evaluate_patient(_until(patient, as_of), as_of).to_json()


@COMMON
@given(cases)
def test_status_strategy_and_alerts_are_consistent(case: tuple[Patient, dt.date]) -> None:
    patient, as_of = case
    evaluation = evaluate_patient(patient, as_of)
    eligibility = evaluation.eligibility
    met = [c.met for c in eligibility.criteria]
    assert [c.id for c in eligibility.criteria] == list(CRITERIA)
    codes = {a.code for a in evaluation.alerts}
    if eligibility.status == "eligible":
        assert met == [True] * 6
        assert eligibility.strategy == "observation"
        assert "tfr_candidate" in codes
    else:
        assert "tfr_candidate" not in codes
    assert (eligibility.status == "not_applicable") == (met[0] is False)  # criterion 1 first, data errors or not
    if eligibility.state == "off_therapy":
        assert eligibility.strategy in ("tfr_monitoring", "rechallenge_evaluation")
    elif evaluation.data_errors and met[0]:
        assert eligibility.status == "insufficient_data" and eligibility.strategy is None
        assert eligibility.detail is not None and eligibility.detail.startswith("data error")
    else:
        assert (eligibility.strategy is None) == (eligibility.status == "not_applicable")
        if eligibility.status == "not_eligible":
            assert False in met
        if eligibility.status == "insufficient_data":
            assert False not in met and None in met
    if eligibility.strategy == "observation":
        assert eligibility.status == "eligible"
    if eligibility.state not in ("on_therapy", "off_therapy"):
        assert evaluation.alerts == []
    assert len(codes) == len(evaluation.alerts)
    assert not {"neutropenia_grade3", "neutropenia_grade4"} <= codes
    assert not {"thrombocytopenia_grade3", "thrombocytopenia_grade4"} <= codes


@COMMON
@given(cases)
def test_schedule_invariants(case: tuple[Patient, dt.date]) -> None:
    patient, as_of = case
    evaluation = evaluate_patient(patient, as_of)
    items = evaluation.schedule
    assert items == sorted(items, key=lambda i: (i.due_date, i.reason))
    upcoming = [i for i in items if i.status == "upcoming"]
    assert len(upcoming) <= 1
    if upcoming:
        assert evaluation.state.state in ("on_therapy", "off_therapy")
        assert upcoming[0].window_start > as_of and upcoming[0] == items[-1]
    sample_dates = [i.sample_date for i in items if i.sample_date is not None]
    assert len(sample_dates) == len(set(sample_dates))  # a sample satisfies one item at most
    for item in items:
        if item.status == "done":
            assert item.sample_date is not None and item.window_start <= item.sample_date <= item.window_end
            assert item.sample_date <= as_of
        elif item.status == "overdue":
            assert as_of > item.window_end
        elif item.status == "due":
            assert item.window_start <= as_of <= item.window_end
        assert set(item.to_json()) == {"patient_id", "kind", "due_date", "status", "reason"}


def test_generated_cases_reach_every_status() -> None:
    """Guards the invariants above against vacuity: the generators produce each status."""
    for status in ("eligible", "not_eligible", "insufficient_data", "not_applicable"):
        find(cases, lambda case, status=status: evaluate_patient(*case).eligibility.status == status)  # type: ignore[misc]
