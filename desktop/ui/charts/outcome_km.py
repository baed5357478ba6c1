"""A Kaplan–Meier panel of the Outcomes window: step curves in months with censoring ticks, the published 2-year
points, and the number at risk under the axis (a row per curve, at 0, 6, …, 36 months, on the same x)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSizeF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsItem

from desktop.clinical.kaplan_meier import KaplanMeier
from desktop.ui.charts.labels import EmptyNote
from desktop.ui.charts.style import Theme, pen, small_font
from desktop.ui.outcomes_data import MONTH_DAYS

AT_RISK_MONTHS = tuple(range(0, 37, 6))
X_RANGE = (-2.5, 40.0)  # room right of 36 months for the published labels
PUBLISHED_MONTHS = 24
AXIS_WIDTH = 86  # the curve plot and the at-risk rows share it, so their x positions line up
ROW_PX = 17  # height of one at-risk row
TITLE_SIZE = "9.5pt"
MAX_ROWS = 2  # at-risk rows of the panel with the most curves


@dataclass(frozen=True, slots=True)
class Curve:
    """One group of a panel: its name in the legend and at-risk rows, colour, line style, published 2-year value."""

    key: str
    name: str
    colour: str
    style: Qt.PenStyle
    published: float | None


def step_points(km: KaplanMeier) -> tuple[list[float], list[float]]:
    """The vertices of the step curve in (months, %): from (0, 100 %) down at each event time, flat to the
    longest follow-up."""
    if not len(km):
        return [], []
    xs, ys, level = [0.0], [100.0], 100.0
    for step in km.steps:
        month = step.time / MONTH_DAYS
        xs += [month, month]
        ys += [level, 100 * step.survival]
        level = 100 * step.survival
    end = max(o.time for o in km.observations) / MONTH_DAYS
    if end > xs[-1]:
        xs.append(end)
        ys.append(level)
    return xs, ys


def censor_points(km: KaplanMeier) -> tuple[list[float], list[float]]:
    """The censoring ticks: (months, % surviving then) for each censored observation."""
    times = km.censored_times()
    return [t / MONTH_DAYS for t in times], [100 * (km.survival(t) or 0.0) for t in times]


class KmPanel:
    """Title, legend, the curves and the at-risk rows in a sub-layout of the outcomes canvas."""

    def __init__(self, layout: pg.GraphicsLayout, theme: Theme, title: str, y_label: str, curves: list[Curve]):
        self.layout = layout
        self.curves = curves
        fg = theme.foreground
        self.title = add_label(layout, title, 0, size=TITLE_SIZE, bold=True, color=fg.name())
        self.legend = add_label(layout, self._legend_html(fg), 1, size="8pt", color=fg.name())
        self.plot = layout.addPlot(row=2, col=0)
        style_outcome_plot(self.plot, theme, y_label)
        self.plot.setLabel("bottom", "months", color=fg.name(), **{"font-size": "8pt"})
        self.plot.getAxis("bottom").setTicks([[(m, str(m)) for m in AT_RISK_MONTHS], []])
        self.plot.setYRange(-3, 104, padding=0)
        self.plot.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 101, 20)], []])
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.at_risk_title = layout.addLabel(
            "Number at risk", row=3, col=0, size="8pt", color=fg.name(), justify="left"
        )
        self.rows = layout.addPlot(row=4, col=0)
        style_outcome_plot(self.rows, theme, "")
        self.rows.hideAxis("bottom")
        self.rows.getAxis("left").setTicks([[(-i, c.name) for i, c in enumerate(curves)], []])
        self.rows.getAxis("left").setStyle(tickLength=0)
        self.rows.getAxis("left").setPen(QPen(Qt.PenStyle.NoPen))  # names only, no axis line nor ticks (the
        self.rows.getAxis("left").setTickPen(pen(theme.background))  # axis draws a 0-length tick as a dot)
        self.rows.setYRange(-MAX_ROWS + 0.5, 0.5, padding=0)  # every panel as tall: their x axes line up
        self.rows.setFixedHeight(ROW_PX * MAX_ROWS + 6)
        layout.layout.setRowStretchFactor(2, 1)
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.ticks: dict[str, pg.ScatterPlotItem] = {}
        self.markers: dict[str, pg.ScatterPlotItem] = {}
        self.marker_labels: dict[str, pg.TextItem] = {}
        self.counts: dict[str, list[pg.TextItem]] = {}
        for i, c in enumerate(curves):
            colour = QColor(c.colour)
            self.lines[c.key] = self.plot.plot([], [], pen=pen(colour, 2.0, c.style), antialias=True)
            self.ticks[c.key] = pg.ScatterPlotItem(symbol="|", size=8, pen=pen(colour, 1.2), brush=None)
            self.plot.addItem(self.ticks[c.key])
            self.markers[c.key] = pg.ScatterPlotItem(symbol="d", size=11, pen=pen(fg, 1.4), brush=pg.mkBrush(colour))
            self.plot.addItem(self.markers[c.key])
            backdrop = QColor(theme.background)
            backdrop.setAlpha(225)  # readable where the registry's own curve runs through the published point
            label = pg.TextItem("", color=fg, anchor=(0, 0.5), fill=pg.mkBrush(backdrop))
            label.setZValue(20)
            label.setFont(small_font(8.0))
            self.plot.addItem(label)
            self.marker_labels[c.key] = label
            self.counts[c.key] = []
            for month in AT_RISK_MONTHS:
                text = pg.TextItem("", color=colour if theme.dark else colour.darker(115), anchor=(0.5, 0.5))
                text.setFont(small_font(8.0))
                text.setPos(month, -i)
                self.rows.addItem(text)
                self.counts[c.key].append(text)
        for plot in (self.plot, self.rows):  # not x-linked: pyqtgraph links views by their on-screen geometry,
            plot.setXRange(*X_RANGE, padding=0)  # off while the layout is still unsized; the same range is exact
        self.empty = EmptyNote(self.plot, fg)

    def height_below_plot(self) -> float:
        """What the panel shows under its plot: the at-risk title and rows, with the layout's spacing."""
        spacing = self.layout.layout.verticalSpacing()
        return self.at_risk_title.minimumHeight() + self.rows.minimumHeight() + 2 * spacing

    def _legend_html(self, fg: QColor) -> str:
        dash = {Qt.PenStyle.SolidLine: "━━", Qt.PenStyle.DashLine: "╍╍"}
        parts = [f'<span style="color:{c.colour}">{dash.get(c.style, "━━")}</span> {c.name}' for c in self.curves]
        parts.append("<span>|</span> censored")
        parts.append(f'<span style="color:{fg.name()}">◆</span> published')
        return " &nbsp; ".join(parts)

    def show(self, kms: dict[str, KaplanMeier], empty_text: str) -> None:
        """Draw the curves (one Kaplan–Meier estimate per curve key)."""
        anyone = any(len(km) for km in kms.values())
        self.empty.show("" if anyone else empty_text)
        for c in self.curves:
            km = kms[c.key]
            self.lines[c.key].setData(*step_points(km))
            xs, ys = censor_points(km)
            self.ticks[c.key].setData(xs, ys)
            if c.published is None:
                self.markers[c.key].setData([], [])
                self.marker_labels[c.key].setText("")
            else:
                value = 100 * c.published
                self.markers[c.key].setData([PUBLISHED_MONTHS], [value])
                self.marker_labels[c.key].setText(f"published {value:.0f}%")
                self.marker_labels[c.key].setPos(PUBLISHED_MONTHS + 0.9, value)
            for month, text in zip(AT_RISK_MONTHS, self.counts[c.key], strict=True):
                text.setText(str(km.at_risk(month * MONTH_DAYS)) if len(km) else "")
        self._separate_labels()

    def _separate_labels(self) -> None:
        """Keep the published labels of two curves apart when their values are close."""
        shown = sorted((c.published, c.key) for c in self.curves if c.published is not None)
        for (low, low_key), (high, high_key) in pairwise(shown):
            if 100 * (high - low) < 7:
                middle = 50 * (high + low)
                self.marker_labels[low_key].setPos(PUBLISHED_MONTHS + 0.9, middle - 3.5)
                self.marker_labels[high_key].setPos(PUBLISHED_MONTHS + 0.9, middle + 3.5)

    def at_risk_texts(self, key: str) -> list[str]:
        """The at-risk row of one curve as shown (for tests)."""
        return [t.toPlainText() for t in self.counts[key]]

    def curve_data(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The vertices of one curve as drawn (months, %)."""
        x, y = self.lines[key].getData()
        return (np.array([]) if x is None else x), (np.array([]) if y is None else y)


class Label(pg.LabelItem):
    """A label that may be narrower than its text, which it then clips: in a narrow window a panel's width wins
    over its title and legend, instead of the panels beside it being pushed out of the canvas."""

    def __init__(self, text: str, **opts: object):
        super().__init__(text, **opts)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)

    def sizeHint(self, hint: Qt.SizeHint, constraint: object) -> QSizeF:
        size = super().sizeHint(hint, constraint)
        if hint == Qt.SizeHint.MinimumSize:
            size.setWidth(0)
        return size

    def updateMin(self) -> None:
        super().updateMin()
        self.setMinimumWidth(0)


def add_label(layout: pg.GraphicsLayout, text: str, row: int, **opts: object) -> Label:
    """A `Label` in `layout` at `row` (column 0), spanning `colspan` columns."""
    colspan = int(opts.pop("colspan", 1))  # type: ignore[call-overload]
    label = Label(text, **opts)
    layout.addItem(label, row=row, col=0, colspan=colspan)
    return label


def style_outcome_plot(plot: pg.PlotItem, theme: Theme, y_label: str) -> None:
    """Axes in the foreground colour, a fixed left axis width, no mouse interaction."""
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.enableAutoSIPrefix(False)
        axis.setPen(pen(theme.foreground))
        axis.setTextPen(pen(theme.foreground))
        axis.setStyle(tickFont=small_font(8.0))
    plot.getAxis("left").setWidth(AXIS_WIDTH)
    if y_label:
        plot.setLabel("left", y_label, color=theme.foreground.name(), **{"font-size": "8pt"})
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    plot.getViewBox().enableAutoRange(enable=False)
