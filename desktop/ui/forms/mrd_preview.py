"""The MRD form's live reading: NPM1/ABL1 × 100 and its class as the copies are typed, and a non-blocking
warning when ABL1 is below the adequacy threshold (clinical-rules.md §2, `abl1_min_copies`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.clinical.mrd import CLASS_LABELS, classify, log_reduction
from desktop.clinical.parameters import Parameters
from desktop.ui.forms.constraints import number_text


def ratio_text(ratio_pct: float) -> str:
    """`12.3 %`, `0.0143 %`, `0 %` (three significant digits, no exponent down to 0.0001 %)."""
    if ratio_pct == 0:
        return "0 %"
    if ratio_pct < 0.0001:
        return f"{ratio_pct:.2e} %"
    return f"{ratio_pct:.3g} %" if ratio_pct >= 0.001 else f"{ratio_pct:.6f}".rstrip("0") + " %"


class MrdPreview(QWidget):
    """Two lines: the derived ratio with its class, and the ABL1 adequacy warning when it applies."""

    def __init__(self, baseline_pct: float | None, params: Parameters, parent: QWidget | None = None):
        super().__init__(parent)
        self.baseline_pct, self.params = baseline_pct, params
        self.ratio = QLabel()
        self.ratio.setObjectName("mrd_ratio")
        self.warning = QLabel()
        self.warning.setObjectName("mrd_warning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.ratio)
        layout.addWidget(self.warning)

    def show_values(self, npm1: float | None, abl1: float | None, colour: Callable[[str], str]) -> None:
        """Update from the typed copies (None when either is missing or not a number)."""
        self.warning.hide()
        if npm1 is None or abl1 is None or abl1 <= 0 or npm1 < 0:
            self.ratio.setText("— (shown once both copy numbers are valid)")
            self.ratio.setStyleSheet(f"color: {colour('hint')};")
            return
        ratio = npm1 / abl1 * 100.0
        value = "NPM1 not detected" if npm1 == 0 else ratio_text(ratio)  # as in the records table, not "0 %"
        parts = [f"<b>{value}</b>", CLASS_LABELS[classify(npm1, abl1, self.params)]]
        reduction = log_reduction(ratio, self.baseline_pct)
        if reduction is not None:
            parts.append(f"{reduction:.1f} log below the baseline ({number_text(self.baseline_pct or 0)} %)")
        self.ratio.setText(" · ".join(parts))
        self.ratio.setStyleSheet("")
        threshold = self.params.abl1_min_copies
        if abl1 < threshold:
            low = f"ABL1 {number_text(abl1)} copies is below the adequacy threshold of {number_text(threshold)}"
            consequence = (
                "NPM1 not detected cannot be called MRD-negative (inadequate sample); consider repeating."
                if npm1 == 0
                else "a low-quality sample; interpret with care."
            )
            self.warning.setText(f"⚠ {low}: {consequence} You can still save it.")
            self.warning.setStyleSheet(f"color: {colour('warning')};")
            self.warning.show()
