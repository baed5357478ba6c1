"""Small helpers for in-plot labels that change only when their text does (setText re-lays out the text)."""

from __future__ import annotations

import pyqtgraph as pg

from desktop.ui.charts.style import small_font


def line_label(
    line: pg.InfiniteLine, position: float, anchor: tuple[float, float], colour: object, points: float = 8.0
) -> pg.InfLineLabel:
    """A label that stays on `line` at `position` (0–1 of the view) with one anchor on both sides."""
    label = pg.InfLineLabel(line, "", position=position, anchors=[anchor, anchor], color=colour)
    label.setFont(small_font(points))
    return label


def set_format(label: pg.InfLineLabel, text: str) -> None:
    """Set a line label's text if it changed (braces are literal)."""
    text = text.replace("{", "{{").replace("}", "}}")
    if label.format != text:
        label.setFormat(text)


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
