"""Grid lines under a plot's data, at the ticks of its axes, drawn by plain path items instead of the axes.

pyqtgraph draws a grid as part of an axis: the axis then covers its whole plot, and every patient switch
regenerates, records and replays each axis's grid into a plot-sized cache (profiled: the largest single
cost of a switch). Here each grid level is one `QGraphicsPathItem` (painted by Qt, not by Python) in the
view box's pixel coordinates: a mark of the plot's overlay (`overlay.py`), rebuilt from the axes' own tick
values when the overlay places its marks, just before a paint that follows a change of the view range or
size (a patient switch changes the ranges several times). Lines fade with their tick level and density as
pyqtgraph's grid does.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from desktop.ui.charts.compat_ticks import tick_length
from desktop.ui.charts.overlay import Frame, Mark, Overlay

GRID_ALPHA = 0.18  # of the foreground colour, for the major level
LEVELS = 2  # major and minor ticks (finer levels would cost paint time for little reading help)


def level_alpha(level: int, length_px: float, count: int) -> float:
    """The opacity (0–1) of one level's lines, as pyqtgraph fades its grids: halved per level, and thinned
    when the lines are dense (fewer than 20 pixels apart)."""
    return GRID_ALPHA / (level + 1) * min(1.0, max(0.0, 0.05 * length_px / (count + 1)))


class GridLines(Mark):
    """Vertical lines at `x_axis`'s ticks and, if `y_axis` is given, horizontal lines at its ticks."""

    def __init__(self, overlay: Overlay, x_axis: pg.AxisItem, y_axis: pg.AxisItem | None, colour: QColor):
        super().__init__(overlay)
        self.x_axis, self.y_axis = x_axis, y_axis
        self.colour = QColor(colour)
        self.item = QGraphicsPathItem(overlay.vb)  # holds the levels' paths; draws nothing itself
        self.item.setPen(QPen(Qt.PenStyle.NoPen))
        self.item.setZValue(-1e5)  # under everything in the view box, above its background
        directions = ("x", "y") if y_axis is not None else ("x",)
        self.items: dict[tuple[str, int], QGraphicsPathItem] = {
            (direction, level): QGraphicsPathItem(self.item) for direction in directions for level in range(LEVELS)
        }
        ticks_changed = getattr(y_axis, "ticks_changed", None)  # the counts' lanes: ticks that change while
        if ticks_changed is not None:  # the view range stays the same
            ticks_changed.connect(overlay.invalidate)

    def set_colour(self, colour: QColor) -> None:
        """The lines' colour (the palette's foreground); each level keeps its own opacity."""
        self.colour = QColor(colour)
        self.overlay.invalidate()

    def place(self, frame: Frame) -> None:
        """Rebuild the lines for the frame's view range and size."""
        self._lines("x", self.x_axis, (frame.x0, frame.x1), frame.width, frame.height)
        if self.y_axis is not None:
            self._lines("y", self.y_axis, (frame.y0, frame.y1), frame.height, frame.width)

    def _lines(self, direction: str, axis: pg.AxisItem, span: tuple[float, float], along: float, across: float) -> None:
        """One direction's lines: at `axis`'s ticks over `span`, `along` pixels of the view that way, each line
        `across` pixels long (vertical lines for "x", horizontal for "y", whose pixels run from the top)."""
        low, high = span
        # ticks asked for with the axis's own length, as the axis asks when it paints: one computation for both
        for level, (_, values) in enumerate(axis.tickValues(low, high, tick_length(axis, along))[:LEVELS]):
            path = QPainterPath()
            for value in values:
                if low <= value <= high:
                    at = (value - low) / (high - low) * along
                    if direction == "x":
                        path.moveTo(at, 0)
                        path.lineTo(at, across)
                    else:
                        path.moveTo(0, along - at)
                        path.lineTo(across, along - at)
            self._set(self.items[direction, level], path, level_alpha(level, along, len(values)))

    def _set(self, item: QGraphicsPathItem, path: QPainterPath, alpha: float) -> None:
        colour = QColor(self.colour)
        colour.setAlphaF(alpha * self.colour.alphaF())
        pen = QPen(colour, 0)  # cosmetic hairline: one pixel whatever the zoom
        if item.pen() != pen:
            item.setPen(pen)
        item.setPath(path)

    def line_count(self, direction: str) -> int:
        """Lines drawn in one direction ("x": vertical, "y": horizontal), all levels."""
        return sum(item.path().elementCount() // 2 for (d, _), item in self.items.items() if d == direction)
