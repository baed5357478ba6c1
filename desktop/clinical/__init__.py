"""The clinical rules of clinical-rules.md as pure functions: no Qt, no SQL, no I/O.

Every function takes domain objects, an `as_of` date and `Parameters`, ignores records dated after `as_of`,
and returns plain result objects whose `to_json()` gives the contract shapes.
"""

from desktop.clinical.alerts import ALERT_CODES, Alert, active_alerts, alert_sort_key, sort_alerts
from desktop.clinical.calendar import add_months
from desktop.clinical.data_errors import DataError, data_errors
from desktop.clinical.dose_review import DoseReview, review_dose
from desktop.clinical.dosing import DoseLimit, dose_limit
from desktop.clinical.eligibility import CRITERIA, Criterion, Eligibility, evaluate_eligibility
from desktop.clinical.evaluation import PatientEvaluation, evaluate_patient
from desktop.clinical.mrd import ClassifiedSample, MrdHistory, classify, log_reduction
from desktop.clinical.parameters import DEFAULT_PARAMETERS, PARAMETER_NAMES, InvalidParameters, Parameters
from desktop.clinical.schedule import ScheduleItem, build_schedule, schedule_sort_key, sort_schedule
from desktop.clinical.state import TreatmentStatus, treatment_status

__all__ = [
    "ALERT_CODES",
    "CRITERIA",
    "DEFAULT_PARAMETERS",
    "PARAMETER_NAMES",
    "Alert",
    "ClassifiedSample",
    "Criterion",
    "DataError",
    "DoseLimit",
    "DoseReview",
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
    "data_errors",
    "dose_limit",
    "evaluate_eligibility",
    "evaluate_patient",
    "log_reduction",
    "review_dose",
    "schedule_sort_key",
    "sort_alerts",
    "sort_schedule",
    "treatment_status",
]
