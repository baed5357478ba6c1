"""Evaluating patients against the clinical rules with the registry's own parameters."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from desktop.clinical.alerts import sort_alerts
from desktop.clinical.eligibility import RECENT_ADVERSE_EVENT_DAYS, eligibility_from_facts
from desktop.clinical.evaluation import PatientEvaluation, evaluation_from_facts
from desktop.clinical.facts import PatientFacts
from desktop.clinical.parameters import DEFAULT_PARAMETERS, InvalidParameters, Parameters
from desktop.clinical.schedule import schedule_from_facts, sort_schedule
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

    `progress(done, total)` is called every 500 patients and may raise to cancel. The evaluations hold light
    records (`evaluations`): for lists, alerts and comparisons, not for editing.
    """
    params = params or load_parameters(registry)
    total = len(patient_ids) if patient_ids is not None else registry.count_patients()
    results: dict[str, PatientEvaluation] = {}
    for done, evaluation in enumerate(evaluations(registry, as_of, params, patient_ids), start=1):
        results[evaluation.patient_id] = evaluation
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    return results


def evaluations(
    registry: Registry,
    as_of: dt.date,
    params: Parameters,
    patient_ids: Sequence[str] | None = None,
    *,
    id_slice: Sequence[str] | None = None,
) -> Iterator[PatientEvaluation]:
    """Each patient (or those of `patient_ids`, or of `id_slice`, a contiguous slice of the sorted ids)
    evaluated at `as_of`, in patient id order (see `patient_facts`)."""
    return map(evaluation_from_facts, patient_facts(registry, as_of, params, patient_ids, id_slice=id_slice))


def patient_facts(
    registry: Registry,
    as_of: dt.date,
    params: Parameters,
    patient_ids: Sequence[str] | None = None,
    *,
    id_slice: Sequence[str] | None = None,
) -> Iterator[PatientFacts]:
    """The facts every rule starts from, of each patient (or those of `patient_ids`, or of `id_slice`), in patient
    id order, read in one snapshot with only what the rules read; the records they refer to are light
    (`RecordWindow.light`: named tuples, five times cheaper to read)."""
    window = dataclasses.replace(rules_window(as_of), light=True)
    with registry.snapshot():
        if id_slice is not None:
            patients = registry.iter_patient_slice(id_slice, window)
        else:
            patients = registry.iter_patients(patient_ids, window)
        for patient in patients:
            yield PatientFacts.of(patient, as_of, params)


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


#: What `eligibility`, `schedule` and `alerts --json` list of one patient, in contract order, from its facts: each
#: command computes only the rules it prints (alerts need them all). Each sort key starts with the patient id, so
#: patients in id order give the registry-wide order.
ITEMS: dict[str, Callable[[PatientFacts], list[dict[str, Any]]]] = {
    "eligibility": lambda facts: [eligibility_from_facts(facts).to_json()],
    "schedule": lambda facts: [item.to_json() for item in sort_schedule(schedule_from_facts(facts))],
    "alerts": lambda facts: [alert.to_json() for alert in sort_alerts(evaluation_from_facts(facts).alerts)],
}


def command_items(command: str, facts: Iterable[PatientFacts]) -> list[dict[str, Any]]:
    """The JSON items of `command` (eligibility, schedule, alerts) for patients' facts in patient id order."""
    items = ITEMS[command]
    return [item for patient in facts for item in items(patient)]


def command_json_lines(
    path: Path, command: str, as_of: dt.date, params: Parameters, id_slice: Sequence[str]
) -> list[str]:
    """`command --json`'s element lines for the patients of `id_slice` (a contiguous slice of the sorted ids),
    each patient's rendered as it is evaluated (opens the registry itself: it may run in another process)."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False) without re-creating it
    items = ITEMS[command]
    with Registry.open(path) as registry:
        return [dumps(item) for facts in patient_facts(registry, as_of, params, id_slice=id_slice)
                for item in items(facts)]  # fmt: skip


def registry_json_body(path: Path, command: str, as_of: dt.date, params: Parameters, jobs: int) -> str:
    """`command --json`'s elements for every patient, in contract order, one per line joined by `,\\n` (the
    body of the printed list), over `jobs` processes: each evaluates a contiguous range of patient ids and
    sends back one text, the same whatever the number of processes."""
    from desktop.services.parallel import run_parts, split

    with Registry.open(path) as registry:
        ids = registry.patient_ids()

    def part_body(id_slice: Sequence[str]) -> str:
        return ",\n".join(command_json_lines(path, command, as_of, params, id_slice))

    return ",\n".join(body for body in run_parts(part_body, split(ids, jobs)) if body)
