"""Patient charts (pyqtgraph): MRD on a log axis, blood counts with CTCAE bands and the cycle timeline on one
linked date axis, updated in place. `PatientCharts` is the widget."""

from desktop.ui.charts.patient_charts import PatientCharts

__all__ = ["PatientCharts"]
