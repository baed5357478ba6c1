"""One blood count over time (ANC, platelets or hemoglobin) with its CTCAE grade 3 and 4 bands and, where the
rules use one, the recovery threshold."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from desktop.clinical.ctcae import GRADE_BOUNDS
from desktop.clinical.evaluation import PatientEvaluation
from desktop.domain import Patient
from desktop.ui.plots.common import NearestPointHover, dashed, style_plot, to_x

MEASURES = {  # field → (axis label, unit, line colour)
    "anc": ("ANC", "10⁹/L", "#3b82c4"),
    "platelets": ("PLT", "10⁹/L", "#8e5bd1"),
    "hemoglobin": ("Hb", "g/dL", "#c0392b"),
}
BAND_BRUSHES = {4: (214, 69, 69, 55), 3: (224, 138, 30, 45)}


class CountPlot:
    """One measure's line, its grade 3/4 bands (labelled) and the recovery line."""

    def __init__(self, plot: pg.PlotItem, measure: str, foreground: QColor):
        self.plot, self.measure = plot, measure
        label, unit, colour = MEASURES[measure]
        style_plot(plot, foreground, f"{label}<br>{unit}")
        self.unit = unit
        self.line = pg.PlotDataItem(pen=pg.mkPen(colour, width=1.6), symbol="o", symbolSize=5,
                                    symbolBrush=colour, symbolPen=None)  # fmt: skip
        plot.addItem(self.line)
        bounds = dict(GRADE_BOUNDS[measure])
        self.bands: list[pg.LinearRegionItem] = []
        lower = 0.0
        for n, grade in enumerate(sorted((g for g in bounds if g >= 3), reverse=True)):
            band = pg.LinearRegionItem((lower, bounds[grade]), orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(*BAND_BRUSHES[grade]), pen=pg.mkPen(None))  # fmt: skip
            band.setZValue(-10)
            pg.InfLineLabel(band.lines[1], f"grade {grade} (< {bounds[grade]:g})", position=0.005 + 0.16 * n,
                            anchors=[(0, 0), (0, 0)], color=foreground.name())  # fmt: skip
            plot.addItem(band, ignoreBounds=True)
            self.bands.append(band)
            lower = bounds[grade]
        self.recovery = pg.InfiniteLine(angle=0, movable=False, pen=dashed("#2e9d4f"))
        self.recovery_label = pg.InfLineLabel(self.recovery, "", position=0.99, anchors=[(1, 1), (1, 1)],
                                              color="#2e9d4f")  # fmt: skip
        plot.addItem(self.recovery, ignoreBounds=True)
        self.recovery.setVisible(measure in ("anc", "platelets"))
        self.hover = NearestPointHover(plot)
        self.count = 0

    def show(self, patient: Patient | None, evaluation: PatientEvaluation | None) -> None:
        """Draw the patient's counts (None clears)."""
        counts = [c for c in (patient.counts if patient else ()) if evaluation is None or c.date <= evaluation.as_of]
        self.count = len(counts)
        x = np.array([to_x(c.date) for c in counts], float)
        y = np.array([getattr(c, self.measure) for c in counts], float)
        self.line.setData(x, y)
        if evaluation is not None and self.measure in ("anc", "platelets"):
            threshold = (
                evaluation.params.recovery_anc if self.measure == "anc" else evaluation.params.recovery_platelets
            )
            self.recovery.setPos(threshold)
            self.recovery_label.setFormat(f"recovery ≥ {threshold:g}")
        top = max([*y, dict(GRADE_BOUNDS[self.measure])[3] * 2]) if len(y) else 1.0
        self.plot.setYRange(0, top * 1.08, padding=0)
        label = MEASURES[self.measure][0]
        self.hover.set_points(x, y, [f"{c.date} · {label} {getattr(c, self.measure):g} {self.unit}" for c in counts])
