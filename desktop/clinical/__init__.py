"""The clinical rules of clinical-rules.md as pure functions: no Qt, no SQL, no I/O.

Every function takes domain objects, an `as_of` date and `Parameters`, ignores records dated after `as_of`,
and returns plain result objects whose `to_json()` gives the contract shapes.
"""

from desktop.clinical.alerts import ALERT_CODES, Alert, active_alerts, alert_sort_key, sort_alerts
from desktop.clinical.calendar import add_months
from desktop.clinical.eligibility import CRITERIA, Criterion, Eligibility, evaluate_eligibility
from desktop.clinical.evaluation import PatientEvaluation, evaluate_patient
from desktop.clinical.mrd import ClassifiedSample, MrdHistory, classify, log_reduction
from desktop.clinical.parameters import DEFAULT_PARAMETERS, PARAMETER_NAMES, InvalidParameters, Parameters
from desktop.clinical.schedule import ScheduleItem, build_schedule, schedule_sort_key, sort_schedule
from desktop.clinical.state import TreatmentStatus, consistency_problems, treatment_status

__all__ = [
    "ALERT_CODES",
    "CRITERIA",
    "DEFAULT_PARAMETERS",
    "PARAMETER_NAMES",
    "Alert",
    "ClassifiedSample",
    "Criterion",
    "Eligibility",
    "InvalidParameters",
    "MrdHistory",
    "Parameters",
    "PatientEvaluation",
    "ScheduleItem",
    "TreatmentStatus",
    "active_alerts",
    "add_months",
    "alert_sort_key",
    "build_schedule",
    "classify",
    "consistency_problems",
    "evaluate_eligibility",
    "evaluate_patient",
    "log_reduction",
    "schedule_sort_key",
    "sort_alerts",
    "sort_schedule",
    "treatment_status",
]
