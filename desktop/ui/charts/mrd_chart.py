"""NPM1/ABL1 MRD on a log axis.

Every sample record up to the evaluation date is a point: colour by class (positive, MRD-LL, negative,
inadequate), shape by specimen (BM circle, PB diamond), inadequate hollow. Samples with no NPM1 detected sit
on a "not detected" floor (a whole decade below the lowest positive, labelled "n.d." on the axis). Dashed
lines: the MRD-LL threshold and, during a positive run, the molecular-progression level; a green band marks
the current negative run; the right axis reads the log reduction from the diagnosis baseline.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor

from desktop.clinical.calendar import months_between
from desktop.clinical.evaluation import PatientEvaluation
from desktop.clinical.mrd import CLASS_LABELS, MrdClass, classify, log_reduction
from desktop.domain import MrdSample, Patient
from desktop.ui.charts.axes import MrdAxis
from desktop.ui.charts.compat_pixel_curve import PixelCurve
from desktop.ui.charts.hover import PointHover
from desktop.ui.charts.labels import EmptyNote
from desktop.ui.charts.overlay import Overlay
from desktop.ui.charts.style import CLASS_COLOURS, DAY, RUN_RGBA, Theme, dashed, pen, style_plot, to_x

SPECIMEN_SYMBOLS = {"BM": "o", "PB": "d"}
MAX_FLOOR_LOG = -3  # the not-detected floor is at most 0.001 %, and a decade below the lowest positive


def floor_log(ratios: list[float], low_level_pct: float) -> int:
    """log10 of the not-detected floor: a whole decade at least one below every positive and the threshold."""
    lowest = min([low_level_pct, *ratios])
    return min(MAX_FLOOR_LOG, math.floor(math.log10(lowest)) - 1)


def sample_text(sample: MrdSample, mrd_class: str, baseline: float | None) -> str:
    """The hover text of a sample, e.g. `2024-03-13 · BM · NPM1/ABL1 0.0143 % (12 / 84,000 copies) · MRD-LL`."""
    copies = f"{sample.npm1_copies:,.10g} / {sample.abl1_copies:,.0f} copies"
    if sample.npm1_copies > 0:
        value = f"NPM1/ABL1 {sample.ratio_pct:.3g} % ({copies})"
    else:
        value = f"NPM1 not detected ({copies})"
    text = f"{sample.date} · {sample.specimen} · {value} · {CLASS_LABELS[mrd_class]}"
    if mrd_class == "inadequate":
        text += " (ABL1 too low: not evaluable)"
    reduction = log_reduction(sample.ratio_pct, baseline)
    return text if reduction is None else f"{text} · {reduction:.1f} log below diagnosis"


class MrdChart:
    """The MRD plot; `show` updates its items in place."""

    def __init__(self, plot: pg.PlotItem, overlay: Overlay, theme: Theme):
        self.plot = plot
        plot.setLogMode(x=False, y=True)
        axis = plot.getAxis("left")
        self.axis: MrdAxis | None = axis if isinstance(axis, MrdAxis) else None
        plot.showAxis("right")
        self.reduction_axis = plot.getAxis("right")
        self.reduction_axis.setStyle(tickLength=-5)
        self.lane = overlay.band(False, theme.lane, z=-20)
        self.lane.set_visible(True)
        self.run = overlay.band(True, QBrush(QColor(*RUN_RGBA)), z=-15, edge=pen(QColor(*RUN_RGBA[:3], 140)))
        # the run's text: right of its start, or left of its end when the start is far right
        self.run_labels = (overlay.label(CLASS_COLOURS["negative"], 8.5),
                           overlay.label(CLASS_COLOURS["negative"], 8.5))  # fmt: skip
        plot.vb.sigXRangeChanged.connect(self.place_run_label)
        plot.vb.sigResized.connect(self.place_run_label)
        # dynamicRangeLimit=None: pyqtgraph would otherwise re-set the samples' data on every range change
        self.trend = PixelCurve(antialias=True)  # in view coordinates: log10 of the ratio (`compat_pixel_curve.py`)
        self.samples = pg.PlotDataItem(pen=None, symbol="o", symbolSize=10, antialias=True, dynamicRangeLimit=None)
        self.threshold = overlay.rule(False, dashed(CLASS_COLOURS["mrd_ll"]), z=-6)
        self.threshold.set_visible(True)
        # under the line: the diagnosis sample at the left edge is above it, and would print over the text
        self.threshold_label = overlay.label(CLASS_COLOURS["mrd_ll"], 8.0)
        self.threshold_label.set_visible(True)
        self.progression = overlay.rule(False, dashed(CLASS_COLOURS["positive"]), z=-6)
        self.progression_label = overlay.label(CLASS_COLOURS["positive"], 8.0)  # above its line
        plot.addItem(self.trend)
        plot.addItem(self.samples)
        self.brushes = {c: QBrush(QColor(colour)) for c, colour in CLASS_COLOURS.items()}
        self.brushes["inadequate"] = QBrush(QColor(0, 0, 0, 0))
        self.pens = {c: pen(QColor(colour).darker(125), 1.0) for c, colour in CLASS_COLOURS.items()}
        self.pens["inadequate"] = pen(CLASS_COLOURS["inadequate"], 1.8)
        self.hover = PointHover(plot, theme)
        self.empty_note = EmptyNote(plot, theme.muted)
        self.floor_log = MAX_FLOOR_LOG
        self.classes: list[MrdClass] = []
        self.apply_theme(theme)
        self.show(None, None)

    def apply_theme(self, theme: Theme) -> None:
        """Axis, lane and trend colours of the palette."""
        style_plot(self.plot, theme, "NPM1/ABL1 (%)")
        colour = theme.foreground.name()
        self.plot.setLabel("right", "log reduction from diagnosis", color=colour, **{"font-size": "8pt"})
        self.lane.set_brush(theme.lane)
        self.threshold_label.set_fill(theme.label_fill)
        self.trend.setPen(pen(theme.muted, 1.2))
        self.empty_note.set_colour(theme.muted)
        self.hover.apply_theme(theme)

    def show(self, patient: Patient | None, evaluation: PatientEvaluation | None) -> None:
        """Draw the patient's samples up to the evaluation date (None clears)."""
        if patient is None or evaluation is None:
            records: list[MrdSample] = []
            params = None
        else:
            records = sorted((s for s in patient.mrd if s.date <= evaluation.as_of), key=lambda s: (s.date, s.specimen))
            params = evaluation.params
        low_level = params.mrd_low_level_pct if params else 2.0
        classes = [classify(s.npm1_copies, s.abl1_copies, params) for s in records] if params else []
        self.classes = classes
        positives = [s.ratio_pct for s in records if s.npm1_copies > 0]
        self.floor_log = floor_log(positives, low_level)
        floor = 10.0**self.floor_log
        x = np.array([to_x(s.date) for s in records], float)
        y = np.array([s.ratio_pct if s.npm1_copies > 0 else floor for s in records], float)
        self.samples.setData(
            x, y, symbol=[SPECIMEN_SYMBOLS.get(s.specimen, "s") for s in records],
            symbolBrush=[self.brushes[c] for c in classes], symbolPen=[self.pens[c] for c in classes],
        )  # fmt: skip
        evaluable = evaluation.mrd.evaluable if evaluation else ()
        self.trend.setData(
            np.array([to_x(s.date) for s in evaluable], float),
            np.log10(np.array([s.ratio_pct if s.ratio_pct > 0 else floor for s in evaluable], float)),
        )
        if self.axis is not None:
            self.axis.set_floor(float(self.floor_log))
        self.lane.set_region((self.floor_log - 0.5, self.floor_log + 0.5))
        self.threshold.set_value(math.log10(low_level))
        self.threshold_label.set_text(f"{low_level:g} % MRD-LL threshold: positive at or above, MRD-LL below")
        self.threshold_label.set_at(y=self.threshold.value(), fx=0.005, anchor=(0, 0))
        top = max([low_level * 10, *(r * 2 for r in positives)])
        top = max(top, self._show_progression(evaluation) * 2)
        self._show_run(evaluation)
        baseline = patient.baseline_npm1_abl1_pct if patient else None
        if baseline:
            top = max(top, baseline * 2)
        self._show_reduction_ticks(baseline)
        # the top on a half decade: few distinct ranges, so the axis is redrawn only when its range changes
        bottom, top_log = self.floor_log - 0.6, math.ceil(math.log10(top) * 2 - 1e-9) / 2
        self.plot.setYRange(bottom, top_log, padding=0)
        run_height = min(0.9, (self.floor_log + 0.75 - bottom) / (top_log - bottom))  # just above the floor lane
        start, end = self.run.region()
        for label, edge, anchor in zip(self.run_labels, (start, end), ((0, 1), (1, 1)), strict=True):
            label.set_at(x=edge, fy=run_height, anchor=anchor)
        self.hover.set_points(x, np.log10(y) if len(y) else y, lambda i: sample_text(records[i], classes[i], baseline))
        empty = evaluation is not None and not records
        self.empty_note.show(f"No MRD sample recorded up to {evaluation.as_of}" if empty and evaluation else "")

    def _show_progression(self, evaluation: PatientEvaluation | None) -> float:
        """The molecular-progression level of the current positive run (0 when there is none)."""
        run = evaluation.mrd.positive_run() if evaluation else ()
        self.progression.set_visible(bool(run))
        self.progression_label.set_visible(bool(run))
        if not run or evaluation is None:
            return 0.0
        lowest = min(s.ratio_pct for s in run)
        rise = evaluation.params.progression_log_rise
        level = lowest * 10**rise
        self.progression.set_value(math.log10(level))
        text = f"molecular progression at ≥ {level:.3g} % ({rise:g} log above this run's lowest, {lowest:.3g} %)"
        self.progression_label.set_text(text)
        self.progression_label.set_at(y=self.progression.value(), fx=0.005, anchor=(0, 1))
        return level

    def _show_run(self, evaluation: PatientEvaluation | None) -> None:
        run = evaluation.mrd.negative_run() if evaluation else ()
        self.run.set_visible(bool(run))
        if not run or evaluation is None:
            for label in self.run_labels:
                label.set_visible(False)
            return
        first, last = run[0].date, run[-1].date
        self.run.set_region((to_x(first) - 2 * DAY, to_x(last) + 2 * DAY))
        months = math.floor(months_between(first, last) * 10) / 10  # as the eligibility panel: floored
        count = f"{len(run)} sample{'s' if len(run) > 1 else ''}"
        text = f"MRD-negative since {first}: {months:.1f} months, {count}"
        for label in self.run_labels:
            label.set_text(text)
        self.place_run_label()

    def place_run_label(self) -> None:
        """Show the run label right of the band's start if it fits there, else left of its end."""
        if not self.run.visible:
            return
        (x0, x1), width = self.plot.vb.viewRange()[0], self.plot.vb.width()
        start, end = self.run.region()
        text = self.run_labels[0].width_px * (x1 - x0) / max(width, 1.0)
        left = start + text <= x1 or end - text < x0  # right of the start, unless only the left side fits
        for label, visible in zip(self.run_labels, (left, not left), strict=True):
            label.set_visible(visible)

    def _show_reduction_ticks(self, baseline: float | None) -> None:
        """Right-axis ticks at whole log reductions from the diagnosis baseline (none without a baseline)."""
        ticks: list[tuple[float, str]] = []
        if baseline:
            base = math.log10(baseline)
            ticks = [(base - k, "dx" if k == 0 else f"{k}") for k in range(0, 12) if base - k > self.floor_log + 0.6]
        self.reduction_axis.setTicks([ticks, []])
