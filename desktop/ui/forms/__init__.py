"""Data entry: `RecordDialog` for every record kind and `PatientDialog`, validated live through the domain."""

from desktop.ui.forms.patient_dialog import PatientDialog
from desktop.ui.forms.record_dialog import RecordDialog

__all__ = ["PatientDialog", "RecordDialog"]
