"""The discontinuation (TFR) eligibility panel: each criterion met / not met / unknown with its evidence,
the status and the strategy to consider in words, any data error with what to fix, the latest response and
recent grade ≥ 3 adverse events, the latest cycle's dose against its limit (rules §8) and a grade 4 cytopenia
in remission with the label's advice, the parameters used, and an `as of` date to replay history. Decision
support: the panel says so."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.clinical.evaluation import PatientEvaluation
from desktop.ui import wording
from desktop.ui.text_block import TextBlock

WARNING = wording.SEVERITY_COLOUR["warning"]


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def evaluation_html(evaluation: PatientEvaluation, base_points: float, with_parameters: bool = False) -> str:
    """The panel's account of one evaluation as rich text: who and when, status and strategy in words, any data
    error with what to fix, each criterion with its mark (✓ ✗ ?), the mark's word and its evidence, the latest
    response and recent grade ≥ 3 adverse events (tolerance is the clinician's judgement), the latest cycle's
    dose against its limit, a grade 4 cytopenia in remission and, if asked, the parameters used.

    One document (a `TextBlock`) rather than a label per line: a patient switch lays out one text, once.
    """
    result = evaluation.eligibility
    esc = html.escape
    colour = wording.STATUS_COLOUR.get(result.status)
    status = wording.sentence(wording.ELIGIBILITY[result.status])
    if result.status == "not_applicable":  # say why: the patient is not on therapy
        status = f"{status}: {wording.STATE[evaluation.state.state]}"
    status_style = f"font-size:{base_points * 1.3:.1f}pt; font-weight:600" + (
        f"; color:{colour.name()}" if colour is not None else ""
    )
    parts = [
        f"<p>Patient {esc(evaluation.patient_id)}, evaluated as of {evaluation.as_of.isoformat()}</p>",
        f"<p style='{status_style}'>{esc(status)}</p>",
        f"<p>Suggested strategy: {esc(wording.strategy_text(result.strategy, bool(evaluation.data_errors)))}</p>",
    ]
    if evaluation.data_errors:  # the status detail names them: say it in words, with what to fix
        parts.append(_data_errors_html(evaluation))
    elif result.status == "insufficient_data":
        unknown = [wording.CRITERIA[c.id] for c in result.criteria if c.met is None]
        parts.append(f"<p>Unknown: {esc(', '.join(unknown))}</p>" if unknown else f"<p>{esc(result.detail or '')}</p>")
    elif result.detail:
        parts.append(f"<p>{esc(result.detail)}</p>")
    rows = []
    for criterion in result.criteria:
        mark_style = f"color:{wording.MARK_COLOUR[criterion.met].name()}; font-size:{base_points * 1.6:.1f}pt"
        rows.append(
            f"<tr><td width='30' align='center' valign='top' style='{mark_style}'><b>{wording.MARK[criterion.met]}</b>"
            f"</td><td valign='top'><b>{esc(wording.CRITERIA[criterion.id])} — {wording.MARK_WORD[criterion.met]}"
            f"</b><br>{esc(criterion.detail)}</td></tr>"
        )
    parts.append(f"<hr><table width='100%' cellspacing='0' cellpadding='3'>{''.join(rows)}</table><hr>")
    label, response = wording.response_text(result.latest_responses).split(": ", 1)
    parts.append(
        "<p><b>Response and tolerance</b> (the clinician's judgement, beside the criteria)<br>"
        f"<b>{esc(label)}:</b> {esc(response)}<br>"
    )
    if result.recent_adverse_events:
        items = "".join(
            f"<li>{ae.date.isoformat()}: {esc(ae.term)}, grade {ae.grade}</li>" for ae in result.recent_adverse_events
        )
        parts.append(f"<b>Grade ≥ 3 adverse events, last 90 days:</b></p><ul>{items}</ul>")
    else:
        parts.append("<b>Grade ≥ 3 adverse events, last 90 days:</b> none recorded</p>")
    parts.append(_dose_html(evaluation))
    if with_parameters:
        values = (f"{esc(name)}: {esc(', '.join(v) if isinstance(v, list | tuple) else str(v))}"
                  for name, v in evaluation.params.to_dict().items())  # fmt: skip
        parts.append(f"<p><b>Parameters used</b><br>{'<br>'.join(values)}</p>")
    return "".join(parts)


def _warning(text: str) -> str:
    """`⚠ text` in the warning colour, bold: the mark and the words say it, the colour repeats it."""
    return f"<span style='color:{WARNING.name()}; font-weight:600'>⚠ {html.escape(text)}</span>"


def _data_errors_html(evaluation: PatientEvaluation) -> str:
    errors = evaluation.data_errors
    items = []
    for error in errors:
        problem, fix = wording.data_error_text(error)
        items.append(f"<li>{html.escape(problem)}.<br><i>To fix:</i> {html.escape(fix)}.</li>")
    title = "Data error" if len(errors) == 1 else f"{len(errors)} data errors"
    return (
        f"<p>{_warning(title)} — the rules read it as missing evidence (rules §3); correct the record:</p>"
        f"<ul>{''.join(items)}</ul>"
    )


def _dose_html(evaluation: PatientEvaluation) -> str:
    """The latest cycle's dose and its limit (warning colour above it) with the label's advice, and a grade 4
    cytopenia in remission during that cycle with the advice for the next one (rules §8)."""
    dose, esc = evaluation.dose, html.escape
    parts = ["<p><b>Dose (rules §8), latest cycle</b><br>"]
    text = wording.dose_text(dose)
    if dose.cycle is None or dose.limit is None:
        return f"{parts[0]}{esc(text)}</p>"
    if evaluation.state.state != "on_therapy":  # §7 checks the dose only on therapy
        last = dose.cycle
        return (
            f"{parts[0]}Not on therapy: no dose check. Last cycle {last.number}, started "
            f"{last.start_date.isoformat()}.</p>"
        )
    parts.append(_warning(f"Above the limit: {text}") if dose.above_limit else esc(text))
    parts.append(f"<br>Cycle started {dose.cycle.start_date.isoformat()}.")
    if dose.above_limit or dose.limit.drug is not None:
        parts.append(f" The label advises: {esc(dose.limit.advice())}.")
    parts.append("</p>")
    if dose.episode is not None and dose.cytopenia_advice is not None:
        parts.append(
            f"<p>{_warning(wording.episode_text(dose))}<br>The label advises: {esc(dose.cytopenia_advice)}.</p>"
        )
    return "".join(parts)


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
        self.as_of = QDateEdit()
        self.as_of.setCalendarPopup(True)
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

        self.evaluation_text = TextBlock()
        self.parameters_toggle = QToolButton()
        self.parameters_toggle.setText("Parameters used ▸")
        self.parameters_toggle.setCheckable(True)
        self.parameters_toggle.setAutoRaise(True)
        self.parameters_toggle.setToolTip("Show the rule parameters this evaluation used, under the criteria")
        self.parameters_toggle.toggled.connect(self._toggle_parameters)
        self.empty = _label("Select a patient to see their discontinuation eligibility.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.evaluation: PatientEvaluation | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addLayout(as_of_row)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.evaluation_text, 1)
        layout.addWidget(self.parameters_toggle, 0, Qt.AlignmentFlag.AlignLeft)
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
        self.evaluation = evaluation
        self.empty.setVisible(evaluation is None)
        self.evaluation_text.setVisible(evaluation is not None)
        self.parameters_toggle.setVisible(evaluation is not None)
        if evaluation is None:
            self.evaluation_text.set_html("")
            return
        html_text = evaluation_html(evaluation, self.font().pointSizeF(), self.parameters_toggle.isChecked())
        self.evaluation_text.set_html(html_text)

    def shown_text(self) -> str:
        """The evaluation as a reader sees it (plain text), "" in the empty state."""
        return self.evaluation_text.toPlainText() if self.evaluation_text.isVisibleTo(self) else ""

    def _toggle_parameters(self, shown: bool) -> None:
        self.parameters_toggle.setText("Parameters used ▾" if shown else "Parameters used ▸")
        self.show_evaluation(self.evaluation)
        if shown:  # the parameters are under the criteria: bring them into view
            bar = self.evaluation_text.verticalScrollBar()
            bar.setValue(bar.maximum())

    def _date_picked(self, date: QDate) -> None:
        self.as_of_requested.emit(dt.date(date.year(), date.month(), date.day()))
