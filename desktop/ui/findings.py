"""Which findings about a patient are new and worth a pop-up, without Qt: every TFR criterion newly met (to
discuss), or a critical alert the patient did not have. Each is told once per patient per session."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.clinical.evaluation import PatientEvaluation

#: The key of the "every TFR criterion met" finding; a critical alert's key is its code.
CRITERIA_MET = "eligible"


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding to tell: `key` is CRITERIA_MET or a critical alert's code, `message` that alert's text."""

    key: str
    message: str = ""

    @property
    def critical(self) -> bool:
        """Whether this is a critical alert (not criteria met)."""
        return self.key != CRITERIA_MET


def findings_since(evaluation: PatientEvaluation, previous: PatientEvaluation | None) -> list[Finding]:
    """What `evaluation` finds that `previous` (the evaluation shown before, None if none) did not."""
    found = []
    if evaluation.eligibility.status == "eligible" and (previous is None or previous.eligibility.status != "eligible"):
        found.append(Finding(CRITERIA_MET))
    old_codes = {alert.code for alert in previous.alerts} if previous else set()
    found += [
        Finding(alert.code, alert.message)
        for alert in evaluation.alerts
        if alert.severity == "critical" and alert.code not in old_codes
    ]
    return found


class FindingMemory:
    """The findings already told in this session, so each is told once per patient."""

    def __init__(self) -> None:
        self._told: set[tuple[str, str]] = set()

    def fresh(self, evaluation: PatientEvaluation, previous: PatientEvaluation | None) -> list[Finding]:
        """The new findings not yet told for this patient, now remembered as told."""
        patient_id = evaluation.patient_id
        fresh = [f for f in findings_since(evaluation, previous) if (patient_id, f.key) not in self._told]
        self._told.update((patient_id, f.key) for f in fresh)
        return fresh
