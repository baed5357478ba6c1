"""One blood count over time in its own unit (ANC, platelets, hemoglobin), with the CTCAE v5.0 grade 3 and 4
bands of `desktop.clinical.ctcae` and, for ANC and platelets, the recovery level of the parameters used."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from desktop.clinical.counts import MergedCount
from desktop.clinical.ctcae import GRADE_BOUNDS, anc_grade, hemoglobin_grade, platelet_grade
from desktop.clinical.parameters import Parameters
from desktop.ui.charts.hover import PointHover
from desktop.ui.charts.labels import EmptyNote
from desktop.ui.charts.style import (
    GRADE_RGBA,
    GRADE_TEXT,
    RECOVERY_COLOUR,
    Theme,
    dashed,
    pen,
    style_plot,
    to_x,
)


@dataclass(frozen=True, slots=True)
class Measure:
    """How one count is drawn: names, unit, colour, CTCAE grading and the least y range shown."""

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


def count_text(measure: Measure, date: object, value: float) -> str:
    """The hover text of a value, e.g. `2024-03-13 · ANC 0.42 ×10⁹/L · CTCAE grade 4`."""
    grade = measure.grade(value)
    graded = f"CTCAE grade {grade}" if grade else "not decreased"
    return f"{date} · {measure.name} {value:g} {measure.unit} · {graded}"


def key_html(graded: list[tuple[int, float]], recovery: float | None) -> str:
    """The key of the bands and lines (the right axis title), each in its colour: `recovery ≥ 1` /
    `grade 3 < 1` / `grade 4 < 0.5`. Outside the plot, it never hides a value."""
    parts = [f"<span style='color:{RECOVERY_COLOUR}'>recovery ≥ {recovery:g}</span>"] if recovery is not None else []
    parts += [f"<span style='color:{GRADE_TEXT[g]}'>grade {g} &lt; {bound:g}</span>" for g, bound in reversed(graded)]
    return "<br>".join(parts)


class CountChart:
    """The plot of one measure; `show` updates its items in place."""

    def __init__(self, plot: pg.PlotItem, measure: str, theme: Theme):
        self.plot, self.measure = plot, MEASURES[measure]
        plot.showAxis("right")
        plot.getAxis("right").setStyle(showValues=False, tickLength=0)
        plot.getAxis("right").unlinkFromView()  # it shows only its title: no need to redraw it for each range
        colour = self.measure.colour
        self.line = pg.PlotDataItem(
            pen=pen(colour, 1.6), symbol="o", symbolSize=5, symbolBrush=colour, symbolPen=None, antialias=True
        )
        plot.addItem(self.line)
        self.bands: dict[int, pg.LinearRegionItem] = {}
        lower = 0.0  # the most severe band is stretched down to the plot's bottom by `show`
        graded = sorted(((g, bound) for g, bound in GRADE_BOUNDS[measure] if g >= 3), key=lambda gb: gb[1])
        for grade, bound in graded:
            band = pg.LinearRegionItem((lower, bound), orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(*GRADE_RGBA[grade]), pen=pg.mkPen(None))  # fmt: skip
            band.setZValue(-10)
            plot.addItem(band, ignoreBounds=True)
            self.bands[grade] = band
            lower = bound
        self.key = ""
        self.graded = graded
        self.recovery = pg.InfiniteLine(angle=0, movable=False, pen=dashed(RECOVERY_COLOUR, 1.1))
        self.recovery.setVisible(False)
        plot.addItem(self.recovery, ignoreBounds=True)
        self.hover = PointHover(plot, theme)
        self.empty_note = EmptyNote(plot, theme.muted)
        self.apply_theme(theme)
        self.show([], None)

    def apply_theme(self, theme: Theme) -> None:
        """Axis colours of the palette."""
        m = self.measure
        style_plot(self.plot, theme, f"{m.short}<br>({m.unit.removeprefix('×')})")
        self.hover.apply_theme(theme)
        self.empty_note.set_colour(theme.muted)

    def show(self, counts: list[MergedCount], params: Parameters | None) -> None:
        """Draw the merged counts (one per date, lowest value of the day) of a patient."""
        m = self.measure
        x = np.array([to_x(c.date) for c in counts], float)
        y = np.array([getattr(c, m.field) for c in counts], float)
        self.line.setData(x, y)
        recovery = None
        if params is not None and m.field == "anc":
            recovery = params.recovery_anc
        elif params is not None and m.field == "platelets":
            recovery = params.recovery_platelets
        self.recovery.setVisible(recovery is not None)
        if recovery is not None:
            self.recovery.setPos(recovery)
        key = key_html(self.graded, recovery)
        if key != self.key:
            self.key = key
            self.plot.setLabel("right", key, **{"font-size": "7.5pt"})
        top = max(m.min_top, float(y.max()) * 1.12 if len(y) else 0.0, (recovery or 0) * 1.3)
        bottom = min(m.min_bottom, math.floor(float(y.min()))) if len(y) else m.min_bottom
        bottom -= 0.04 * (top - bottom)
        self.plot.setYRange(bottom, top, padding=0)
        lowest = self.bands[self.graded[0][0]]  # the most severe band reaches the bottom of the plot (not beyond:
        if lowest.getRegion()[0] != bottom:  # an unbounded band would be a huge shape in an SVG export)
            lowest.setRegion((bottom, self.graded[0][1]))
        self.hover.set_points(x, y, lambda i: count_text(m, counts[i].date, getattr(counts[i], m.field)))
        self.empty_note.show("No blood count recorded" if params is not None and not counts else "")

    @property
    def colour(self) -> QColor:
        """The series colour."""
        return QColor(self.measure.colour)
