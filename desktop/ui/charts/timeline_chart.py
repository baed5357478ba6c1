"""The treatment timeline: a bar per cycle over its venetoclax days (the nominal cycle length when unknown),
coloured by regimen, numbered above; regimen and dose written under the bar where they change; interacting
drugs in rows under the lane (`drug_rows.py`).

Change notes take two rows under the bars; a note that would overlap another on both rows at the current
zoom is hidden until there is room (zoom in), so texts never print over each other. Every cycle's regimen
and dose are in its hover text."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QFontMetricsF

from desktop.clinical.evaluation import PatientEvaluation
from desktop.domain import Cycle, Patient
from desktop.ui.charts.drug_rows import DrugRows
from desktop.ui.charts.hover import PointHover
from desktop.ui.charts.overlay import Label, MarkPool, Overlay
from desktop.ui.charts.style import DAY, OTHER_REGIMEN, REGIMEN_COLOURS, Theme, pen, small_font, style_plot, to_x

BAR_BOTTOM, BAR_HEIGHT = 0.45, 0.22  # in the lane's 0–1 height; the notes go under the bars
NOTE_ROWS = 2  # at most; only the rows that fit in the lane's height are used
NOTE_GAP_PX = 8  # the least room between two notes on one row


def dose_text(cycle: Cycle) -> str:
    """`VEN-AZA · 400 mg` (or `dose not recorded`)."""
    dose = f"{cycle.venetoclax_dose_mg:g} mg" if cycle.venetoclax_dose_mg is not None else "dose not recorded"
    return f"{cycle.regimen} · {dose}"


def change_notes(cycles: list[Cycle]) -> list[tuple[int, str]]:
    """(index, text) where the regimen or the dose changes: `VEN-AZA · 400 mg`, then `200 mg` for a dose change."""
    notes: list[tuple[int, str]] = []
    for n, cycle in enumerate(cycles):
        before = cycles[n - 1] if n else None
        if before is None or before.regimen != cycle.regimen:
            notes.append((n, dose_text(cycle)))
        elif before.venetoclax_dose_mg != cycle.venetoclax_dose_mg:
            notes.append((n, dose_text(cycle).split(" · ")[1]))
    return notes


def cycle_text(cycle: Cycle, days: int, known: bool) -> str:
    """The hover text of a cycle."""
    venetoclax = f"venetoclax {dose_text(cycle).split(' · ')[1]} × {days} d" + ("" if known else " (days not recorded)")
    hma = f" · HMA {cycle.hma_days} d" if cycle.hma_days is not None else ""
    return f"Cycle {cycle.number} · {cycle.start_date} · {cycle.regimen} · {venetoclax}{hma}"


class TimelineChart:
    """The cycle bars and their labels; `show` updates them in place. `count` is the number of bars."""

    def __init__(self, plot: pg.PlotItem, overlay: Overlay, theme: Theme):
        self.plot = plot
        plot.showAxis("right")
        plot.getAxis("right").setStyle(showValues=False, tickLength=0)
        plot.getAxis("right").unlinkFromView()  # it shows only its title: no need to redraw it for each range
        left = plot.getAxis("left")
        left.setStyle(showValues=False, tickLength=0)
        left.setTicks([[], []])  # no values to show: no tick computation on any paint
        left.unlinkFromView()  # and its title needs no redraw when the view's range changes
        plot.setYRange(0, 1, padding=0)
        self.bars = pg.BarGraphItem(x0=[], width=[], y0=[], height=[])
        plot.addItem(self.bars)
        self.numbers: MarkPool[Label] = MarkPool(lambda: overlay.label(self.theme.foreground, 7.5))
        self.notes: MarkPool[Label] = MarkPool(lambda: overlay.label(self.theme.foreground, 7.5))
        self.brushes = {regimen: QBrush(QColor(colour)) for regimen, colour in REGIMEN_COLOURS.items()}
        self.hover = PointHover(plot, theme, radius=18, x_only=True, y_band=(0.0, 1.0))  # not over the drug rows
        self.drugs = DrugRows(plot, overlay, theme)
        self.theme = theme
        self.count = 0
        self._notes: list[tuple[Label, float, float]] = []  # note, left x, width in pixels
        self._numbers: list[tuple[Label, float, float]] = []  # cycle number, centre x, width in pixels
        self._line_px = QFontMetricsF(small_font(7.5)).height()
        plot.vb.sigXRangeChanged.connect(self.place_notes)
        plot.vb.sigResized.connect(self._resized)
        self.apply_theme(theme)
        self.show(None, None)

    def apply_theme(self, theme: Theme) -> None:
        """Axis and label colours of the palette."""
        self.theme = theme
        style_plot(self.plot, theme, "Cycles")
        self.bars.setOpts(pen=pen(theme.foreground, 0.6))
        for label in (*self.numbers.marks, *self.notes.marks):
            label.set_colour(theme.foreground)
        self.hover.apply_theme(theme)
        self.drugs.apply_theme(theme)

    def _resized(self, *_: object) -> None:
        self.drugs.layout()  # the drug rows keep their pixel height: the lane's y range changes first
        self.place_notes()

    def note_texts(self) -> list[str]:
        """Every change note of the patient shown, including those hidden for lack of room."""
        return [label.text for label, _, _ in self._notes]

    def number_texts(self) -> list[str]:
        """Every cycle number of the patient shown, including those hidden for lack of room."""
        return [label.text for label, _, _ in self._numbers]

    def place_notes(self, *_: object) -> None:
        """Put each change note on the first row where it does not overlap the previous one, else hide it;
        show the cycle numbers that have room (the latest always)."""
        ((x0, x1), (y0, y1)), width = self.plot.vb.viewRange(), self.plot.vb.width()
        if width <= 0:  # not laid out yet
            return
        pixel = (x1 - x0) / width  # x units per pixel at the current zoom (viewPixelSize would map the view)
        line = self._line_px * (y1 - y0) / max(self.plot.vb.height(), 1.0)  # a text line in view units
        top = BAR_BOTTOM - 0.02
        rows = max(1, min(NOTE_ROWS, int(top / line)))
        ends = [-float("inf")] * rows
        for label, left, width in self._notes:
            inside = x0 <= left and left + width * pixel <= x1  # never cut by the plot's edges
            row = next((r for r in range(rows) if inside and left >= ends[r] + NOTE_GAP_PX * pixel), None)
            if row is not None:
                ends[row] = left + width * pixel
                label.set_at(x=left, y=top - line * row, anchor=(0, 0))
            label.set_visible(row is not None)
        left = float("inf")  # cycle numbers from the latest back: each shown only clear of the one after it
        for label, centre, width in reversed(self._numbers):
            half = (width / 2 + 2) * pixel
            shown = centre + half <= left
            if shown:
                left = centre - half
            label.set_visible(shown)

    def show(self, patient: Patient | None, evaluation: PatientEvaluation | None) -> None:
        """Draw the cycles and interacting drugs started on or before the evaluation date (None clears)."""
        cycles: list[Cycle] = []
        if patient is not None and evaluation is not None:
            cycles = sorted((c for c in patient.cycles if c.start_date <= evaluation.as_of), key=lambda c: c.number)
        self.count = len(cycles)
        nominal = evaluation.params.cycle_length_days if evaluation else 28
        days = [c.venetoclax_days if c.venetoclax_days is not None else nominal for c in cycles]
        starts = np.array([to_x(c.start_date) - DAY / 2 for c in cycles], float)
        widths = np.array([max(d, 1) * DAY for d in days], float)
        brushes = [self.brushes.get(c.regimen, QBrush(QColor(OTHER_REGIMEN))) for c in cycles]
        self.bars.setOpts(x0=starts, width=widths, y0=np.full(len(cycles), BAR_BOTTOM),
                          height=np.full(len(cycles), BAR_HEIGHT), brushes=brushes)  # fmt: skip
        centres = starts + widths / 2
        self._numbers = []
        for label, cycle, centre in zip(self.numbers.take(len(cycles)), cycles, centres, strict=True):
            label.set_text(str(cycle.number))
            label.set_at(x=float(centre), y=BAR_BOTTOM + BAR_HEIGHT + 0.02, anchor=(0.5, 1))
            self._numbers.append((label, float(centre), label.text_width_px))
        notes = change_notes(cycles)
        self._notes = []
        for label, (n, text) in zip(self.notes.take(len(notes)), notes, strict=True):
            label.set_text(text)
            self._notes.append((label, float(starts[n]), label.text_width_px))
        self.drugs.show(patient, evaluation.params if evaluation else None, evaluation.as_of if evaluation else None)
        self.place_notes()
        self.hover.set_points(
            centres,
            np.full(len(cycles), BAR_BOTTOM + BAR_HEIGHT),
            lambda i: cycle_text(cycles[i], days[i], cycles[i].venetoclax_days is not None),
        )
