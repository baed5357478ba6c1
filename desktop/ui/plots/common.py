"""Shared pieces of the patient charts: date ↔ x conversion, colours, a pool of reusable items, hover."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

DAY = 86_400.0
EVENT_COLOURS = {
    "discontinuation": "#2e7dd1",
    "rechallenge": "#7b4fc9",
    "hsct": "#0f9d8a",
    "hematologic_relapse": "#d64545",
    "death": "#555555",
    "lost_to_follow_up": "#9a9a9a",
}
CLASS_COLOURS = {"positive": "#d64545", "mrd_ll": "#e08a1e", "negative": "#2e9d4f", "inadequate": "#8c8c8c"}
REGIMEN_COLOURS = {"VEN-AZA": "#5b8def", "VEN-DEC": "#9b6bd6", "VEN-LDAC": "#e0913a"}
OTHER_REGIMEN = "#7f8c8d"


def to_x(date: dt.date) -> float:
    """A date as Unix seconds at 12:00 UTC (the x of `DateAxisItem`), so ticks never straddle midnight."""
    return (date - dt.date(1970, 1, 1)).days * DAY + DAY / 2


def from_x(x: float) -> dt.date:
    """The date of an x value."""
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(x // DAY))


def palette_colours() -> tuple[QColor, QColor]:
    """(background, foreground) of the application palette, so charts follow light and dark schemes."""
    app = QApplication.instance()
    palette = app.palette() if isinstance(app, QApplication) else QPalette()
    return palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)


class ItemPool:
    """Reusable graphics items of one kind on one plot: `take(n)` shows n of them, hides the rest.

    Charts update in place: items are created only when a patient needs more than ever before.
    """

    def __init__(self, plot: pg.PlotItem, factory: Callable[[], pg.GraphicsObject]):
        self.plot = plot
        self.factory = factory
        self.items: list[pg.GraphicsObject] = []

    def take(self, count: int) -> list[pg.GraphicsObject]:
        while len(self.items) < count:
            item = self.factory()
            self.plot.addItem(item, ignoreBounds=True)
            self.items.append(item)
        for n, item in enumerate(self.items):
            item.setVisible(n < count)
        return self.items[:count]


class NearestPointHover:
    """Shows the text of the data point nearest the mouse (within `radius` pixels) on a plot."""

    def __init__(self, plot: pg.PlotItem, radius: float = 14.0):
        self.plot = plot
        self.radius = radius
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.texts: Sequence[str] = ()
        self.label = pg.TextItem(anchor=(0, 1), fill=pg.mkBrush(255, 255, 224, 235), color="#202020")
        self.label.setZValue(1000)
        self.label.hide()
        plot.addItem(self.label, ignoreBounds=True)
        self.current: str | None = None
        plot.scene().sigMouseMoved.connect(self._moved)

    def set_points(self, x: np.ndarray, y: np.ndarray, texts: Sequence[str]) -> None:
        """Points in view coordinates (log10 of y on a log axis) and the text of each."""
        self.x, self.y, self.texts = np.asarray(x, float), np.asarray(y, float), texts
        self.label.hide()
        self.current = None

    def text_near(self, scene_pos: QPointF) -> tuple[int, str] | None:
        """The index and text of the point nearest `scene_pos`, if within the radius."""
        if not len(self.x) or not self.plot.sceneBoundingRect().contains(scene_pos):
            return None
        view = self.plot.vb
        points = [view.mapViewToScene(QPointF(x, y)) for x, y in zip(self.x, self.y, strict=True)]
        distances = [(p.x() - scene_pos.x()) ** 2 + (p.y() - scene_pos.y()) ** 2 for p in points]
        best = int(np.argmin(distances))
        return (best, self.texts[best]) if distances[best] <= self.radius**2 else None

    def _moved(self, scene_pos: QPointF) -> None:
        found = self.text_near(scene_pos)
        if found is None:
            self.label.hide()
            self.current = None
            return
        index, text = found
        self.current = text
        self.label.setText(text)
        self.label.setPos(self.x[index], self.y[index])
        self.label.show()


def style_plot(plot: pg.PlotItem, foreground: QColor, y_label: str) -> None:
    """Axis colours, label and grid of a plot."""
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(foreground))
        axis.setTextPen(pg.mkPen(foreground))
    plot.setLabel("left", y_label, color=foreground.name())
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(False)
    plot.hideButtons()


def dashed(colour: str, width: float = 1.2) -> object:
    """A dashed pen."""
    return pg.mkPen(colour, width=width, style=Qt.PenStyle.DashLine)
