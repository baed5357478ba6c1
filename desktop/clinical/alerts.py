"""Alerts at `as_of` (clinical-rules.md §7), raised only while on or off therapy.

Readings of the rules text:
- `mrd_overdue`: "no evaluable sample dated on or after its due date" (v2: an inadequate sample is not
  monitoring). Only the latest overdue item of the current course can qualify (a sample after a later due date
  is also after an earlier one), so that item alone is checked.
- `mrd_conversion` needs exactly one positive after the negative; two or more is `molecular_relapse`.
- `molecular_progression` compares the latest ratio with the run's minimum, the latest included (a run of one
  sample never progresses).
- `eoc4_not_negative`: "past its window" means `as_of` > due date + `assessment_window_days`.
- Toxicity: "≤ `count_alert_days` old" means `as_of − date ≤ count_alert_days` days.
- §8 alerts (on therapy only) come from `dose_review.review_dose`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple

from desktop.clinical.ctcae import anc_grade, hemoglobin_grade, platelet_grade
from desktop.clinical.dose_review import DoseReview, review_dose
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
    "venetoclax_dose_above_limit",
    "cytopenia_in_remission",
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
    latest = facts.mrd.latest_evaluable
    if latest is not None and latest.date >= item.due_date:
        return None
    off = facts.status.state == "off_therapy"
    since = f"; the latest evaluable sample is from {latest.date}" if latest is not None else ""
    failed = facts.mrd.latest
    if failed is not None and failed.mrd_class == "inadequate" and failed.date >= item.due_date:
        since += f" (the sample of {failed.date} was inadequate)"
    return Alert(
        facts.patient.patient_id,
        "mrd_overdue",
        "critical" if off else "warning",
        f"MRD assessment '{item.reason}' was due on {item.due_date} (window ended {item.window_end}) "
        f"and no evaluable sample has been taken since{since or '; no evaluable sample on record'}.",
        item.due_date,
    )


def _mrd_alerts(facts: PatientFacts) -> list[Alert]:
    mrd, pid, params = facts.mrd, facts.patient.patient_id, facts.params
    latest = mrd.latest_evaluable
    alerts: list[Alert] = []
    if latest is None or latest.mrd_class == "negative":
        return alerts
    run = mrd.positive_run()
    before = mrd.negative_before_positive_run()
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
    if mrd.confirmed_relapse() and before is not None:
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
    progression = mrd.progression(params.progression_log_rise)
    if progression is not None:
        lowest, _ = progression
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
        "warning" if facts.status.state == "off_therapy" else "info",
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


def _dose_alerts(facts: PatientFacts, review: DoseReview) -> list[Alert]:
    """§8: the latest cycle's dose above its limit, and grade 4 cytopenia in remission during it (on therapy)."""
    cycle, limit, pid = review.cycle, review.limit, facts.patient.patient_id
    if facts.status.state != "on_therapy" or cycle is None or limit is None:
        return []
    alerts = []
    given = f"venetoclax {cycle.venetoclax_dose_mg:g} mg/day" if cycle.venetoclax_dose_mg is not None else "venetoclax"
    if review.above_limit:
        alerts.append(
            Alert(
                pid,
                "venetoclax_dose_above_limit",
                "warning",
                f"Cycle {cycle.number} ({cycle.start_date}): {given} is above the limit of {limit.limit_mg:g} mg/day "
                f"({limit.reason}); the label advises: {limit.advice()}.",
                cycle.start_date,
            )
        )
    episode = review.episode
    if episode is not None:
        lasting = f"{episode.days} days" if episode.recovered_on else f"{episode.days} days so far"
        which = "the first" if review.first_of_course else f"qualifying episode {review.qualifying_in_course}"
        alerts.append(
            Alert(
                pid,
                "cytopenia_in_remission",
                "warning",
                f"Grade 4 cytopenia in remission ({episode.remission}) from {episode.first}, {lasting} "
                f"(≥ {facts.params.cytopenia_episode_days}), during cycle {cycle.number} with {given}: {which} of this "
                f"course; the label advises: {review.cytopenia_advice}.",
                episode.first,
            )
        )
    return alerts


def alerts_from_facts(
    facts: PatientFacts,
    eligibility: Eligibility,
    schedule: Sequence[ScheduleItem],
    dose: DoseReview | None = None,
) -> list[Alert]:
    """Active alerts from precomputed facts, eligibility, schedule and dose review, in contract order."""
    if facts.status.state not in ("on_therapy", "off_therapy"):
        return []
    alerts = _mrd_alerts(facts) + _count_alerts(facts) + _dose_alerts(facts, dose or review_dose(facts))
    for alert in (_mrd_overdue(facts, schedule), _eoc4_not_negative(facts), _inadequate_sample(facts)):
        if alert is not None:
            alerts.append(alert)
    if eligibility.status == "eligible":
        alerts.append(
            Alert(
                facts.patient.patient_id,
                "tfr_candidate",
                "info",
                "All TFR criteria met — discuss a planned stop; good tolerance and the decision rest with the "
                "clinician.",
                facts.as_of,
            )
        )
    return sort_alerts(alerts)


def active_alerts(patient: Patient, as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> list[Alert]:
    """Alerts of `patient` active at `as_of`, ordered by severity (critical first), then code."""
    facts = PatientFacts.of(patient, as_of, params)
    return alerts_from_facts(facts, eligibility_from_facts(facts), schedule_from_facts(facts))
