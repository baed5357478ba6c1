"""Alerts at `as_of` (clinical-rules.md §7), raised only while on or off therapy.

Readings of the rules text:
- `mrd_overdue`: "no sample dated on or after its due date" counts any sample (one per date, inadequate
  included). Only the latest overdue item of the current course can qualify (a sample after a later due date is
  also after an earlier one), so that item alone is checked.
- `mrd_conversion` needs exactly one positive after the negative; two or more is `molecular_relapse`.
- `molecular_progression` compares the latest ratio with the run's minimum, the latest included (a run of one
  sample never progresses).
- `eoc4_not_negative`: "past its window" means `as_of` > due date + `assessment_window_days`.
- Toxicity: "≤ `count_alert_days` old" means `as_of − date ≤ count_alert_days` days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple

from desktop.clinical.ctcae import anc_grade, hemoglobin_grade, platelet_grade
from desktop.clinical.eligibility import Eligibility, decimal, eligibility_from_facts
from desktop.clinical.facts import PatientFacts
from desktop.clinical.mrd import format_ratio
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.clinical.schedule import ScheduleItem, schedule_from_facts
from desktop.domain import Patient

Severity = Literal["critical", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"critical": 0, "warning": 1, "info": 2}
ALERT_CODES: tuple[str, ...] = (
    "mrd_overdue",
    "mrd_conversion",
    "molecular_relapse",
    "molecular_progression",
    "eoc4_not_negative",
    "inadequate_sample",
    "neutropenia_grade4",
    "neutropenia_grade3",
    "thrombocytopenia_grade4",
    "thrombocytopenia_grade3",
    "anemia_grade3",
    "tfr_candidate",
)


class Alert(NamedTuple):
    """One active alert; `date` is the date of its evidence."""

    patient_id: str
    code: str
    severity: Severity
    message: str
    date: dt.date

    def to_json(self) -> dict[str, Any]:
        """`{"patient_id", "code", "severity", "message", "date"}` (contract shape)."""
        return {
            "patient_id": self.patient_id,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "date": self.date.isoformat(),
        }


def alert_sort_key(alert: Alert) -> tuple[str, int, str]:
    """Contract order: patient, severity (critical first), code."""
    return (alert.patient_id, SEVERITY_ORDER[alert.severity], alert.code)


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    """Alerts in contract order (patient, severity, code)."""
    return sorted(alerts, key=alert_sort_key)


def _mrd_overdue(facts: PatientFacts, schedule: Sequence[ScheduleItem]) -> Alert | None:
    overdue = [i for i in schedule if i.current_course and i.status == "overdue"]
    if not overdue:
        return None
    item = max(overdue, key=lambda i: (i.due_date, i.reason))
    latest = facts.mrd.latest
    if latest is not None and latest.date >= item.due_date:
        return None
    off = facts.status.state == "off_therapy"
    since = f"; the latest sample is from {latest.date}" if latest is not None else "; no sample on record"
    return Alert(
        facts.patient.patient_id,
        "mrd_overdue",
        "critical" if off else "warning",
        f"MRD assessment '{item.reason}' was due on {item.due_date} (window ended {item.window_end}) "
        f"and no sample has been taken since{since}.",
        item.due_date,
    )


def _mrd_alerts(facts: PatientFacts) -> list[Alert]:
    mrd, pid, params = facts.mrd, facts.patient.patient_id, facts.params
    latest = mrd.latest_evaluable
    alerts: list[Alert] = []
    if latest is None or latest.mrd_class == "negative":
        return alerts
    run = mrd.positive_run()
    before = mrd.evaluable[-len(run) - 1] if len(mrd.evaluable) > len(run) else None  # negative, if any
    if before is not None and len(run) == 1:
        alerts.append(
            Alert(
                pid,
                "mrd_conversion",
                "warning",
                f"NPM1 MRD became detectable ({latest.describe()}) after a negative sample on {before.date}: "
                "repeat within 4 weeks.",
                latest.date,
            )
        )
    if before is not None and len(run) >= 2:
        alerts.append(
            Alert(
                pid,
                "molecular_relapse",
                "critical",
                f"Confirmed molecular relapse: {len(run)} consecutive positive samples since {run[0].date} after a "
                f"negative sample on {before.date}, latest {latest.describe()}.",
                latest.date,
            )
        )
    lowest = min(run, key=lambda s: (s.ratio_pct, s.date))
    if len(run) >= 2 and latest.ratio_pct >= lowest.ratio_pct * 10**params.progression_log_rise:
        alerts.append(
            Alert(
                pid,
                "molecular_progression",
                "critical",
                f"Molecular progression: NPM1/ABL1 rose from {format_ratio(lowest.ratio_pct)} on {lowest.date} to "
                f"{format_ratio(latest.ratio_pct)} on {latest.date} (≥ {params.progression_log_rise:g} log10).",
                latest.date,
            )
        )
    return alerts


def _eoc4_not_negative(facts: PatientFacts) -> Alert | None:
    status, params = facts.status, facts.params
    course = status.current_course
    if status.state != "on_therapy" or course is None or len(course.cycles) < 4:
        return None
    due = course.cycles[3].date + dt.timedelta(days=params.cycle_length_days)
    if facts.as_of <= due + dt.timedelta(days=params.assessment_window_days):
        return None
    latest = facts.mrd.latest_evaluable
    if latest is None or latest.mrd_class == "negative":
        return None
    course_start = course.cycles[0].date
    if any(s.mrd_class == "negative" and s.date >= course_start for s in facts.mrd.samples):
        return None
    return Alert(
        facts.patient.patient_id,
        "eoc4_not_negative",
        "warning",
        f"MRD not negative by the end of cycle 4 (due {due}): no negative sample since cycle "
        f"{course.cycles[0].number} began on {course_start}, latest {latest.describe()}.",
        latest.date,
    )


def _inadequate_sample(facts: PatientFacts) -> Alert | None:
    latest = facts.mrd.latest
    if latest is None or latest.mrd_class != "inadequate":
        return None
    return Alert(
        facts.patient.patient_id,
        "inadequate_sample",
        "info",
        f"The latest MRD sample ({latest.specimen}, {latest.date}) is inadequate: NPM1 not detected with "
        f"{latest.abl1_copies:,.0f} ABL1 copies (< {facts.params.abl1_min_copies:,}); repeat it.",
        latest.date,
    )


def _count_alerts(facts: PatientFacts) -> list[Alert]:
    count = facts.latest_count
    if count is None or (facts.as_of - count.date).days > facts.params.count_alert_days:
        return []
    pid, date = facts.patient.patient_id, count.date
    alerts = []
    grade = anc_grade(count.anc)
    if grade >= 3:
        limit = 0.5 if grade == 4 else 1.0
        alerts.append(
            Alert(
                pid,
                f"neutropenia_grade{grade}",
                "critical" if grade == 4 else "warning",
                f"ANC {decimal(count.anc)} ×10^9/L on {date} (< {decimal(limit)}): CTCAE grade {grade} neutropenia.",
                date,
            )
        )
    grade = platelet_grade(count.platelets)
    if grade >= 3:
        limit = 25 if grade == 4 else 50
        alerts.append(
            Alert(
                pid,
                f"thrombocytopenia_grade{grade}",
                "critical" if grade == 4 else "warning",
                f"Platelets {count.platelets:g} ×10^9/L on {date} (< {limit}): CTCAE grade {grade} thrombocytopenia.",
                date,
            )
        )
    if hemoglobin_grade(count.hemoglobin) >= 3:
        alerts.append(
            Alert(
                pid,
                "anemia_grade3",
                "warning",
                f"Hemoglobin {decimal(count.hemoglobin)} g/dL on {date} (< 8.0): CTCAE grade 3 anemia.",
                date,
            )
        )
    return alerts


def alerts_from_facts(facts: PatientFacts, eligibility: Eligibility, schedule: Sequence[ScheduleItem]) -> list[Alert]:
    """Active alerts from precomputed facts, eligibility and schedule, in contract order."""
    if facts.status.state not in ("on_therapy", "off_therapy"):
        return []
    alerts = _mrd_alerts(facts) + _count_alerts(facts)
    for alert in (_mrd_overdue(facts, schedule), _eoc4_not_negative(facts), _inadequate_sample(facts)):
        if alert is not None:
            alerts.append(alert)
    if eligibility.status == "eligible":
        alerts.append(
            Alert(
                facts.patient.patient_id,
                "tfr_candidate",
                "info",
                "All six discontinuation (TFR) criteria are met: the patient is a candidate to stop therapy.",
                facts.as_of,
            )
        )
    return sort_alerts(alerts)


def active_alerts(patient: Patient, as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> list[Alert]:
    """Alerts of `patient` active at `as_of`, ordered by severity (critical first), then code."""
    facts = PatientFacts.of(patient, as_of, params)
    return alerts_from_facts(facts, eligibility_from_facts(facts), schedule_from_facts(facts))
