"""The notice: a pop-up inside the main window when a patient newly meets every TFR criterion (a planned stop
to discuss; good tolerance and the decision rest with the clinician) or has a critical alert.

It floats over the top right of the patient's charts (clear of the header's state and eligibility) rather
than opening a window of its own: it never takes the keyboard from the list being browsed, and a patient
switch does not wait for a new window to be mapped. One notice at a time: a newer finding replaces the text
of the one on screen. Dismiss with its button or Esc.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPaintEvent, QPen, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from desktop import APP_NAME
from desktop.ui import wording
from desktop.ui.findings import Finding

MARGIN = 12  # pixels from the parent's top and right edges
MAX_WIDTH = 440
ICON_SIZE = 32
BORDER_WIDTH = 2


def criteria_met_text(patient_id: str) -> str:
    """The finding for a patient who newly meets every TFR criterion: something to discuss, not a decision."""
    return f"{patient_id}: {wording.ELIGIBLE_NOTICE}"


class Notice(QFrame):
    """A finding about the patient on screen, over the top right of `parent`, under `below` (a child of the
    parent, such as its tab bar) when given; hidden until `show_finding`."""

    def __init__(self, parent: QWidget, below: QWidget | None = None):
        super().__init__(parent)
        self.below = below
        self.setObjectName("notice")
        self.setFrameShape(QFrame.Shape.NoFrame)  # `paintEvent` draws the border, in the finding's colour
        self.setAutoFillBackground(True)  # opaque over the charts
        self.critical: bool | None = None
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        disclaimer = QLabel(wording.DISCLAIMER)
        disclaimer.setWordWrap(True)
        disclaimer.setEnabled(False)  # the palette's quiet text
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setToolTip("Close this notice (Esc)")
        self.dismiss.clicked.connect(self.hide)
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.hide)
        self.escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self.escape.setEnabled(False)
        texts = QVBoxLayout()
        texts.addWidget(self.title)
        texts.addWidget(self.body)
        texts.addWidget(disclaimer)
        texts.addWidget(self.dismiss, alignment=Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.addWidget(self.icon, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addLayout(texts, 1)
        parent.installEventFilter(self)  # follow the parent's size
        self.hide()

    def show_findings(self, patient_id: str, findings: list[Finding]) -> None:
        """Tell a patient's new findings in one notice (criteria met to discuss, critical alerts)."""
        texts = [f"Critical alert: {f.message}" if f.critical else criteria_met_text(patient_id) for f in findings]
        critical = any(f.critical for f in findings)
        self.show_finding(f"{APP_NAME}: {patient_id}", "\n\n".join(texts), critical=critical)

    def show_finding(self, title: str, text: str, *, critical: bool) -> None:
        """Show (or update the notice on screen with) a finding; `critical` gives it the warning icon."""
        if critical != self.critical:
            self.critical = critical
            pixmap = QStyle.StandardPixmap
            icon = pixmap.SP_MessageBoxWarning if critical else pixmap.SP_MessageBoxInformation
            self.icon.setPixmap(self.style().standardIcon(icon).pixmap(ICON_SIZE, ICON_SIZE))
        self.title.setText(title)
        self.body.setText(text)
        self._place()
        self.show()
        self.raise_()
        self.escape.setEnabled(True)

    def text(self) -> str:
        """The finding shown."""
        return self.body.text()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(QPen(wording.BAD if self.critical else wording.GOOD, BORDER_WIDTH))  # critical, or criteria met
        inset = BORDER_WIDTH / 2
        painter.drawRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset))

    def hideEvent(self, event: QEvent) -> None:  # type: ignore[override]
        self.escape.setEnabled(False)  # Esc belongs to the window again
        super().hideEvent(event)  # type: ignore[arg-type]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        parent, layout = self.parentWidget(), self.layout()
        if parent is None or layout is None:  # not yet in a window
            return
        width = max(200, min(MAX_WIDTH, parent.width() - 2 * MARGIN))
        self.setFixedWidth(width)
        self.setFixedHeight(layout.heightForWidth(width))
        top = self.below.geometry().bottom() + 1 if self.below is not None else 0
        self.move(parent.width() - width - MARGIN, top + MARGIN)
