"""Evaluating patients against the clinical rules with the registry's own parameters."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from desktop.clinical.alerts import sort_alerts
from desktop.clinical.eligibility import RECENT_ADVERSE_EVENT_DAYS
from desktop.clinical.evaluation import PatientEvaluation, evaluate_patient
from desktop.clinical.parameters import DEFAULT_PARAMETERS, InvalidParameters, Parameters
from desktop.clinical.schedule import sort_schedule
from desktop.store import RecordWindow, Registry, RegistryError

PARAMETERS_SETTING = "clinical_parameters"
Progress = Callable[[int, int], None]


def load_parameters(registry: Registry) -> Parameters:
    """The registry's clinical parameters (the defaults of clinical-rules.md §1 until a site changes them)."""
    stored = registry.get_setting(PARAMETERS_SETTING)
    if stored is None:
        return DEFAULT_PARAMETERS
    try:
        return Parameters.from_dict(json.loads(stored))
    except (ValueError, InvalidParameters) as error:
        raise RegistryError(f"the registry's clinical parameters are unusable: {error}") from None


def save_parameters(registry: Registry, params: Parameters) -> None:
    """Store the clinical parameters (one transaction, recorded in the audit log)."""
    registry.set_setting(PARAMETERS_SETTING, json.dumps(params.to_dict(), sort_keys=True))


def evaluate_registry(
    registry: Registry,
    as_of: dt.date,
    params: Parameters | None = None,
    patient_ids: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, PatientEvaluation]:
    """Evaluate every patient (or those of `patient_ids`) at `as_of`, keyed and ordered by patient id.

    `progress(done, total)` is called every 500 patients and may raise to cancel.
    """
    params = params or load_parameters(registry)
    total = len(patient_ids) if patient_ids is not None else registry.count_patients()
    results: dict[str, PatientEvaluation] = {}
    for done, patient in enumerate(registry.iter_patients(patient_ids, rules_window(as_of)), start=1):
        results[patient.patient_id] = evaluate_patient(patient, as_of, params)
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    return results


def rules_window(as_of: dt.date) -> RecordWindow:
    """What the rules read of a patient at `as_of`, so a registry-wide evaluation loads only that.

    The rules use every cycle, MRD sample, response, event, medication and co-mutation, but of the counts only
    the latest date, the grade 4 episodes and the dates that end them (§8), and any after a death (§3), and of
    the adverse events only those of the last 90 days (`clinical.eligibility`). A test checks the results equal
    a full load. The data errors of a windowed patient name its counts by their place in the window.
    """
    return RecordWindow(
        rules_counts_on_or_before=as_of,
        adverse_events_between=(as_of - dt.timedelta(days=RECENT_ADVERSE_EVENT_DAYS), as_of),
    )


def eligibility_json(evaluations: Iterable[PatientEvaluation]) -> list[dict[str, Any]]:
    """`eligibility --json`: one object per patient, ordered by patient id."""
    return [e.eligibility.to_json() for e in sorted(evaluations, key=lambda e: e.patient_id)]


def schedule_json(evaluations: Iterable[PatientEvaluation]) -> list[dict[str, Any]]:
    """`schedule --json`: items ordered by patient id, then due date."""
    return [item.to_json() for item in sort_schedule(item for e in evaluations for item in e.schedule)]


def alerts_json(evaluations: Iterable[PatientEvaluation]) -> list[dict[str, Any]]:
    """`alerts --json`: active alerts ordered by patient id, then severity (critical first), then code."""
    return [alert.to_json() for alert in sort_alerts(alert for e in evaluations for alert in e.alerts)]
