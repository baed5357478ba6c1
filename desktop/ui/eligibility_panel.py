"""The discontinuation (TFR) eligibility panel: each criterion met / not met / unknown with its evidence,
the status and strategy in words, recent grade ≥ 3 adverse events, the parameters used, and an `as of` date
to replay history. Decision support: the panel says so."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.clinical.eligibility import CRITERIA
from desktop.clinical.evaluation import PatientEvaluation
from desktop.ui import wording


def _label(text: str = "", *, wrap: bool = True, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CriterionRow(QWidget):
    """One criterion: a large mark (✓ ✗ ?) with its word, the criterion's name and its evidence."""

    def __init__(self, criterion_id: str):
        super().__init__()
        self.criterion_id = criterion_id
        self.mark = QLabel()
        self.mark.setFixedWidth(34)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        font = self.mark.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.mark.setFont(font)
        self.title = _label(wording.CRITERIA[criterion_id])
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.detail = _label()
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.mark)
        layout.addLayout(text, 1)

    def show_criterion(self, met: bool | None, detail: str) -> None:
        """Show the mark, its word (for readers who do not see colour) and the evidence."""
        colour = wording.MARK_COLOUR[met].name()
        self.mark.setText(wording.MARK[met])
        self.mark.setStyleSheet(f"color: {colour};")
        self.mark.setToolTip(wording.MARK_WORD[met])
        self.title.setText(f"{wording.CRITERIA[self.criterion_id]} — {wording.MARK_WORD[met]}")
        self.detail.setText(detail)


class EligibilityPanel(QWidget):
    """Shows one patient's evaluation; `as_of_requested(date)` when the user picks another date."""

    as_of_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.banner = _label(f"⚠ {wording.DISCLAIMER}")
        self.banner.setObjectName("disclaimer")
        self.banner.setStyleSheet(
            "QLabel#disclaimer { background: rgba(201,138,18,0.18); border: 1px solid rgba(201,138,18,0.6);"
            " border-radius: 4px; padding: 6px; }"
        )
        self.as_of = QDateEdit(calendarPopup=True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setToolTip("Evaluate the rules as they stood on this date (replay history)")
        self.as_of.setKeyboardTracking(False)
        self.as_of.dateChanged.connect(self._date_picked)
        self.today_button = QPushButton("&Today")
        self.today_button.setToolTip("Evaluate as of today")
        self.today_button.clicked.connect(lambda: self.as_of.setDate(QDate.currentDate()))
        as_of_row = QHBoxLayout()
        as_of_label = QLabel("&As of:")
        as_of_label.setBuddy(self.as_of)
        as_of_row.addWidget(as_of_label)
        as_of_row.addWidget(self.as_of, 1)
        as_of_row.addWidget(self.today_button)

        self.patient = _label()
        self.status = _label()
        status_font = self.status.font()
        status_font.setPointSizeF(status_font.pointSizeF() * 1.3)
        status_font.setBold(True)
        self.status.setFont(status_font)
        self.strategy = _label()
        self.detail = _label()
        self.rows = {criterion: CriterionRow(criterion) for criterion in CRITERIA}
        self.adverse_events = _label(rich=True)
        self.parameters = _label()
        self.parameters.setVisible(False)
        self.parameters_toggle = QToolButton(text="Parameters used ▸", checkable=True)
        self.parameters_toggle.setAutoRaise(True)
        self.parameters_toggle.toggled.connect(self._toggle_parameters)
        self.empty = _label("Select a patient to see their discontinuation eligibility.")

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.banner)
        layout.addLayout(as_of_row)
        layout.addWidget(self.empty)
        layout.addWidget(self.patient)
        layout.addWidget(self.status)
        layout.addWidget(self.strategy)
        layout.addWidget(self.detail)
        layout.addWidget(_rule())
        for row in self.rows.values():
            layout.addWidget(row)
        layout.addWidget(_rule())
        layout.addWidget(self.adverse_events)
        layout.addWidget(self.parameters_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.parameters)
        layout.addStretch(1)
        self._content = [
            self.patient,
            self.status,
            self.strategy,
            self.detail,
            *self.rows.values(),
            self.adverse_events,
        ]
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setMinimumWidth(300)
        self.show_evaluation(None)

    def set_as_of(self, as_of: dt.date) -> None:
        """Show the session's date without asking for a re-evaluation."""
        self.as_of.blockSignals(True)
        self.as_of.setDate(QDate(as_of.year, as_of.month, as_of.day))
        self.as_of.blockSignals(False)

    def show_evaluation(self, evaluation: PatientEvaluation | None) -> None:
        """Show a patient's evaluation, or the empty state."""
        self.empty.setVisible(evaluation is None)
        for widget in self._content:
            widget.setVisible(evaluation is not None)
        if evaluation is None:
            self.parameters.setText("")
            self.parameters.setVisible(False)
            return
        self.parameters.setVisible(self.parameters_toggle.isChecked())
        result = evaluation.eligibility
        self.patient.setText(f"Patient {evaluation.patient_id}, evaluated as of {evaluation.as_of.isoformat()}")
        colour = wording.STATUS_COLOUR.get(result.status)
        status = wording.ELIGIBILITY[result.status].capitalize()
        if result.status == "not_applicable":  # say why: the patient is not on therapy
            status = f"{status}: {wording.STATE[evaluation.state.state]}"
        self.status.setText(status)
        self.status.setStyleSheet(f"color: {colour.name()};" if colour is not None else "")
        self.strategy.setText(f"Suggested strategy: {wording.STRATEGY[result.strategy]}")
        self.detail.setText(result.detail or "")
        self.detail.setVisible(bool(result.detail))
        for criterion in result.criteria:
            self.rows[criterion.id].show_criterion(criterion.met, criterion.detail)
        if result.recent_adverse_events:
            items = "".join(
                f"<li>{ae.date.isoformat()}: {html.escape(ae.term)}, grade {ae.grade}</li>"
                for ae in result.recent_adverse_events
            )
            self.adverse_events.setText(f"<b>Grade ≥ 3 adverse events, last 90 days</b><ul>{items}</ul>")
        else:
            self.adverse_events.setText("<b>Grade ≥ 3 adverse events, last 90 days:</b> none recorded")
        params = evaluation.params.to_dict()
        self.parameters.setText(
            "\n".join(f"{name}: {', '.join(v) if isinstance(v, list | tuple) else v}" for name, v in params.items())
        )

    def _toggle_parameters(self, shown: bool) -> None:
        self.parameters.setVisible(shown)
        self.parameters_toggle.setText("Parameters used ▾" if shown else "Parameters used ▸")

    def _date_picked(self, date: QDate) -> None:
        self.as_of_requested.emit(dt.date(date.year(), date.month(), date.day()))


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
