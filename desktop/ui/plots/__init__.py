"""The patient charts (pyqtgraph): MRD on a log axis, blood counts with CTCAE bands, the cycle timeline."""

from desktop.ui.plots.patient_charts import PatientCharts

__all__ = ["PatientCharts"]
