"""The pop-up's findings (desktop.ui.findings, no Qt): criteria newly met, critical alerts newly raised, each
told once per patient."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from desktop.clinical.alerts import Alert
from desktop.clinical.evaluation import PatientEvaluation, evaluate_patient
from desktop.ui.findings import CRITERIA_MET, Finding, FindingMemory, findings_since
from tests.builders import make_patient

AS_OF = dt.date(2024, 7, 1)


def evaluation(patient_id: str = "P0001", *, status: str = "not_eligible", alerts: tuple[tuple[str, str], ...] = ()
               ) -> PatientEvaluation:  # fmt: skip
    """A real evaluation with its eligibility status and alerts ((code, severity), …) set for the test."""
    real = evaluate_patient(make_patient(patient_id), AS_OF)
    made = [Alert(patient_id, code, severity, f"{code} message", AS_OF) for code, severity in alerts]  # type: ignore[arg-type]
    eligibility = dataclasses.replace(real.eligibility, status=status)  # type: ignore[arg-type]
    return dataclasses.replace(real, eligibility=eligibility, alerts=made)


def test_criteria_met_is_a_finding_when_newly_met() -> None:
    assert findings_since(evaluation(status="eligible"), None) == [Finding(CRITERIA_MET)]
    assert findings_since(evaluation(status="eligible"), evaluation(status="not_eligible")) == [Finding(CRITERIA_MET)]
    assert findings_since(evaluation(status="eligible"), evaluation(status="eligible")) == []


@pytest.mark.parametrize("status", ["not_eligible", "insufficient_data", "not_applicable"])
def test_other_statuses_are_no_finding(status: str) -> None:
    assert findings_since(evaluation(status=status), None) == []


def test_only_new_critical_alerts_are_findings() -> None:
    now = evaluation(alerts=(("molecular_relapse", "critical"), ("mrd_overdue", "warning"), ("x", "critical")))
    before = evaluation(alerts=(("x", "critical"),))
    found = findings_since(now, before)
    assert found == [Finding("molecular_relapse", "molecular_relapse message")]
    assert found[0].critical and not Finding(CRITERIA_MET).critical


def test_criteria_met_comes_before_alerts() -> None:
    found = findings_since(evaluation(status="eligible", alerts=(("a", "critical"),)), None)
    assert [f.key for f in found] == [CRITERIA_MET, "a"]


def test_memory_tells_each_finding_once_per_patient() -> None:
    memory = FindingMemory()
    first = evaluation("P0001", status="eligible", alerts=(("a", "critical"),))
    assert [f.key for f in memory.fresh(first, None)] == [CRITERIA_MET, "a"]
    assert memory.fresh(first, None) == []  # shown again (another switch): already told
    assert [f.key for f in memory.fresh(evaluation("P0002", status="eligible"), None)] == [CRITERIA_MET]
    second = evaluation("P0001", status="eligible", alerts=(("a", "critical"), ("b", "critical")))
    assert [f.key for f in memory.fresh(second, None)] == ["b"]
