"""Read-only rich text that is laid out once per change.

A word-wrapped rich-text `QLabel` lays its document out again for every height-for-width question its
layout asks (several per patient switch: ~15 ms for the eligibility panel, against ~2 ms here).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget


class TextBlock(QTextBrowser):
    """Selectable rich text on the parent's background.

    With `min_height`, the block has no scroll bars and takes the height of its text, at least `min_height`
    (reserve the usual height, so the widgets under it do not move from one text to the next).
    """

    def __init__(self, min_height: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("QTextBrowser { background: transparent; }")
        self.min_height = min_height
        self._html: str | None = None
        if min_height is not None:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # a header: select with the mouse, no Tab stop
            self.setFixedHeight(min_height)

    def set_html(self, text: str) -> None:
        """Show `text` (rich text); nothing is laid out again when it has not changed."""
        if text == self._html:
            return
        self._html = text
        self.setHtml(text)
        self._fit()

    def text(self) -> str:
        """The words shown (plain text)."""
        return self.toPlainText()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def _fit(self) -> None:
        if self.min_height is None:
            return
        document = self.document()
        document.setTextWidth(self.viewport().width())
        height = max(self.min_height, math.ceil(document.size().height()) + 2 * self.frameWidth())
        if height != self.height():
            self.setFixedHeight(height)
