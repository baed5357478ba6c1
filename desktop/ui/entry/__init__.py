"""Data-entry forms: one dialog per record kind and the patient dialog, validated through the domain models."""

from desktop.ui.entry.patient_form import PatientDialog
from desktop.ui.entry.record_form import RecordDialog

__all__ = ["PatientDialog", "RecordDialog"]
