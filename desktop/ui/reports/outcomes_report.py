"""The registry outcomes report (clinical-rules §9) as an A4 PDF: the framing note, the figures beside the
published ones, how they are computed, and the Outcomes window's charts as vector graphics; the page frame
(header, footer with the generation date, page numbers and the decision-support note) is `pdf_pages`'.

Text is QTextDocument rich text (real, searchable text); each chart panel is recorded once into a QPicture
and replayed onto the PDF painter. `report_from_registry` is `ventrack outcomes --pdf`.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSize, QSizeF
from PySide6.QtGui import QPainter, QPdfWriter, QPicture, QResizeEvent, QTextDocument

from desktop.clinical.outcomes import OS_LANDMARK_CYCLE
from desktop.ui.charts.outcome_charts import OutcomeCharts, light_theme
from desktop.ui.outcomes_data import FRAMING, SOURCE, OutcomesResult, Selection, compute, figures, percent
from desktop.ui.reports.pdf_pages import (
    Block,
    PageGeometry,
    ensure_application,
    font,
    paginate,
    paint_pages,
    write_pdf_atomically,
)

TITLE = "Registry outcomes"
#: The report's chart canvas in pixels (three equal panels): scaled onto the page, text is about 7.5 pt.
CANVAS_PX = (1860, 450)
#: Largest height of a chart panel on the page.
CHART_MM = {"mrd": 92.0, "tfr": 103.0, "os": 103.0}
GAP_MM = 4.0
STYLE = """
p { margin-top: 0px; margin-bottom: 3px; }
p.h { font-size: 10.5pt; font-weight: 700; margin-bottom: 3px; }
th { text-align: left; font-weight: 600; color: #57606a; background-color: #f0f2f4; }
td { vertical-align: top; }
td.n { text-align: right; }
.quiet { color: #57606a; font-size: 8pt; }
li { margin-bottom: 2px; }
"""
esc = html.escape


def summary_html(result: OutcomesResult) -> str:
    """Which registry, when, which patients, and the framing note in a box."""
    return (
        f"<p><b>Registry</b> {esc(result.registry_name)} &nbsp;·&nbsp; <b>as of</b> {result.as_of.isoformat()}"
        f" &nbsp;·&nbsp; {esc(result.counts_text())}</p>"
        "<table width='100%' cellspacing='0' cellpadding='5' border='1' style='border-color:#c98a12; "
        "border-style:solid; background-color:#fbf0d9'>"
        f"<tr><td><b>⚠ {esc(FRAMING)}</b></td></tr></table>"
    )


def figures_html(result: OutcomesResult) -> str:
    """The figures beside the published ones, as a table."""
    rows = "".join(
        f"<tr><td>{esc(f.label)}</td><td>{esc(f.patients_text())}</td><td class='n'><b>{percent(f.value)}</b></td>"
        f"<td class='n'>{percent(f.published)}</td><td class='quiet'>{esc(f.note)}</td></tr>"
        for f in figures(result.outcomes)
    )
    return (
        f"<p class='h'>Figures beside the published values ({esc(SOURCE)})</p>"
        "<table width='100%' cellspacing='0' cellpadding='2' border='1' style='border-color:#d0d7de; "
        "border-style:solid; font-size:8.5pt'>"
        "<tr><th width='37%'>Outcome</th><th width='19%'>Patients</th><th width='10%'>This registry</th>"
        "<th width='10%'>Published</th><th>Note</th></tr>"
        f"{rows}</table>"
    )


def method_html() -> str:
    """How the figures are computed (clinical-rules §9), in short."""
    items = [
        "<b>MRD negativity by the end of cycle k</b> (k = 2, 4, 6): landmark = the first cycle's start + k cycle "
        "lengths + the assessment window (the registry's clinical parameters). Patients whose landmark has passed; "
        "negative: a negative sample dated on or before it.",
        "<b>Treatment-free remission</b>: from the first discontinuation to the first of two consecutive positive "
        "samples, haematological relapse, rechallenge or death; censored at the latest evaluable sample after it.",
        f"<b>Overall survival</b>: from the cycle-{OS_LANDMARK_CYCLE} landmark, patients alive at it, by MRD "
        "negativity at it; censored at the latest record.",
        "Kaplan–Meier estimates at 12 and 24 months (365.25 and 730.5 days); not estimable when nobody was "
        "followed that long. A patient's regimen is that of the first cycle.",
    ]
    return "<p class='h'>How these figures are computed (clinical rules §9)</p><ul>" + "".join(
        f"<li>{item}</li>" for item in items
    ) + "</ul>"  # fmt: skip


def _text_block(writer: QPdfWriter, page: PageGeometry, rich_text: str) -> Block:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # fonts in points for the PDF, not the screen
    document.setDefaultFont(font(9))
    document.setDefaultStyleSheet(STYLE)
    document.setDocumentMargin(0)
    document.setUseDesignMetrics(True)
    document.setHtml(rich_text)
    document.setTextWidth(page.body.width())

    def paint(painter: QPainter, top: float) -> None:
        painter.save()
        painter.translate(page.body.left(), top)
        document.drawContents(painter)
        painter.restore()

    return Block(document.size().height(), paint)


def _chart_block(page: PageGeometry, picture: QPicture, size: QSizeF, max_mm: float) -> Block:
    """A panel as wide as the body allows within `max_mm` of height, centred. A QPicture replays scaled by
    (device dpi / its own dpi): undone here."""
    scale = min(page.body.width() / size.width(), page.mm(max_mm) / size.height())
    left = page.body.left() + (page.body.width() - size.width() * scale) / 2
    correction = picture.logicalDpiX() / page.dpi

    def paint(painter: QPainter, top: float) -> None:
        painter.save()
        painter.translate(left, top)
        painter.scale(scale * correction, scale * correction)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        picture.play(painter)
        painter.restore()

    return Block(size.height() * scale, paint)


def chart_pictures(result: OutcomesResult) -> dict[str, tuple[QPicture, QSizeF]]:
    """The three panels, drawn by the Outcomes window's own chart code on white, as pictures."""
    charts = OutcomeCharts(theme=light_theme(), shares=(1, 1, 1), align=False)  # never shown
    charts.show_outcomes(result.outcomes)
    canvas = charts.canvas
    canvas.resize(*CANVAS_PX)
    canvas.resizeEvent(QResizeEvent(canvas.size(), QSize()))  # as showing would: the scene follows the size
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    pictures = {name: charts.record_panel(name) for name in charts.panels}
    charts.deleteLater()
    return pictures


def write_outcomes_report(path: str | Path, result: OutcomesResult, generated: dt.datetime | None = None) -> int:
    """Write the report of `result` to `path` (atomically); return its page count."""
    ensure_application()
    when = generated or dt.datetime.now()
    pictures = chart_pictures(result)
    page_count = 0

    def paint(writer: QPdfWriter) -> None:
        nonlocal page_count
        page = PageGeometry.of(writer)
        blocks = [_text_block(writer, page, summary_html(result)), _text_block(writer, page, figures_html(result))]
        blocks.append(_chart_block(page, *pictures["mrd"], CHART_MM["mrd"]))
        blocks.append(_text_block(writer, page, method_html()))
        blocks += [_chart_block(page, *pictures[name], CHART_MM[name]) for name in ("tfr", "os")]
        pages = paginate(blocks, page, page.mm(GAP_MM))
        page_count = len(pages)
        paint_pages(writer, page, pages, title=TITLE, generated=when, subtitle=f"as of {result.as_of.isoformat()}")

    write_pdf_atomically(path, f"VenTrack registry outcomes as of {result.as_of.isoformat()}", paint)
    return page_count


def report_from_registry(db: Path, as_of: dt.date, out: Path) -> OutcomesResult:
    """`ventrack outcomes --pdf`: the outcomes of every patient at `as_of`, written to `out`; returns them.
    A destination that cannot be written is refused before anything is computed (nothing is written)."""
    if out.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(out))
    if not out.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(out.parent))
    result = compute(db, as_of, Selection(), None)
    write_outcomes_report(out, result)
    return result
