"""One patient: a header (identity, co-mutations high risk for TFR highlighted, state, strategy) and tabs for the
charts, the follow-up schedule and alerts, the records, and the audit history."""

from __future__ import annotations

import html
import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from desktop.clinical.evaluation import PatientEvaluation
from desktop.domain import Patient
from desktop.store import AuditEntry, StoredPatient
from desktop.ui import wording
from desktop.ui.alerts_view import FollowUpView, read_only_table
from desktop.ui.charts import PatientCharts
from desktop.ui.records_view import RecordsView
from desktop.ui.text_block import TextBlock

Index = QModelIndex | QPersistentModelIndex
IDENTIFIERS = ("name", "mrn", "birth_date")
ID_STYLE = "font-size:15pt; font-weight:600"  # the patient id that opens the header


class AuditModel(QAbstractTableModel):
    """A patient's audit trail, newest first."""

    headers = ("When", "User", "Action", "Record", "Field", "Old value", "New value")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self.hide_identifiers = False

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        e = self.entries[index.row()]
        old, new = e.old_value, e.new_value
        if self.hide_identifiers and (e.field in IDENTIFIERS or e.action in ("add_patient", "delete_patient")):
            old, new = old and "(hidden)", new and "(hidden)"
        when = e.ts[:19].replace("T", " ") + " UTC" if e.ts.endswith("+00:00") else e.ts
        values = (when, e.os_user, e.action.replace("_", " "), e.record, e.field, old, new)
        text = values[index.column()] or ""
        return text if role == Qt.ItemDataRole.ToolTipRole or len(text) < 120 else text[:117] + "…"


def header_html(patient: Patient, evaluation: PatientEvaluation, hide_names: bool) -> str:
    """The patient header: identity, diagnosis, co-mutations (high risk for TFR in bold red), state, the TFR
    criteria and the strategy to consider."""
    parts = [f"<span style='{ID_STYLE}'>{html.escape(patient.patient_id)}</span>"]
    if not hide_names:
        identity = [patient.name or "", f"MRN {patient.mrn}" if patient.mrn else ""]
        parts.append(html.escape("  ·  ".join(x for x in identity if x)))
    facts = [f"diagnosed {patient.diagnosis_date.isoformat()}"]
    if patient.birth_date and not hide_names:
        facts.append(f"born {patient.birth_date.isoformat()}")
    if patient.sex:
        facts.append(patient.sex)
    if patient.npm1_type:
        facts.append(f"NPM1 type {html.escape(patient.npm1_type)}")
    if patient.baseline_npm1_abl1_pct is not None:
        facts.append(f"baseline NPM1/ABL1 {patient.baseline_npm1_abl1_pct:g}%")
    line1 = "  ·  ".join([*parts, html.escape(", ".join(facts))])
    line2 = f"<b>Co-mutations:</b> {wording.co_mutations_html(patient, evaluation.params)}"
    status = evaluation.eligibility
    colour = wording.STATUS_COLOUR.get(status.status)
    status_html = html.escape(wording.ELIGIBILITY_HEADER[status.status])
    if colour is not None:
        status_html = f"<span style='color:{colour.name()}; font-weight:600'>{status_html}</span>"
    strategy = wording.strategy_text(status.strategy, bool(evaluation.data_errors))
    line3 = (
        f"<b>State:</b> {wording.STATE[evaluation.state.state]} ({evaluation.state.cycles_started} cycles)  ·  "
        f"<b>TFR criteria:</b> {status_html}  ·  <b>Strategy:</b> {html.escape(strategy)}"
    )
    return "<br>".join((line1, line2, line3))


def header_height(font: QFont, lines: int) -> int:
    """The height of a header of `lines` lines (the first in the 15 pt id), measured on a sample text:
    reserved, so the charts under the header keep their height from patient to patient instead of jumping
    (and being redrawn at the new size) when a line wraps."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setHtml("<br>".join([f"<span style='{ID_STYLE}'>VT</span>", *["x"] * (lines - 1)]))
    return math.ceil(document.size().height())


class PatientView(QWidget):
    """The selected patient, or an empty state."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.header = TextBlock(min_height=header_height(self.font(), lines=5))
        self.charts = PatientCharts()
        self.follow_up = FollowUpView()
        self.records = RecordsView()
        self.audit_model = AuditModel(self)
        self.audit = read_only_table(self.audit_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.charts, "&Charts")
        self.tabs.addTab(self.follow_up, "&Follow-up")
        self.tabs.addTab(self.records, "&Records")
        self.tabs.addTab(self.audit, "&History")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.stored: StoredPatient | None = None
        self.evaluation: PatientEvaluation | None = None
        self.hide_names = False
        self.set_registry_empty(False)

    def set_registry_empty(self, empty: bool) -> None:
        """The empty state's text: an empty registry says how to fill it."""
        if empty:
            self.empty.setText(
                "This registry has no patients yet.\n\nAdd one with Patient → New patient (Ctrl+N),\n"
                "or import a registry file with File → Import (Ctrl+I)."
            )
        else:
            self.empty.setText(
                "No patient selected.\n\nChoose a patient in the list (type to filter),\n"
                "or add one with Patient → New patient (Ctrl+N)."
            )

    @property
    def patient_id(self) -> str | None:
        """The shown patient's id."""
        return self.stored.patient.patient_id if self.stored else None

    def show_patient(
        self, stored: StoredPatient | None, evaluation: PatientEvaluation | None, audit: list[AuditEntry] | None = None
    ) -> None:
        """Show a patient (charts update in place) or the empty state."""
        self.stored, self.evaluation = stored, evaluation
        if stored is None or evaluation is None:
            self.stack.setCurrentIndex(0)
            self.charts.clear()
            self.follow_up.show_evaluation(None)
            self.records.show_patient(None)
            self.audit_model.set_entries([])
            return
        self.stack.setCurrentIndex(1)
        self._show_header()
        self.charts.show_patient(stored.patient, evaluation)
        self.follow_up.show_evaluation(evaluation)
        self.records.show_patient(stored, evaluation.params)
        self.audit_model.set_entries(audit or [])
        n = len(evaluation.alerts)
        tab_text = f"&Follow-up ({n} alert{'' if n == 1 else 's'})" if n else "&Follow-up"
        if self.tabs.tabText(1) != tab_text:  # a new text lays the tab bar out again
            self.tabs.setTabText(1, tab_text)

    def set_hide_names(self, hide: bool) -> None:
        """Hide direct identifiers (name, MRN, birth date) in the header."""
        self.hide_names = hide
        self.audit_model.beginResetModel()
        self.audit_model.hide_identifiers = hide
        self.audit_model.endResetModel()
        if self.stored is not None:
            self._show_header()

    def _show_header(self) -> None:
        assert self.stored is not None and self.evaluation is not None
        self.header.set_html(header_html(self.stored.patient, self.evaluation, self.hide_names))
