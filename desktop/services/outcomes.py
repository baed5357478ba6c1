"""Registry outcomes (clinical-rules §9) with the registry's own parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator

from desktop.clinical.outcomes import RegistryOutcomes, evaluate_outcomes
from desktop.domain import Patient
from desktop.services.evaluation import load_parameters
from desktop.store import RecordWindow, Registry

Progress = Callable[[int, int], None]


def outcomes_window(as_of: dt.date) -> RecordWindow:
    """What §9 reads of a patient: every cycle, sample and event, and of the counts, responses and adverse events
    only the latest date on or before `as_of` (the overall-survival censoring date), as light records (read,
    never kept). A test checks it equals a full load."""
    return RecordWindow(
        latest_only=(frozenset({"counts", "responses", "adverse_events"}), as_of),
        omit=frozenset({"medications", "co_mutations"}),
        light=True,
    )


def registry_outcomes(
    registry: Registry,
    as_of: dt.date,
    *,
    diagnosis_years: Collection[int] | None = None,
    regimens: Collection[str | None] | None = None,
    progress: Progress | None = None,
) -> RegistryOutcomes:
    """The outcomes at `as_of` of the registry's patients, or of those diagnosed in `diagnosis_years` and treated
    with one of `regimens` (a patient's regimen is that of its first cycle, None without a cycle).
    `progress(done, total)` is called every 500 patients and may raise to cancel."""
    params = load_parameters(registry)
    total = registry.count_patients()

    def patients() -> Iterator[Patient]:
        for done, patient in enumerate(registry.iter_patients(None, outcomes_window(as_of)), start=1):
            if progress and (done % 500 == 0 or done == total):
                progress(done, total)
            if diagnosis_years is not None and patient.diagnosis_date.year not in diagnosis_years:
                continue
            if regimens is not None and first_regimen(patient) not in regimens:
                continue
            yield patient

    return evaluate_outcomes(patients(), as_of, params)


def first_regimen(patient: Patient) -> str | None:
    """The regimen of the patient's first cycle (None without a cycle)."""
    first = min(patient.cycles, key=lambda c: (c.start_date, c.number), default=None)
    return None if first is None else first.regimen
