"""Treatment and outcome events, and the evaluation date, as vertical lines across every plot.

Each event is one dashed line per plot at the same date; only the top (MRD) plot names it. Labels, the
evaluation date's among them, are placed at the current zoom: right of their line, or left of it at the
right edge, on the first of three rows where they overlap no other label; a label with no room is hidden
until the user zooms in (its line stays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt

from desktop.domain import Event
from desktop.ui import wording
from desktop.ui.charts.overlay import Label, MarkPool, Overlay, Rule
from desktop.ui.charts.style import Theme, dashed, event_colour, pen, to_x

LABEL_ROWS = (0.985, 0.90, 0.815)  # heights (fraction of the plot, from the bottom) of the staggered labels
LABEL_GAP_PX = 6
RIGHT_OF_LINE, LEFT_OF_LINE = (0.0, 0.0), (1.0, 0.0)  # label anchors: the box's top left or top right
LINE_Z, AS_OF_Z = -4, -5


class EventLines:
    """Event lines on every plot (the first plot labels them) and the evaluation-date line."""

    def __init__(self, overlays: list[Overlay], theme: Theme):
        self.overlays, self.theme = overlays, theme
        self.pools: list[MarkPool[Rule]] = [MarkPool(self._event_rule(overlay)) for overlay in overlays]
        self.label_pool: MarkPool[Label] = MarkPool(lambda: overlays[0].label(theme.foreground, 8.0))
        self.as_of_lines = [overlay.rule(True, pen(theme.muted), AS_OF_Z) for overlay in overlays]
        self.as_of_label = overlays[0].label(theme.foreground, 7.5)
        self.events: list[Event] = []
        self.as_of: dt.date | None = None
        overlays[0].vb.sigXRangeChanged.connect(self.place_labels)
        overlays[0].vb.sigResized.connect(self.place_labels)
        self.apply_theme(theme)

    def _event_rule(self, overlay: Overlay) -> Callable[[], Rule]:
        """Makes the dashed event lines of one plot."""
        return lambda: overlay.rule(True, dashed(self.theme.foreground, 1.5), LINE_Z)

    def apply_theme(self, theme: Theme) -> None:
        """Line and label colours of the palette."""
        self.theme = theme
        for line in self.as_of_lines:
            line.set_pen(pen(theme.muted, 1.0, style=Qt.PenStyle.DotLine))
        self.as_of_label.set_colour(theme.foreground)
        self.as_of_label.set_fill(theme.label_fill)
        self.show(self.events, self.as_of)

    def show(self, events: list[Event], as_of: dt.date | None) -> None:
        """Draw `events` (in date order) and the evaluation date (None hides it)."""
        self.events, self.as_of = sorted(events, key=lambda e: e.date), as_of
        colours = [event_colour(event.type, self.theme) for event in self.events]
        for pool in self.pools:
            for line, event, colour in zip(pool.take(len(self.events)), self.events, colours, strict=True):
                line.set_pen(dashed(colour, 1.5))
                line.set_value(to_x(event.date))
        for label, event, colour in zip(self.label_pool.take(len(self.events)), self.events, colours, strict=True):
            label.set_text(f"{wording.EVENT[event.type]} {event.date}")
            label.set_colour(colour)
            label.set_fill(self.theme.label_fill)
        for line in self.as_of_lines:
            line.set_visible(as_of is not None)
            if as_of is not None:
                line.set_value(to_x(as_of))
        if as_of is not None:
            self.as_of_label.set_text(f"as of {as_of}")
        else:
            self.as_of_label.set_visible(False)
        self.place_labels()

    def labels(self) -> list[tuple[Label, float]]:
        """The labels in use with their line's x: the evaluation date's first, then the events' in date order."""
        labelled = [(self.as_of_label, to_x(self.as_of))] if self.as_of is not None else []
        events = self.label_pool.marks[: self.label_pool.count]
        return labelled + [(label, to_x(event.date)) for label, event in zip(events, self.events, strict=True)]

    def place_labels(self, *_: object) -> None:
        """Give each label the first row and side of its line where it overlaps no other label (else hide it)."""
        frame = self.overlays[0].frame()
        if frame is None:  # not laid out yet
            return
        x0, x1 = frame.x0, frame.x1
        pixel = (x1 - x0) / frame.width
        taken: list[list[tuple[float, float]]] = [[] for _ in LABEL_ROWS]
        for label, x in self.labels():
            w = label.width_px * pixel
            sides = [(x - w, LEFT_OF_LINE)]  # the evaluation date's: left of its line, which is near the right
            if label is not self.as_of_label:
                sides.insert(0, (x, RIGHT_OF_LINE))
            place = next(
                ((row, start, anchor) for row, spans in enumerate(taken) for start, anchor in sides
                 if x0 <= start and start + w <= x1
                 and all(start + w + LABEL_GAP_PX * pixel <= a or b + LABEL_GAP_PX * pixel <= start for a, b in spans)),
                None,
            )  # fmt: skip
            if place is not None:
                row, start, anchor = place
                taken[row].append((start, start + w))
                label.set_at(x=x, fy=LABEL_ROWS[row], anchor=anchor)
            label.set_visible(place is not None)
