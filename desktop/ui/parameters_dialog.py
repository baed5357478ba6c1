"""The clinical parameters dialog: every parameter of clinical-rules.md §1 in three groups, in two columns inside a
scroll area (usable on a 1366×768 screen), list-valued ones as comma-separated names; a problem is shown, and OK
disabled, while the values cannot be used."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME
from desktop.clinical.parameters import DEFAULT_PARAMETERS, LIST_PARAMETERS, InvalidParameters, Parameters
from desktop.ui import wording

#: Group title → parameter names, in the order of §1; a parameter in none of them goes to "Other".
GROUPS: dict[str, tuple[str, ...]] = {
    "MRD and eligibility": (
        "abl1_min_copies", "mrd_low_level_pct", "progression_log_rise", "min_cycles", "sustained_negativity_months",
        "recent_mrd_days", "recovery_anc", "recovery_platelets", "recent_counts_days", "flt3_itd_high_ar",
        "high_risk_genes",
    ),
    "Schedule and alerts": ("assessment_window_days", "tfr_window_days", "cycle_length_days", "count_alert_days"),
    "Venetoclax dose (§8)": (
        "label_dose_mg", "label_dose_ldac_mg", "posaconazole_dose_mg", "strong_cyp3a_dose_mg",
        "moderate_inhibitor_factor", "strong_cyp3a_inhibitors", "moderate_cyp3a_inhibitors", "pgp_inhibitors",
        "cytopenia_episode_days",
    ),
}  # fmt: skip
#: What each parameter means (clinical-rules.md §1), for its tooltip.
MEANING: dict[str, str] = {
    "abl1_min_copies": "ABL1 copies below this make a sample with no NPM1 detected inadequate",
    "mrd_low_level_pct": "NPM1/ABL1 % below this is low-level positivity (MRD-LL)",
    "progression_log_rise": "a rise of at least this many log10 within a positive run is molecular progression",
    "min_cycles": "cycles of venetoclax-based therapy before a planned stop",
    "sustained_negativity_months": "months of uninterrupted MRD negativity required",
    "recent_mrd_days": "the latest evaluable MRD sample must be this recent (days)",
    "recovery_anc": "ANC (10^9/L) for hematologic recovery",
    "recovery_platelets": "platelets (10^9/L) for hematologic recovery",
    "recent_counts_days": "counts older than this (days) cannot show recovery",
    "flt3_itd_high_ar": "FLT3-ITD allelic ratio at or above this is high risk for TFR",
    "high_risk_genes": "co-mutations high risk for TFR whatever their burden (comma-separated gene names)",
    "assessment_window_days": "an on-therapy MRD assessment counts within ± this many days of its due date",
    "tfr_window_days": "the same for post-discontinuation monitoring (days)",
    "cycle_length_days": "nominal cycle length (days)",
    "count_alert_days": "counts older than this (days) raise no toxicity alert",
    "label_dose_mg": "venetoclax daily dose of the label after ramp-up (mg; every regimen but VEN-LDAC)",
    "label_dose_ldac_mg": "the same with VEN-LDAC (mg)",
    "posaconazole_dose_mg": "highest daily dose with posaconazole (mg)",
    "strong_cyp3a_dose_mg": "highest daily dose with another strong CYP3A inhibitor (mg)",
    "moderate_inhibitor_factor": "highest dose with a moderate CYP3A or a P-gp inhibitor, as a share of the label dose",
    "strong_cyp3a_inhibitors": "strong CYP3A inhibitors (comma-separated generic names)",
    "moderate_cyp3a_inhibitors": "moderate CYP3A inhibitors (comma-separated generic names)",
    "pgp_inhibitors": "P-gp inhibitors (comma-separated generic names)",
    "cytopenia_episode_days": "a grade 4 cytopenia in remission lasting this many days changes the next cycle",
}
#: The label of each parameter (its name, as in §1, is in the tooltip and in the text of a problem).
LABELS: dict[str, str] = {
    "abl1_min_copies": "ABL1 minimum copies",
    "mrd_low_level_pct": "MRD low-level limit (%)",
    "progression_log_rise": "Progression rise (log10)",
    "min_cycles": "Minimum cycles",
    "sustained_negativity_months": "Sustained negativity (months)",
    "recent_mrd_days": "Recent MRD (days)",
    "recovery_anc": "Recovery ANC (10^9/L)",
    "recovery_platelets": "Recovery platelets (10^9/L)",
    "recent_counts_days": "Recent counts (days)",
    "flt3_itd_high_ar": "FLT3-ITD high allelic ratio",
    "high_risk_genes": "High-risk genes",
    "assessment_window_days": "MRD window on therapy (± days)",
    "tfr_window_days": "MRD window off therapy (± days)",
    "cycle_length_days": "Cycle length (days)",
    "count_alert_days": "Counts alert up to (days old)",
    "label_dose_mg": "Label dose (mg/day)",
    "label_dose_ldac_mg": "Label dose with VEN-LDAC (mg/day)",
    "posaconazole_dose_mg": "Limit with posaconazole (mg/day)",
    "strong_cyp3a_dose_mg": "Limit with strong CYP3A inh. (mg/day)",
    "moderate_inhibitor_factor": "Moderate CYP3A / P-gp factor",
    "strong_cyp3a_inhibitors": "Strong CYP3A inhibitors",
    "moderate_cyp3a_inhibitors": "Moderate CYP3A inhibitors",
    "pgp_inhibitors": "P-gp inhibitors",
    "cytopenia_episode_days": "Grade 4 cytopenia episode (days)",
}
LIST_LINES = (2, 6)  # a list field grows with its names, within these many lines
INVALID_STYLE = f"border: 2px solid {wording.BAD.name()}; border-radius: 3px;"


class ListEdit(QPlainTextEdit):
    """Comma-separated names on wrapped lines, as tall as its text (2 to 6 lines), with the `text()` and
    `setText()` of a line edit."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def text(self) -> str:
        """The names as typed."""
        return self.toPlainText()

    def setText(self, text: str) -> None:
        """Replace the names."""
        self.setPlainText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # the names wrap anew
            self._fit()

    def _fit(self, *_: object) -> None:
        lines = self.document().documentLayout().documentSize().height()  # in lines, for a plain text document
        shown = int(min(max(lines, LIST_LINES[0]), LIST_LINES[1]))
        height = shown * self.fontMetrics().lineSpacing() + 2 * (self.document().documentMargin() + self.frameWidth())
        self.setFixedHeight(math.ceil(height) + 2)


def _shown(value: object) -> str:
    return ", ".join(value) if isinstance(value, list | tuple) else str(value)


def _is_list(name: str, value: object) -> bool:
    return name in LIST_PARAMETERS or isinstance(value, list | tuple)


class ParametersDialog(QDialog):
    """Edit the rules' parameters (validated by `Parameters.from_dict`; the change is audited)."""

    def __init__(self, params: Parameters, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: clinical parameters")
        self.fields: dict[str, QLineEdit | ListEdit] = {}
        self.lists: set[str] = set()
        values = params.to_dict()
        grouped = {name for names in GROUPS.values() for name in names}
        groups = {title: [n for n in names if n in values] for title, names in GROUPS.items()}
        other = [name for name in values if name not in grouped]
        if other:
            groups["Other"] = other
        boxes = {title: self._group(title, names, values) for title, names in groups.items() if names}
        left, right = QVBoxLayout(), QVBoxLayout()
        for title, box in boxes.items():
            (right if title == "Venetoclax dose (§8)" else left).addWidget(box)
        left.addStretch(1)
        right.addStretch(1)
        columns = QWidget()
        row = QHBoxLayout(columns)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(columns)
        self.error = QLabel()
        self.error.setObjectName("parameters_error")
        self.error.setStyleSheet(f"color: {wording.BAD.name()};")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(buttons.Ok | buttons.Cancel | buttons.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(buttons.RestoreDefaults)
        restore.setToolTip("Put the defaults of clinical-rules.md §1 in every field (nothing is saved until OK)")
        restore.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Defaults are those of clinical-rules.md §1 (Help → Clinical rules). Changes apply to this registry "
            "and are audited. Lists are comma-separated."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.result_params: Parameters | None = params
        self._fit_to_screen(columns)

    def _group(self, title: str, names: list[str], values: dict[str, object]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in names:
            value = values[name]
            edit: QLineEdit | ListEdit
            if _is_list(name, value):
                edit = ListEdit(_shown(value))
                self.lists.add(name)
            else:
                edit = QLineEdit(_shown(value))
            edit.setObjectName(name)
            tip = MEANING.get(name, "")
            edit.setToolTip(f"{name}: {tip}" if tip else name)
            edit.textChanged.connect(self._validate)
            self.fields[name] = edit
            label = QLabel(LABELS.get(name, name.replace("_", " ")))
            label.setToolTip(edit.toolTip())
            label.setBuddy(edit)
            form.addRow(label, edit)
        return box

    def restore_defaults(self) -> None:
        """Every field back to the default of §1."""
        defaults = DEFAULT_PARAMETERS.to_dict()
        for name, edit in self.fields.items():
            if name in defaults:
                edit.setText(_shown(defaults[name]))

    def _values(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for name, edit in self.fields.items():
            text = edit.text().strip()
            if name in self.lists:
                values[name] = [v.strip() for v in text.replace("\n", ",").split(",") if v.strip()]
            else:
                try:
                    values[name] = int(text) if text.lstrip("-").isdigit() else float(text)
                except ValueError:
                    values[name] = text
        return values

    def _validate(self) -> None:
        problems: list[str] = []
        try:
            self.result_params = Parameters.from_dict(self._values())
        except InvalidParameters as error:
            self.result_params = None
            problems = str(error).split("; ")
        self.error.setText("\n".join(_in_words(problem) for problem in problems))
        for name, edit in self.fields.items():
            bad = any(problem.startswith(f"{name}:") for problem in problems)
            edit.setStyleSheet(INVALID_STYLE if bad else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.result_params is not None)

    def _fit_to_screen(self, columns: QWidget) -> None:
        """As large as the fields need, within the screen (the scroll area takes what does not fit)."""
        screen = (self.parentWidget() or self).screen().availableGeometry()
        layout = self.layout()
        assert layout is not None  # set in __init__
        chrome = layout.sizeHint().height() - self.scroller.sizeHint().height()
        width = min(columns.sizeHint().width() + 40, screen.width() - 40)
        height = min(columns.sizeHint().height() + chrome + 40, screen.height() - 60)  # room for two problems
        self.resize(width, max(height, 300))


def _in_words(problem: str) -> str:
    """A problem of `Parameters` with the parameter's label first: `Minimum cycles (min_cycles): …`."""
    name, _, rest = problem.partition(": ")
    return f"{LABELS[name]} ({name}): {rest}" if name in LABELS and rest else problem


def edit_parameters(parent: QWidget, params: Parameters) -> Parameters | None:
    """Show the parameters dialog (modal); the new parameters, or None when cancelled."""
    dialog = ParametersDialog(params, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.result_params if accepted else None
