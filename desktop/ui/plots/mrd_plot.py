"""NPM1/ABL1 MRD on a log axis: samples by class (colour) and specimen (shape), inadequate hollow, negatives
at a floor marker, the MRD-LL threshold, and a band over the current negative run."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from desktop.clinical.evaluation import PatientEvaluation
from desktop.clinical.mrd import CLASS_LABELS
from desktop.ui.plots.common import CLASS_COLOURS, DAY, NearestPointHover, dashed, style_plot, to_x

SPECIMEN_SYMBOLS = {"BM": "o", "PB": "d"}
NOT_DETECTED_FLOOR = 1e-3  # % NPM1/ABL1 where "not detected" samples are drawn (lowered below tiny positives)


class MrdPlot:
    """The MRD series of one plot, updated in place by `show`."""

    def __init__(self, plot: pg.PlotItem, foreground: QColor):
        self.plot = plot
        style_plot(plot, foreground, "NPM1/ABL1 (%)")
        plot.setLogMode(x=False, y=True)
        plot.getAxis("left").enableAutoSIPrefix(False)
        self.trend = pg.PlotDataItem(pen=pg.mkPen(foreground.name(), width=1, cosmetic=True), connect="finite")
        self.trend.setOpacity(0.45)
        self.samples = pg.PlotDataItem(pen=None, symbolSize=10)
        self.threshold = pg.InfiniteLine(angle=0, movable=False, pen=dashed(CLASS_COLOURS["mrd_ll"]))
        self.threshold_label = pg.InfLineLabel(self.threshold, "", position=0.02, anchors=[(0, 1), (0, 1)],
                                               color=CLASS_COLOURS["mrd_ll"])  # fmt: skip
        self.floor = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen("#2e9d4f", width=1, style=pg.QtCore.Qt.PenStyle.DotLine)
        )
        self.floor_label = pg.InfLineLabel(self.floor, "not detected", position=0.02, anchors=[(0, 0), (0, 0)],
                                           color="#2e9d4f")  # fmt: skip
        self.run = pg.LinearRegionItem(orientation="vertical", movable=False, brush=pg.mkBrush(46, 157, 79, 40),
                                       pen=pg.mkPen(None))  # fmt: skip
        self.run_label = pg.InfLineLabel(
            self.run.lines[0], "", position=0.97, anchors=[(0, 0), (0, 0)], color="#2e9d4f"
        )
        self.run.setZValue(-10)
        for item in (self.run, self.trend, self.samples):
            plot.addItem(item)
        for item in (self.threshold, self.floor):
            plot.addItem(item, ignoreBounds=True)
        self.legend = plot.addLegend(offset=(-10, 10), labelTextColor=foreground.name(), labelTextSize="8pt")
        for name, symbol in (("BM (marrow)", "o"), ("PB (blood)", "d")):
            self.legend.addItem(pg.ScatterPlotItem(symbol=symbol, brush=foreground.name(), pen=None, size=9), name)
        for mrd_class in ("positive", "mrd_ll", "negative"):
            sample = pg.ScatterPlotItem(symbol="o", brush=CLASS_COLOURS[mrd_class], pen=None, size=9)
            self.legend.addItem(sample, CLASS_LABELS[mrd_class])
        hollow = pg.ScatterPlotItem(
            symbol="o", brush=None, pen=pg.mkPen(CLASS_COLOURS["inadequate"], width=1.5), size=9
        )
        self.legend.addItem(hollow, "inadequate (ABL1 low)")
        self.hover = NearestPointHover(plot)
        self.count = 0

    def show(self, evaluation: PatientEvaluation | None) -> None:
        """Draw the classified samples of an evaluation (None clears)."""
        samples = evaluation.mrd.samples if evaluation else ()
        self.count = len(samples)
        low_level = evaluation.params.mrd_low_level_pct if evaluation else 2.0
        positives = [s.ratio_pct for s in samples if s.ratio_pct > 0]
        floor = min([NOT_DETECTED_FLOOR, *(p / 10 for p in positives)])
        x = np.array([to_x(s.date) for s in samples], float)
        y = np.array([s.ratio_pct if s.ratio_pct > 0 else floor for s in samples], float)
        symbols = [SPECIMEN_SYMBOLS.get(s.specimen, "o") for s in samples]
        hollow = pg.mkBrush(0, 0, 0, 0)
        brushes = [hollow if s.mrd_class == "inadequate" else pg.mkBrush(CLASS_COLOURS[s.mrd_class]) for s in samples]
        pens = [
            pg.mkPen(CLASS_COLOURS[s.mrd_class], width=1.5 if s.mrd_class == "inadequate" else 0.8) for s in samples
        ]
        self.samples.setData(x, y, symbol=symbols, symbolBrush=brushes, symbolPen=pens)
        evaluable = [n for n, s in enumerate(samples) if s.mrd_class != "inadequate"]
        self.trend.setData(x[evaluable], y[evaluable])
        self.threshold.setPos(math.log10(low_level))
        self.threshold_label.setFormat(f"MRD-LL: positive below {low_level:g}%")
        self.floor.setPos(math.log10(floor))
        self.floor.setVisible(bool(samples))
        run = evaluation.mrd.negative_run() if evaluation else ()
        if run:
            start, end = to_x(run[0].date), to_x(run[-1].date)
            self.run.setRegion((start - DAY, end + DAY))
            self.run_label.setFormat(
                f"negative run: {len(run)} sample{'s' if len(run) > 1 else ''} since {run[0].date}"
            )
        self.run.setVisible(bool(run))
        texts = [
            f"{s.date} · {s.specimen} · "
            + (f"NPM1/ABL1 {s.ratio_pct:.3g}%" if s.ratio_pct > 0 else "NPM1 not detected")
            + f" ({s.npm1_copies:,.0f} / {s.abl1_copies:,.0f} copies) · {CLASS_LABELS[s.mrd_class]}"
            for s in samples
        ]
        top = max([low_level * 10, *(p * 3 for p in positives)])
        self.plot.setYRange(math.log10(floor) - 0.6, math.log10(top), padding=0)
        self.hover.set_points(x, np.log10(y) if len(y) else y, texts)
