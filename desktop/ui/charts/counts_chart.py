"""The blood counts: ANC, platelets and hemoglobin, each in its own unit in a lane of one plot, with the CTCAE
v5.0 grade 3 and 4 bands of `desktop.clinical.ctcae` and, for ANC and platelets, the recovery level of the
parameters used.

The lanes share one view box (y from 0 to 3, one unit per lane, top lane ANC): a patient switch then moves
one view instead of three linked ones, with a third of the axes, grids and event lines to update and paint.
Each lane maps its values into its slot (`Lane.to_view`); its axis ticks, title and band key are its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import overload

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsSceneResizeEvent, QGraphicsTextItem

from desktop.clinical.counts import MergedCount
from desktop.clinical.ctcae import GRADE_BOUNDS, anc_grade, hemoglobin_grade, platelet_grade
from desktop.clinical.parameters import Parameters
from desktop.ui.charts.axes import Ticks
from desktop.ui.charts.compat_pixel_curve import PixelCurve
from desktop.ui.charts.hover import PointHover
from desktop.ui.charts.labels import EmptyNote
from desktop.ui.charts.overlay import Band, Overlay
from desktop.ui.charts.style import (
    GRADE_RGBA,
    GRADE_TEXT,
    RECOVERY_COLOUR,
    Theme,
    dashed,
    pen,
    small_font,
    style_plot,
    to_x,
)

LANE_GAP = 0.16  # of a lane's slot, half above and half below its values: room between two lanes
TICK_STEPS = (1.0, 2.0, 2.5, 5.0)  # × a power of ten
TICK_INTERVALS = 4  # at most, per lane
TITLE_NUDGE = 5  # pixels past the axis edge, as pyqtgraph places an axis title
TITLE_MIN_SCALE = 0.8  # a title longer than its lane is shrunk to fit, down to this


@dataclass(frozen=True, slots=True)
class Measure:
    """How one count is drawn: names, unit, colour, CTCAE grading and the least value range shown."""

    field: str
    name: str
    short: str
    unit: str
    colour: str
    grade: Callable[[float], int]
    min_top: float
    min_bottom: float = 0.0


MEASURES = {
    "anc": Measure("anc", "ANC", "ANC", "×10⁹/L", "#3b82c4", anc_grade, 3.0),
    "platelets": Measure("platelets", "Platelets", "PLT", "×10⁹/L", "#8e5bd1", platelet_grade, 200.0),
    "hemoglobin": Measure("hemoglobin", "Hemoglobin", "Hb", "g/dL", "#b5523b", hemoglobin_grade, 14.0, 6.0),
}
LANE_ORDER = ("anc", "platelets", "hemoglobin")  # top to bottom


def count_text(measure: Measure, date: object, value: float) -> str:
    """The hover text of a value, e.g. `2024-03-13 · ANC 0.42 ×10⁹/L · CTCAE grade 4`."""
    grade = measure.grade(value)
    graded = f"CTCAE grade {grade}" if grade else "not decreased"
    return f"{date} · {measure.name} {value:g} {measure.unit} · {graded}"


def key_html(graded: list[tuple[int, float]], recovery: float | None) -> str:
    """The key of the bands and lines (beside the lane, right), each in its colour: `recovery ≥ 1` /
    `G3 < 1` / `G4 < 0.5` (CTCAE grades). Outside the plot, it never hides a value; short, so it fits
    beside its lane."""
    parts = [f"<span style='color:{RECOVERY_COLOUR}'>recovery ≥ {recovery:g}</span>"] if recovery is not None else []
    parts += [f"<span style='color:{GRADE_TEXT[g]}'>G{g} &lt; {bound:g}</span>" for g, bound in reversed(graded)]
    return "<br>".join(parts)


def tick_step(span: float) -> float:
    """The least round step (1, 2, 2.5 or 5 × 10^k) that divides `span` into at most `TICK_INTERVALS` parts."""
    raw = span / TICK_INTERVALS
    power = 10.0 ** math.floor(math.log10(raw))
    return next((s * power for s in TICK_STEPS if s * power >= raw * (1 - 1e-9)), 10 * power)


def value_range(measure: Measure, values: list[float], recovery: float | None) -> tuple[float, float, float]:
    """(low, high, step) of a lane: from the least bottom (0, or 6 g/dL for hemoglobin; lower if a value
    is) on a tick, up to room above the highest value and the recovery level, rounded up to half a step
    (few distinct ranges: the axis is redrawn only when its ticks change)."""
    top = max(measure.min_top, max(values, default=0.0) * 1.08, (recovery or 0.0) * 1.3)
    bottom = min(measure.min_bottom, min(values, default=measure.min_bottom))
    step = tick_step(top - bottom)
    low = math.floor(bottom / step) * step
    return low, math.ceil((top - low) / (step / 2) - 1e-9) * (step / 2) + low, step


@dataclass(frozen=True, slots=True)
class Lane:
    """Where one measure sits in the counts plot: its slot (view y from `slot` to `slot + 1`) and the value
    range drawn in it, the gap left out above and below."""

    slot: int
    low: float
    high: float

    @overload
    def to_view(self, value: float) -> float: ...

    @overload
    def to_view(self, value: np.ndarray) -> np.ndarray: ...

    def to_view(self, value: float | np.ndarray) -> float | np.ndarray:
        """View y of a value (or an array of values)."""
        return self.slot + LANE_GAP / 2 + (value - self.low) / (self.high - self.low) * (1 - LANE_GAP)


class LaneAxis(pg.AxisItem):
    """A vertical axis of the counts plot: each lane's own ticks and labels, and a title (or key) per lane,
    rotated like an axis title and centred on its lane. `ticks_changed` tells the grid lines (the view
    range stays 0–3, so they would not know)."""

    ticks_changed = Signal()

    def __init__(self, orientation: str, lanes: int):
        self.lanes = lanes
        self.ticks: Ticks = [(1.0, [])]
        self.labels: dict[float, str] = {}
        self.titles: list[QGraphicsTextItem] = []  # before pyqtgraph's init, which resizes the axis
        self._title_html = [""] * lanes
        super().__init__(orientation)
        for _ in range(lanes):
            title = QGraphicsTextItem(self)
            title.setRotation(-90)
            self.titles.append(title)

    def set_ticks(self, ticks: dict[float, str]) -> None:
        """Tick labels by view y (every lane's); the axis redraws only when they change."""
        if ticks != self.labels:
            self.labels = ticks
            self.ticks = [(1.0, sorted(ticks))]
            self.picture = None
            self.update()
            self.ticks_changed.emit()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> Ticks:
        return self.ticks

    def tickStrings(self, values: list[float], scale: float, spacing: float | None) -> list[str]:
        return [self.labels.get(v, "") for v in values]

    def set_title(self, lane: int, html: str, colour: QColor, font: QFont) -> None:
        """The title (top lane 0) of one lane; "" shows none."""
        title = self.titles[lane]
        if html == self._title_html[lane] and title.font() == font and title.defaultTextColor() == colour:
            return
        self._title_html[lane] = html
        title.setFont(font)
        title.setHtml(html)
        title.setDefaultTextColor(colour)
        self._place_titles()

    def title_texts(self) -> list[str]:
        """The lanes' titles as plain text, top first."""
        return [title.toPlainText() for title in self.titles]

    def resizeEvent(self, ev: QGraphicsSceneResizeEvent | None = None) -> None:
        super().resizeEvent(ev)
        self._place_titles()

    def _place_titles(self) -> None:
        """Centre each title on its lane, at the edge where pyqtgraph puts an axis title."""
        height, width = self.size().height(), self.size().width()
        for lane, title in enumerate(self.titles):
            rect = title.boundingRect()  # before the rotation: its width runs up the axis
            scale = max(TITLE_MIN_SCALE, min(1.0, (height / self.lanes - 4) / max(rect.width(), 1.0)))
            if title.scale() != scale:
                title.setScale(scale)
            centre = (lane + 0.5) / self.lanes * height
            x = -TITLE_NUDGE if self.orientation == "left" else width - rect.height() * scale + TITLE_NUDGE
            title.setPos(QPointF(x, int(centre + rect.width() * scale / 2)))


class CountLane:
    """One measure's lane: its series, grade bands, recovery line and hover; `show` updates them in place."""

    def __init__(self, plot: pg.PlotItem, overlay: Overlay, measure: str, slot: int, theme: Theme):
        self.plot, self.measure = plot, MEASURES[measure]
        colour = self.measure.colour
        self.lane = Lane(slot, 0.0, 1.0)
        self.values = np.empty(0)
        # A curve and a scatter of its points rather than a PlotDataItem, whose own bookkeeping (datasets, log
        # mapping, downsampling) doubled the cost of each update. The brush and pen are Qt objects, not a colour
        # and None: pyqtgraph keys its symbol cache by those objects and would make new ones at every patient.
        self.curve = PixelCurve(pen=pen(colour, 1.6), antialias=True)
        self.points = pg.ScatterPlotItem(symbol="o", size=5, brush=QBrush(QColor(colour)),
                                         pen=QPen(Qt.PenStyle.NoPen), antialias=True)  # fmt: skip
        plot.addItem(self.curve)
        plot.addItem(self.points)
        self.graded = sorted(((g, bound) for g, bound in GRADE_BOUNDS[measure] if g >= 3), key=lambda gb: gb[1])
        self.bands: dict[int, Band] = {}
        for grade, _ in self.graded:
            self.bands[grade] = overlay.band(False, QBrush(QColor(*GRADE_RGBA[grade])), z=-10)
            self.bands[grade].set_visible(True)
        self.recovery = overlay.rule(False, dashed(RECOVERY_COLOUR, 1.0), z=-8)
        self.key = ""
        self.hover = PointHover(plot, theme, y_band=(slot, slot + 1))

    def show(self, counts: list[MergedCount], x: np.ndarray, params: Parameters | None) -> dict[float, str]:
        """Draw the merged counts (one per date, lowest value of the day) at their dates' x; return this lane's
        tick labels by view y."""
        m = self.measure
        self.values = y = np.array([getattr(c, m.field) for c in counts], float)
        recovery = None
        if params is not None and m.field == "anc":
            recovery = params.recovery_anc
        elif params is not None and m.field == "platelets":
            recovery = params.recovery_platelets
        finite = [float(v) for v in y if math.isfinite(v)]
        low, high, step = value_range(m, finite, recovery)
        lane = self.lane = Lane(self.lane.slot, low, high)
        view_y = lane.to_view(y)
        self.curve.setData(x, view_y)
        self.points.setData(x, view_y)
        self.recovery.set_visible(recovery is not None)
        if recovery is not None:
            self.recovery.set_value(lane.to_view(recovery))
        lower = low  # each band from the one below it (the most severe from the lane's bottom) to its bound
        for grade, bound in self.graded:
            self.bands[grade].set_region((lane.to_view(lower), lane.to_view(min(max(bound, low), high))))
            lower = max(bound, low)
        self.key = key_html(self.graded, recovery)
        self.hover.set_points(x, view_y, lambda i: count_text(m, counts[i].date, getattr(counts[i], m.field)))
        ticks = np.arange(math.floor((high - low) / step + 1e-9) + 1) * step + low
        return {float(lane.to_view(t)): f"{t:g}" for t in ticks}


class CountsChart:
    """The counts plot: a lane per measure (`LANE_ORDER`, top first); `show` updates every item in place."""

    def __init__(self, plot: pg.PlotItem, overlay: Overlay, theme: Theme):
        self.plot = plot
        count = len(LANE_ORDER)
        self.left = plot.getAxis("left")
        self.right = plot.getAxis("right")
        assert isinstance(self.left, LaneAxis) and isinstance(self.right, LaneAxis), "the plot needs lane axes"
        plot.showAxis("right")
        self.right.setStyle(showValues=False, tickLength=0)
        self.right.setTicks([[], []])  # the lanes' keys are its labels, not tick values: nothing to compute
        self.right.unlinkFromView()  # it shows only the lanes' keys: no need to redraw it for each range
        plot.setYRange(0, count, padding=0)
        self.lanes = [CountLane(plot, overlay, m, count - 1 - n, theme) for n, m in enumerate(LANE_ORDER)]
        self.separators = [overlay.rule(False, pen(theme.muted), z=-9) for _ in range(1, count)]
        for n, line in enumerate(self.separators, start=1):
            line.set_value(n)
            line.set_visible(True)
        self.empty_note = EmptyNote(plot, theme.muted)
        self.theme = theme
        self.apply_theme(theme)
        self.show([], None)

    def apply_theme(self, theme: Theme) -> None:
        """Axis, title and separator colours of the palette."""
        self.theme = theme
        style_plot(self.plot, theme, "")
        self.left.showLabel(False)  # the lanes' titles instead
        for line in self.separators:
            line.set_pen(pen(theme.muted, 1.0))
        for lane in self.lanes:
            lane.hover.apply_theme(theme)
        self.empty_note.set_colour(theme.muted)
        self._set_titles()

    def show(self, counts: list[MergedCount], params: Parameters | None) -> None:
        """Draw a patient's merged counts (None parameters: the empty state)."""
        ticks: dict[float, str] = {}
        x = np.array([to_x(c.date) for c in counts], float)  # one date axis for the three lanes
        for lane in self.lanes:
            ticks.update(lane.show(counts, x, params))
        self.left.set_ticks(ticks)
        self._set_titles()
        self.empty_note.show("No blood count recorded" if params is not None and not counts else "")

    def _set_titles(self) -> None:
        foreground = self.theme.foreground
        for n, lane in enumerate(self.lanes):
            m = lane.measure
            self.left.set_title(n, f"{m.short}<br>({m.unit.removeprefix('×')})", foreground, small_font(9.0))
            self.right.set_title(n, lane.key, foreground, small_font(7.5))
