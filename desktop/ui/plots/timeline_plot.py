"""The treatment timeline: a bar per cycle (venetoclax days, colour by regimen, number above) and the events."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from desktop.clinical.evaluation import PatientEvaluation
from desktop.domain import Patient
from desktop.ui.plots.common import DAY, OTHER_REGIMEN, REGIMEN_COLOURS, ItemPool, NearestPointHover, style_plot, to_x


class TimelinePlot:
    """Cycle bars with their numbers; hover gives regimen, dose and days."""

    def __init__(self, plot: pg.PlotItem, foreground: QColor):
        self.plot = plot
        style_plot(plot, foreground, "Cycles")
        plot.getAxis("left").setTicks([[]])
        plot.setYRange(0, 2.0, padding=0)
        plot.setMouseEnabled(x=True, y=False)
        self.bars = pg.BarGraphItem(x0=[], width=[], y0=[], height=[], brush=OTHER_REGIMEN,
                                   pen=pg.mkPen(foreground.name(), width=0.5))  # fmt: skip
        plot.addItem(self.bars)
        self.foreground = foreground
        self.numbers = ItemPool(plot, lambda: pg.TextItem(anchor=(0.5, 0.5), color="#ffffff"))
        self.hover = NearestPointHover(plot, radius=30)
        self.legend = plot.addLegend(offset=(2, 1), labelTextColor=foreground.name(), labelTextSize="8pt",
                                     colCount=4, verSpacing=-6)  # fmt: skip
        for regimen, colour in (*REGIMEN_COLOURS.items(), ("other", OTHER_REGIMEN)):
            self.legend.addItem(pg.BarGraphItem(x=[0], height=[1], width=1, brush=colour), regimen)
        self.count = 0

    def show(self, patient: Patient | None, evaluation: PatientEvaluation | None) -> None:
        """Draw the patient's cycles up to the evaluation date (None clears)."""
        as_of = evaluation.as_of if evaluation else None
        cycles = [c for c in (patient.cycles if patient else ()) if as_of is None or c.start_date <= as_of]
        cycle_days = evaluation.params.cycle_length_days if evaluation else 28
        self.count = len(cycles)
        starts = np.array([to_x(c.start_date) - DAY / 2 for c in cycles], float)
        widths = np.array([(c.venetoclax_days or cycle_days) * DAY for c in cycles], float)
        widths[widths == 0] = DAY  # a cycle with no venetoclax day still shows
        brushes = [pg.mkBrush(REGIMEN_COLOURS.get(c.regimen, OTHER_REGIMEN)) for c in cycles]
        bar_y, bar_height = np.full(len(cycles), 0.1), np.full(len(cycles), 0.75)
        self.bars.setOpts(x0=starts, width=widths, y0=bar_y, height=bar_height, brushes=brushes or None)
        for item, cycle, start, width in zip(self.numbers.take(len(cycles)), cycles, starts, widths, strict=True):
            item.setText(str(cycle.number))
            item.setPos(start + width / 2, 0.48)
        texts = [
            f"Cycle {c.number} · {c.start_date} · {c.regimen} · venetoclax "
            + (f"{c.venetoclax_dose_mg:g} mg" if c.venetoclax_dose_mg is not None else "dose not recorded")
            + (f" × {c.venetoclax_days} d" if c.venetoclax_days is not None else "")
            + (f" · HMA {c.hma_days} d" if c.hma_days is not None else "")
            for c in cycles
        ]
        self.hover.set_points(starts + widths / 2, np.full(len(cycles), 0.5), texts)
