"""The empty-plot note, and setting a text item's text only when it changes (setText re-lays out the text)."""

from __future__ import annotations

import pyqtgraph as pg

from desktop.ui.charts.style import small_font


def set_text(item: pg.TextItem, text: str) -> None:
    """Set a text item's text if it changed."""
    if item.toPlainText() != text:
        item.setText(text)


class EmptyNote:
    """A quiet sentence in the middle of a plot that has nothing to draw ("No MRD sample recorded …"), so an
    empty plot does not look like a failure to draw. It sits on the view box, not in data coordinates."""

    def __init__(self, plot: pg.PlotItem, colour: object):
        self.vb = plot.vb
        self.item = pg.TextItem("", anchor=(0.5, 0.5), color=colour)
        self.item.setFont(small_font(9.0))
        self.item.setParentItem(self.vb)
        self.item.setZValue(50)
        self.item.hide()
        self.vb.sigResized.connect(self._place)

    def set_colour(self, colour: object) -> None:
        self.item.setColor(colour)

    def show(self, text: str) -> None:
        """Show `text` ("" hides the note)."""
        if text:
            set_text(self.item, text)
            self._place()
        if self.item.isVisible() != bool(text):
            self.item.setVisible(bool(text))

    def text(self) -> str:
        """The sentence shown ("" when hidden)."""
        return self.item.toPlainText() if self.item.isVisible() else ""

    def _place(self, *_: object) -> None:
        self.item.setPos(self.vb.width() / 2, self.vb.height() / 2)
