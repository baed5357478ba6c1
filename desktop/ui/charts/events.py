"""Treatment and outcome events, and the evaluation date, as vertical lines across every plot.

Each event is one dashed line per plot at the same date; only the top (MRD) plot names it, with labels
staggered down when events are close together so they do not overlap.
"""

from __future__ import annotations

import datetime as dt

import pyqtgraph as pg

from desktop.domain import Event
from desktop.ui import wording
from desktop.ui.charts.hover import ItemPool
from desktop.ui.charts.labels import line_label, set_format
from desktop.ui.charts.style import Theme, dashed, event_colour, pen, to_x

LABEL_ROWS = (0.985, 0.90, 0.815)  # positions (fraction of the plot height) of the staggered labels
CLOSE_DAYS = 120  # events closer than this to the previous one take the next label row


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
        self.as_of_label = line_label(self.as_of_lines[-1], 0.99, (1, 0), theme.foreground, 7.5)
        self.events: list[Event] = []
        self.as_of: dt.date | None = None
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
        rows: list[int] = []
        for n, event in enumerate(self.events):
            close = n > 0 and (event.date - self.events[n - 1].date).days < CLOSE_DAYS
            rows.append((rows[-1] + 1) % len(LABEL_ROWS) if close else 0)
        for pool in self.pools:
            for line, event, row in zip(pool.take(len(self.events)), self.events, rows, strict=True):
                colour = event_colour(event.type, self.theme)
                line.setPen(dashed(colour, 1.5))
                line.setPos(to_x(event.date))
                label = getattr(line, "label", None)
                if label is not None:
                    set_format(label, f" {wording.EVENT[event.type]} {event.date} ")
                    label.setColor(colour)
                    label.fill = self.theme.label_fill
                    if label.orthoPos != LABEL_ROWS[row]:
                        label.setPosition(LABEL_ROWS[row])
        for line in self.as_of_lines:
            line.setVisible(as_of is not None)
            if as_of is not None:
                line.setPos(to_x(as_of))
        if as_of is not None:
            set_format(self.as_of_label, f"as of {as_of} ")
