"""Colours, pens and the date ↔ x mapping shared by the patient charts.

The chart canvas follows the application palette (Base behind, Text in front), so it reads on light and dark
schemes; series colours are mid-saturation hues that keep their contrast on both. Colour is never the only
cue: shapes, hollow symbols, labels and hover texts carry the same information.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QPen
from PySide6.QtWidgets import QApplication, QGraphicsItem

from desktop.ui.fonts import unshaped

DAY = 86_400.0
_EPOCH = dt.date(1970, 1, 1)

CLASS_COLOURS = {"positive": "#d64545", "mrd_ll": "#e08a1e", "negative": "#2e9d4f", "inadequate": "#8c8c8c"}
RUN_RGBA = (46, 157, 79, 38)
EVENT_COLOURS = {
    "discontinuation": "#2e7dd1",
    "rechallenge": "#8a5cd6",
    "hsct": "#0f9d8a",
    "hematologic_relapse": "#d64545",
    "death": None,  # the foreground colour: black on light, white on dark
    "lost_to_follow_up": "#8c8c8c",
}
REGIMEN_COLOURS = {"VEN-AZA": "#4f86c6", "VEN-DEC": "#9c6ade", "VEN-LDAC": "#d9912f"}
OTHER_REGIMEN = "#7f8c8d"
#: Interacting drugs on the timeline, by class (clinical-rules §8): Okabe–Ito hues, told apart with colour-blind
#: vision; the label names the class as well. Strongest first: vermillion, reddish purple, orange, sky blue.
DRUG_CLASS_COLOURS = {"posaconazole": "#d55e00", "strong_cyp3a": "#cc79a7", "moderate_cyp3a": "#e69f00",
                      "pgp": "#56b4e9"}  # fmt: skip
DRUG_FILL_ALPHA = 110  # of 255: the drug's name stays readable over its bar
GRADE_RGBA = {4: (214, 69, 69, 70), 3: (224, 138, 30, 48)}
GRADE_TEXT = {4: "#c43c3c", 3: "#c27415"}
RECOVERY_COLOUR = "#2e9d4f"

LEFT_AXIS_WIDTH = 74  # every plot has the same axis widths, so their dates line up vertically
RIGHT_AXIS_WIDTH = 58


def to_x(date: dt.date) -> float:
    """A date as Unix seconds at 12:00 UTC (the x of the date axis), so a tick never straddles midnight."""
    return (date - _EPOCH).days * DAY + DAY / 2


def from_x(x: float) -> dt.date:
    """The date of an x value."""
    return _EPOCH + dt.timedelta(days=int(x // DAY))


@dataclass(frozen=True, slots=True)
class Theme:
    """The canvas colours taken from the palette."""

    background: QColor
    foreground: QColor

    @property
    def dark(self) -> bool:
        """Whether the background is dark."""
        return self.background.lightnessF() < 0.5

    @property
    def muted(self) -> QColor:
        """The foreground, half transparent (trend lines, the as-of line)."""
        colour = QColor(self.foreground)
        colour.setAlpha(120)
        return colour

    @property
    def label_fill(self) -> QBrush:
        """Background of floating labels (hover, events): the canvas, nearly opaque."""
        colour = QColor(self.background)
        colour.setAlpha(225)
        return QBrush(colour)

    @property
    def lane(self) -> QBrush:
        """The "not detected" lane of the MRD plot: a faint tint of the foreground."""
        colour = QColor(self.foreground)
        colour.setAlpha(18)
        return QBrush(colour)


def palette_theme() -> Theme:
    """The theme of the application palette (Base behind, Text in front)."""
    app = QApplication.instance()
    palette = app.palette() if isinstance(app, QApplication) else QPalette()
    return Theme(palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text))


def event_colour(event_type: str, theme: Theme) -> QColor:
    """The colour of an event line."""
    colour = EVENT_COLOURS.get(event_type)
    return QColor(colour) if colour else QColor(theme.foreground)


def pen(colour: str | QColor, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    """A cosmetic pen (width in pixels whatever the zoom)."""
    result = pg.mkPen(colour, width=width, style=style)
    result.setCosmetic(True)
    return result


def dashed(colour: str | QColor, width: float = 1.3) -> QPen:
    """A dashed cosmetic pen (thresholds, events)."""
    return pen(colour, width, Qt.PenStyle.DashLine)


def small_font(points: float = 8.0, bold: bool = False) -> QFont:
    """The font of in-plot labels (laid out again at every paint: `desktop.ui.fonts`)."""
    font = unshaped(QFont())
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def style_plot(plot: pg.PlotItem, theme: Theme, y_label: str) -> None:
    """Axis colours, fixed axis widths, the y label, and a plot that pans and zooms along x only."""
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        axis.enableAutoSIPrefix(False)  # units are in the labels; also spares a label re-layout per range change
        axis.setPen(pen(theme.foreground))
        axis.setTextPen(pen(theme.foreground))
        axis.setStyle(tickFont=unshaped(QFont()))  # tick labels are drawn again whenever the range changes
        # An axis repaints by replaying a QPicture of its ticks, text and grid (~2 ms each): paint it from a
        # pixmap cache instead, redrawn only when its range changes (patient switch 44 → ~35 ms).
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
    plot.getAxis("right").setWidth(RIGHT_AXIS_WIDTH)
    plot.setLabel("left", y_label, color=theme.foreground.name(), **{"font-size": "9pt"})
    plot.getAxis("left").setStyle(maxTickLevel=1)  # major and minor ticks (grid lines: `grid.py`)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=True, y=False)
    plot.getViewBox().enableAutoRange(enable=False)
