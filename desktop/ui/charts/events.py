"""Treatment and outcome events, and the evaluation date, as vertical lines across every plot.

Each event is one dashed line per plot at the same date; only the top (MRD) plot names it. Labels, the
evaluation date's among them, are placed at the current zoom: right of their line, or left of it at the
right edge, on the first of three rows where they overlap no other label; a label with no room is hidden
until the user zooms in (its line stays).
"""

from __future__ import annotations

import datetime as dt

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

from desktop.domain import Event
from desktop.ui import wording
from desktop.ui.charts.hover import ItemPool
from desktop.ui.charts.labels import line_label, set_format
from desktop.ui.charts.style import Theme, dashed, event_colour, pen, to_x

LABEL_ROWS = (0.985, 0.90, 0.815)  # positions (fraction of the plot height) of the staggered labels
LABEL_GAP_PX = 6
RIGHT_OF_LINE, LEFT_OF_LINE = (0, 0), (1, 0)  # label anchors


class EventLines:
    """Event lines on every plot (the first plot labels them) and the evaluation-date line."""

    def __init__(self, plots: list[pg.PlotItem], theme: Theme):
        self.plots, self.theme = plots, theme
        self.pools: list[ItemPool[pg.InfiniteLine]] = [
            ItemPool(plot, lambda labelled=(n == 0): self._line(labelled)) for n, plot in enumerate(plots)
        ]
        self.as_of_lines = [pg.InfiniteLine(angle=90, movable=False) for _ in plots]
        for plot, line in zip(plots, self.as_of_lines, strict=True):
            line.setZValue(-5)
            plot.addItem(line, ignoreBounds=True)
        self.as_of_label = line_label(self.as_of_lines[0], LABEL_ROWS[0], LEFT_OF_LINE, theme.foreground, 7.5)
        self.events: list[Event] = []
        self.as_of: dt.date | None = None
        self._texts: dict[int, str] = {}  # id(label) -> its text (a hidden label's own text is not updated)
        plots[0].vb.sigXRangeChanged.connect(self.place_labels)
        plots[0].vb.sigResized.connect(self.place_labels)
        self.apply_theme(theme)

    @staticmethod
    def _line(labelled: bool) -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=False)
        line.setZValue(-4)
        if labelled:
            line.label = line_label(line, LABEL_ROWS[0], (0, 0), "#000000", 8.0)
        return line

    def apply_theme(self, theme: Theme) -> None:
        """Line and label colours of the palette."""
        self.theme = theme
        for line in self.as_of_lines:
            line.setPen(pen(theme.muted, 1.0, style=pg.QtCore.Qt.PenStyle.DotLine))
        self.as_of_label.setColor(theme.foreground)
        self.as_of_label.fill = theme.label_fill
        self.show(self.events, self.as_of)

    def show(self, events: list[Event], as_of: dt.date | None) -> None:
        """Draw `events` (in date order) and the evaluation date (None hides it)."""
        self.events, self.as_of = sorted(events, key=lambda e: e.date), as_of
        for pool in self.pools:
            for line, event in zip(pool.take(len(self.events)), self.events, strict=True):
                colour = event_colour(event.type, self.theme)
                line.setPen(dashed(colour, 1.5))
                line.setPos(to_x(event.date))
                label = getattr(line, "label", None)
                if label is not None:
                    self._set_text(label, f" {wording.EVENT[event.type]} {event.date} ")
                    label.setColor(colour)
                    label.fill = self.theme.label_fill
        for line in self.as_of_lines:
            line.setVisible(as_of is not None)
            if as_of is not None:
                line.setPos(to_x(as_of))
        if as_of is not None:
            self._set_text(self.as_of_label, f" as of {as_of} ")
        self.place_labels()

    def labels(self) -> list[tuple[pg.InfLineLabel, str]]:
        """The labels in use with their texts: the evaluation date's first, then the events' in date order."""
        lines = self.pools[0].items[: len(self.events)]
        labels = [self.as_of_label] if self.as_of is not None else []
        return [(label, self._texts[id(label)]) for label in [*labels, *(line.label for line in lines)]]

    def place_labels(self, *_: object) -> None:
        """Give each label the first row and side of its line where it overlaps no other label (else hide it)."""
        vb = self.plots[0].vb
        (x0, x1), width = vb.viewRange()[0], vb.width()
        if width <= 0:  # not laid out yet
            return
        pixel = (x1 - x0) / width
        taken: list[list[tuple[float, float]]] = [[] for _ in LABEL_ROWS]
        for label, text in self.labels():
            x = label.line.value()
            w = (QFontMetricsF(label.textItem.font()).horizontalAdvance(text) + 4) * pixel
            sides = (
                [(x - w, LEFT_OF_LINE)] if label is self.as_of_label else [(x, RIGHT_OF_LINE), (x - w, LEFT_OF_LINE)]
            )
            place = next(
                ((row, start, anchor) for row, spans in enumerate(taken) for start, anchor in sides
                 if x0 <= start and start + w <= x1
                 and all(start + w + LABEL_GAP_PX * pixel <= a or b + LABEL_GAP_PX * pixel <= start for a, b in spans)),
                None,
            )  # fmt: skip
            if place is not None:
                row, start, anchor = place
                taken[row].append((start, start + w))
                if label.orthoPos != LABEL_ROWS[row] or label.anchors[0] != anchor:
                    label.anchors = [anchor, anchor]
                    label.setPosition(LABEL_ROWS[row])
            if label.isVisible() != (place is not None):
                label.setVisible(place is not None)

    def _set_text(self, label: pg.InfLineLabel, text: str) -> None:
        self._texts[id(label)] = text
        set_format(label, text)
