"""The hover label that names the data point nearest the mouse."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF

from desktop.ui.charts.style import Theme, pen, small_font


class PointHover:
    """The text of the point nearest the mouse (within `radius` pixels), shown beside it with a ring.

    Points are in view coordinates (log10 of y on a log axis). With `x_only`, only the horizontal distance
    counts (cycle bars of the timeline); with `y_band`, only a mouse between those view y values (one lane of
    the counts plot).
    """

    def __init__(
        self,
        plot: pg.PlotItem,
        theme: Theme,
        radius: float = 14.0,
        x_only: bool = False,
        y_band: tuple[float, float] | None = None,
    ):
        self.plot, self.radius, self.x_only, self.y_band = plot, radius, x_only, y_band
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.text_of: Callable[[int], str] = str
        self.label = pg.TextItem(anchor=(0, 1))
        self.label.setFont(small_font(8.5))
        self.ring = pg.ScatterPlotItem(size=17, brush=None)
        for item, z in ((self.ring, 999), (self.label, 1000)):
            item.setZValue(z)
            item.hide()
            plot.addItem(item, ignoreBounds=True)
        self.index: int | None = None
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        """Label and ring colours."""
        self.label.setColor(theme.foreground)
        self.label.fill = theme.label_fill
        self.label.border = pen(theme.muted)
        self.ring.setPen(pen(theme.foreground, 1.6))

    @property
    def text(self) -> str | None:
        """The text shown, if any."""
        return None if self.index is None else self.text_of(self.index)

    def set_points(self, x: np.ndarray, y: np.ndarray, text_of: Callable[[int], str]) -> None:
        """New points and the function that writes the text of point i (called on hover only; hides the label)."""
        self.x, self.y, self.text_of = np.asarray(x, float), np.asarray(y, float), text_of
        self.hide()

    def nearest(self, scene_pos: QPointF) -> int | None:
        """The index of the point nearest `scene_pos`, if within the radius and inside the plot."""
        view = self.plot.vb
        if not len(self.x) or not view.sceneBoundingRect().contains(scene_pos):
            return None
        where = view.mapSceneToView(scene_pos)
        if self.y_band is not None and not self.y_band[0] <= where.y() <= self.y_band[1]:
            return None
        pixel_w, pixel_h = view.viewPixelSize()
        distance = ((self.x - where.x()) / pixel_w) ** 2
        if not self.x_only:
            distance = distance + ((self.y - where.y()) / pixel_h) ** 2
        best = int(np.argmin(distance))
        return best if distance[best] <= self.radius**2 else None

    def show(self, index: int) -> None:
        """Show the label of point `index`, on the side of the point that keeps it inside the plot."""
        if index == self.index:
            return
        self.index = index
        x, y = self.x[index], self.y[index]
        (x0, x1), (y0, y1) = self.plot.vb.viewRange()
        right = (x - x0) > 0.6 * (x1 - x0)
        high = (y - y0) > 0.6 * (y1 - y0)
        self.label.setAnchor((1.02 if right else -0.02, -0.35 if high else 1.35))  # clear of the point's row
        self.label.setText(self.text_of(index))
        self.label.setPos(x, y)
        self.label.setVisible(True)  # pyqtgraph's setVisible also scales the text to the view (show() does not)
        if not self.x_only:
            self.ring.setData([x], [y])
            self.ring.show()

    def hide(self) -> None:
        """Hide the label."""
        self.index = None
        self.label.hide()
        self.ring.hide()
