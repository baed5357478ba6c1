"""A patient's summary as an A4 PDF for the clinic letter or the tumour board, painted with Qt alone.

Sections (`summary_content.py`) are QTextDocuments: real, searchable text. The charts are the app's own
`PatientCharts`, rendered once into a QPicture and replayed onto the PDF painter, so their lines and text stay
vector graphics. Sections are kept whole and flow onto the next page when they do not fit; a section taller than
a page is split between lines. `write_patient_summary` needs a Qt application (`pdf_pages.ensure_application`);
`report_from_registry` is the `ventrack report` command.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QPainter, QPdfWriter, QPicture, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from desktop.clinical.evaluation import PatientEvaluation
from desktop.domain import Patient
from desktop.ui.charts.patient_charts import PatientCharts
from desktop.ui.charts.style import Theme
from desktop.ui.reports import summary_content as content
from desktop.ui.reports.pdf_pages import (
    Block,
    PageGeometry,
    ensure_application,
    font,
    paginate,
    paint_pages,
    write_pdf_atomically,
)

#: The chart widget's size when rendered (pixels at its screen's dpi), scaled to the page's width: about
#: 7 pt text on the page, as legible as on screen.
CHART_PX = (840, 560)
#: The charts on paper: dark on white whatever the app's colour scheme.
PAPER = Theme(QColor("#ffffff"), QColor("#1f2328"))
SECTION_GAP_MM = 4.0


class UnknownPatient(LookupError):
    """The registry has no patient with this id."""


def chart_picture(patient: Patient, evaluation: PatientEvaluation) -> tuple[QPicture, QSizeF, int]:
    """The patient's charts recorded as vector drawing commands: (picture, size in pixels, the dpi they were
    laid out at). Built in a widget never shown on screen; pixmap caches are switched off and pyqtgraph's
    export mode draws symbols as paths, so nothing becomes a raster image."""
    charts = PatientCharts()  # never shown: no window, and no platform warning on the offscreen platform
    charts._apply_theme(PAPER)  # the app's palette may be dark; paper is white
    charts.show_patient(patient, evaluation)
    canvas = charts.canvas
    canvas.resize(*CHART_PX)
    canvas.resizeEvent(QResizeEvent(canvas.size(), QSize()))  # as showing would: the scene follows the size
    for _ in range(3):  # lay the legend, labels and plots out for this size, as the app does before a paint
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    charts.reset_zoom()
    charts.prepare_paint()
    scene = charts.canvas.scene()
    for item in scene.items():
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        if _draws_nothing(item):  # not painted (its children are): Qt's PDF writer would write a stray
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)  # "closepath" for an empty path
    source = charts.canvas.ci.sceneBoundingRect()
    picture = QPicture()
    painter = QPainter(picture)
    exporting = [item for item in scene.items() if hasattr(item, "setExportMode")]
    try:
        for item in exporting:
            item.setExportMode(True, {"antialias": True, "background": PAPER.background, "painter": painter})
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        painter.end()
        for item in exporting:
            item.setExportMode(False)
    return picture, source.size(), picture.logicalDpiX()


def _draws_nothing(item: QGraphicsItem) -> bool:
    """An empty path, or a curve of fewer than two points (pyqtgraph draws it as a path with no line)."""
    if isinstance(item, QGraphicsPathItem):
        return item.path().isEmpty()
    if isinstance(item, pg.PlotCurveItem):
        return item.xData is None or len(item.xData) < 2
    return False


def _chart_block(page: PageGeometry, picture: QPicture, size: QSizeF, picture_dpi: int) -> Block:
    """The charts across the body's width. A QPicture replays scaled by (device dpi / its dpi): undone here."""
    scale = page.body.width() / size.width()
    height = size.height() * scale

    def paint(painter: QPainter, top: float) -> None:
        painter.save()
        painter.translate(page.body.left(), top)
        painter.scale(scale * picture_dpi / page.dpi, scale * picture_dpi / page.dpi)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        picture.play(painter)
        painter.restore()

    return Block(height, paint)


def _document(writer: QPdfWriter, page: PageGeometry, html: str) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # fonts in points for the PDF, not the screen
    document.setDefaultFont(font(9))
    document.setDefaultStyleSheet(content.STYLE)
    document.setDocumentMargin(0)
    document.setUseDesignMetrics(True)
    document.setHtml(html)
    document.setTextWidth(page.body.width())
    return document


def text_blocks(writer: QPdfWriter, page: PageGeometry, html: str) -> list[Block]:
    """A section of rich text: one block, or one per page when it is taller than a page (split between lines)."""
    document = _document(writer, page, html)
    height = document.size().height()
    if height <= page.body.height():
        return [Block(height, lambda painter, top: _paint_document(painter, document, page, top, None))]
    document.setPageSize(QSizeF(page.body.width(), page.body.height()))  # Qt moves lines off page boundaries
    slices = []
    for n in range(document.pageCount()):
        clip = QRectF(0, n * page.body.height(), page.body.width(), page.body.height() - 1)  # not the next line
        slices.append(Block(page.body.height(), functools.partial(_slice_painter, document, page, clip)))
    return slices


def _slice_painter(document: QTextDocument, page: PageGeometry, clip: QRectF, painter: QPainter, top: float) -> None:
    """Paint one page-high slice of a long document (the blocks' painter)."""
    _paint_document(painter, document, page, top, clip)


def _paint_document(
    painter: QPainter, document: QTextDocument, page: PageGeometry, top: float, clip: QRectF | None
) -> None:
    painter.save()
    painter.translate(page.body.left(), top - (clip.top() if clip is not None else 0))
    document.drawContents(painter, clip if clip is not None else QRectF())
    painter.restore()


def summary_sections(patient: Patient, evaluation: PatientEvaluation, hide_identifiers: bool) -> list[str]:
    """The rich text of every section but the charts, in page order (the charts go after the first two)."""
    return [
        content.identity_html(patient, evaluation, hide_identifiers),
        content.status_html(evaluation),
        content.criteria_html(evaluation),
        content.alerts_html(evaluation),
        content.dose_html(evaluation),
        content.schedule_html(evaluation),
        content.parameters_html(evaluation.params) + content.decision_note_html(),
    ]


def write_patient_summary(
    path: str | Path,
    patient: Patient,
    evaluation: PatientEvaluation,
    *,
    hide_identifiers: bool = False,
    generated: dt.datetime | None = None,
) -> int:
    """Write the summary of `patient` at `evaluation.as_of` to `path` (atomically); return its page count.
    With `hide_identifiers` neither the pages nor the document information carry a name, MRN or birth date."""
    ensure_application()
    when = generated or dt.datetime.now()
    picture, size, picture_dpi = chart_picture(patient, evaluation)
    title = f"Patient summary — {patient.patient_id}"
    page_count = 0

    def paint(writer: QPdfWriter) -> None:
        nonlocal page_count
        page = PageGeometry.of(writer)
        sections = [text_blocks(writer, page, html) for html in summary_sections(patient, evaluation, hide_identifiers)]
        blocks = [*sections[0], *sections[1], _chart_block(page, picture, size, picture_dpi)]
        blocks += [block for section in sections[2:] for block in section]
        pages = paginate(blocks, page, page.mm(SECTION_GAP_MM))
        page_count = len(pages)
        paint_pages(writer, page, pages, title=title, generated=when, subtitle=f"as of {evaluation.as_of.isoformat()}")

    write_pdf_atomically(path, title, paint)
    return page_count


def report_from_registry(
    db: Path, patient_id: str, out: Path, as_of: dt.date, *, hide_identifiers: bool = False
) -> int:
    """`ventrack report`: evaluate one patient of the registry at `as_of` and write the summary; return its
    page count. UnknownPatient when the registry has no such patient (nothing is written)."""
    from desktop.clinical.evaluation import evaluate_patient
    from desktop.services import evaluation as evaluation_service
    from desktop.store import Registry

    with Registry.open(db) as registry:
        if not registry.has_patient(patient_id):
            raise UnknownPatient(patient_id)
        patient = registry.load_patient(patient_id)
        params = evaluation_service.load_parameters(registry)
    return write_patient_summary(
        out, patient, evaluate_patient(patient, as_of, params), hide_identifiers=hide_identifiers
    )
