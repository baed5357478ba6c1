"""Builders of domain patients for the clinical rule tests (fixtures in conftest.py).

`make_patient(cycles=9, mrd=[("2024-01-02", 0)], counts=[("2024-06-20", 2.0, 150)], events=[...])` builds a
`Patient` concisely: dates are ISO strings, tuples fill the fields in exchange-file order with defaults.
The builders are plain functions, so parametrize tables and hypothesis strategies can use them directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from desktop.domain import AdverseEvent, BloodCount, CoMutation, Cycle, Event, Medication, MrdSample, Patient, Response

FIRST_CYCLE = "2023-01-02"
DEFAULT_ABL1 = 50_000.0

DateLike = str | dt.date


def day(value: DateLike) -> dt.date:
    """An ISO string or a date as a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def cycle_dates(n: int, first: DateLike = FIRST_CYCLE, every: int = 28) -> list[dt.date]:
    """Start dates of n cycles, `every` days apart."""
    start = day(first)
    return [start + dt.timedelta(days=every * k) for k in range(n)]


def make_patient(
    cycles: int | Sequence[DateLike | tuple[int, DateLike]] = 0,
    *,
    first_cycle: DateLike = FIRST_CYCLE,
    cycle_days: int = 28,
    mrd: Sequence[tuple[Any, ...]] = (),
    counts: Sequence[tuple[Any, ...]] = (),
    events: Sequence[tuple[DateLike, str]] = (),
    co_mutations: Sequence[str | tuple[str, float | None]] | None = (),
    adverse_events: Sequence[tuple[Any, ...]] = (),
    patient_id: str = "P1",
    baseline: float | None = None,
    responses: Sequence[tuple[DateLike, str]] = (),
    medications: Sequence[tuple[str, DateLike] | tuple[str, DateLike, DateLike | None]] = (),
    regimen: str = "VEN-AZA",
    dose: float | None = None,
) -> Patient:
    """A patient from concise records.

    - `cycles`: a count (every `cycle_days` from `first_cycle`), start dates, or `(number, date)` pairs;
    - `mrd`: `(date, npm1_copies[, abl1_copies=50000[, specimen="BM"]])`;
    - `counts`: `(date, anc[, platelets=150[, hemoglobin=12.0]])`;
    - `events`: `(date, type)`; `adverse_events`: `(date, grade[, term])`;
    - `co_mutations`: None (not tested), or genes / `(gene, allelic_ratio)`; default `()` = tested, none found;
    - `responses`: `(date, category)`; `medications`: `(name, start[, end])`;
    - `regimen` and `dose` (venetoclax mg/day) of every cycle.
    """
    cycle_list: list[tuple[int, DateLike]]
    if isinstance(cycles, int):
        cycle_list = list(enumerate(cycle_dates(cycles, first_cycle, cycle_days), start=1))
    else:
        cycle_list = [c if isinstance(c, tuple) else (n, c) for n, c in enumerate(cycles, start=1)]
    mutations = None
    if co_mutations is not None:
        mutations = [
            CoMutation(gene=m) if isinstance(m, str) else CoMutation(gene=m[0], allelic_ratio=m[1])
            for m in co_mutations
        ]
    return Patient(
        patient_id=patient_id,
        diagnosis_date=dt.date(2015, 1, 1),
        baseline_npm1_abl1_pct=baseline,
        co_mutations=mutations,
        cycles=[Cycle(number=n, start_date=day(d), regimen=regimen, venetoclax_dose_mg=dose) for n, d in cycle_list],
        mrd=[mrd_sample(*m) for m in mrd],
        counts=[blood_count(*c) for c in counts],
        events=[Event(date=day(d), type=t) for d, t in events],  # type: ignore[arg-type]
        adverse_events=[
            AdverseEvent(date=day(a[0]), grade=a[1], term=a[2] if len(a) > 2 else "Febrile neutropenia")
            for a in adverse_events
        ],
        responses=[Response(date=day(d), category=c) for d, c in responses],  # type: ignore[arg-type]
        medications=[
            Medication(name=m[0], start_date=day(m[1]), end_date=None if len(m) < 3 or m[2] is None else day(m[2]))
            for m in medications
        ],
    )


def mrd_sample(date: DateLike, npm1: float, abl1: float = DEFAULT_ABL1, specimen: str = "BM") -> MrdSample:
    """An MRD sample (ratio = npm1 / abl1 × 100)."""
    return MrdSample(date=day(date), specimen=specimen, npm1_copies=float(npm1), abl1_copies=float(abl1))  # type: ignore[arg-type]


def blood_count(date: DateLike, anc: float, platelets: float = 150.0, hemoglobin: float = 12.0) -> BloodCount:
    """A blood count in 10^9/L and g/dL."""
    return BloodCount(date=day(date), anc=float(anc), platelets=float(platelets), hemoglobin=float(hemoglobin))


def positive(date: DateLike, ratio_pct: float, abl1: float = 100_000.0) -> tuple[str, float, float]:
    """An MRD tuple with the given NPM1/ABL1 ratio (percent)."""
    return (str(date), ratio_pct * abl1 / 100.0, abl1)
