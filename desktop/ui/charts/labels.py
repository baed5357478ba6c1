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
