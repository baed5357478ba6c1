"""A4 pages for VenTrack's PDF reports, with Qt alone: the page setup, the header/footer, an atomic write.

Shared by every report (the patient summary, the registry outcomes). Usage::

    def paint(writer: QPdfWriter) -> None:
        page = PageGeometry.of(writer)              # device units; page.pt(10), page.mm(5) convert
        painter = QPainter(writer)
        for number in range(1, pages + 1):
            if number > 1:
                writer.newPage()
            paint_page_frame(painter, page, title="…", generated=now, page_number=number, pages=pages)
            ...                                     # draw inside page.body
        painter.end()

    write_pdf_atomically(Path("out.pdf"), "Title", paint)

Text drawn with QPainter.drawText or QTextDocument stays real (searchable) text; QGraphicsScene.render onto the
painter keeps charts as vector graphics. Qt needs an application first: `ensure_application()`.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import QApplication

from desktop import APP_NAME, RULES_VERSION, __version__
from desktop.ui import wording

#: The note every page carries: the app's own words.
DECISION_SUPPORT_NOTE = wording.DISCLAIMER
#: Device units per inch of the writer (QPdfWriter's default is 1200; 300 keeps numbers readable).
RESOLUTION = 300
MARGIN_MM = 15.0
HEADER_MM = 11.0
FOOTER_MM = 12.0
FONT_FAMILY = "DejaVu Sans"  # has ✓ ✗ ≥ ×; Qt falls back to another family when it is not installed
RULE_COLOUR = QColor("#8a8f98")


@dataclass(frozen=True)
class PageGeometry:
    """One A4 portrait page in the writer's device units: the whole `page`, the printable `body` between the
    header and the footer, and the `header`/`footer` bands inside the margins."""

    page: QRectF
    header: QRectF
    body: QRectF
    footer: QRectF
    dpi: int

    @classmethod
    def of(cls, writer: QPdfWriter) -> PageGeometry:
        """The geometry of `writer`'s pages (set up by `a4_writer`: no page margins, we paint our own)."""
        dpi = writer.resolution()
        unit = dpi / 25.4
        page = QRectF(0, 0, writer.width(), writer.height())
        inner = page.adjusted(MARGIN_MM * unit, MARGIN_MM * unit, -MARGIN_MM * unit, -MARGIN_MM * unit)
        header = QRectF(inner.left(), inner.top(), inner.width(), HEADER_MM * unit)
        footer = QRectF(inner.left(), inner.bottom() - FOOTER_MM * unit, inner.width(), FOOTER_MM * unit)
        gap = 2 * unit
        body = QRectF(inner.left(), header.bottom() + gap, inner.width(), footer.top() - header.bottom() - 2 * gap)
        return cls(page, header, body, footer, dpi)

    def mm(self, value: float) -> float:
        """`value` millimetres in device units."""
        return value * self.dpi / 25.4

    def pt(self, value: float) -> float:
        """`value` typographic points (1/72 inch) in device units."""
        return value * self.dpi / 72


def ensure_application() -> QGuiApplication:
    """The running Qt application, or a new QApplication (widgets: the patient charts are widgets), on the
    offscreen platform when there is no display (DISPLAY and WAYLAND_DISPLAY unset)."""
    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([APP_NAME])
    assert isinstance(app, QGuiApplication)
    return app


def font(size_pt: float, *, bold: bool = False, italic: bool = False) -> QFont:
    """The reports' font at `size_pt` points."""
    result = QFont(FONT_FAMILY)
    result.setFeature(QFont.Tag("liga"), 0)  # no "ﬁ" glyphs: the PDF's text searches and copies as typed
    result.setPointSizeF(size_pt)
    result.setBold(bold)
    result.setItalic(italic)
    return result


def a4_writer(path: str | Path, title: str) -> QPdfWriter:
    """A QPdfWriter on `path`: A4 portrait, RESOLUTION dpi, no page margins (paint_page_frame draws inside
    MARGIN_MM), with the title and creator in the document information."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator(f"{APP_NAME} {__version__}")
    return writer


def paint_page_frame(
    painter: QPainter,
    page: PageGeometry,
    *,
    title: str,
    generated: dt.datetime,
    page_number: int,
    pages: int,
    subtitle: str = "",
) -> None:
    """Paint one page's header (title left, `subtitle` right, a rule) and footer (a rule, the decision-support
    note, the generation time and rules version left, "page i of n" right). Leaves the painter's state as it was."""
    painter.save()
    painter.setPen(QPen(RULE_COLOUR, page.pt(0.6)))
    painter.drawLine(page.header.bottomLeft(), page.header.bottomRight())
    painter.drawLine(page.footer.topLeft(), page.footer.topRight())
    painter.setPen(QColor("#1f2328"))
    painter.setFont(font(13, bold=True))
    bottom = Qt.AlignmentFlag.AlignBottom
    band = page.header.adjusted(0, 0, 0, -page.mm(1.5))
    painter.drawText(band, int(Qt.AlignmentFlag.AlignLeft | bottom), title)
    painter.setFont(font(9))
    painter.drawText(band, int(Qt.AlignmentFlag.AlignRight | bottom), subtitle)
    line = page.pt(11)
    top = page.footer.top() + page.mm(1.5)
    first = QRectF(page.footer.left(), top, page.footer.width(), line)
    second = QRectF(page.footer.left(), top + line, page.footer.width(), line)
    painter.setFont(font(8, italic=True))
    painter.drawText(first, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), DECISION_SUPPORT_NOTE)
    painter.setFont(font(8))
    painter.setPen(QColor("#57606a"))
    made = f"Generated {generated:%Y-%m-%d %H:%M} by {APP_NAME} {__version__}, clinical rules version {RULES_VERSION}"
    painter.drawText(second, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), made)
    painter.setPen(QColor("#1f2328"))
    painter.setFont(font(8, bold=True))
    number = f"page {page_number} of {pages}"
    painter.drawText(second, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), number)
    painter.restore()


def write_pdf_atomically(path: str | Path, title: str, paint: Callable[[QPdfWriter], None]) -> None:
    """Write a PDF to `path` through `paint(writer)` (which paints every page and ends its painter): to a
    temporary name beside it, then renamed. On any error nothing is left at `path` nor beside it, and an
    existing file at `path` is unchanged."""
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(target.parent))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    os.close(handle)
    try:
        writer = a4_writer(temporary, title)
        paint(writer)
        del writer  # QPdfWriter closes its file when deleted
        if os.path.getsize(temporary) == 0:
            raise OSError(f"could not write the PDF to {target}")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of a page: its height in device units and how to paint it with its top at `top`."""

    height: float
    paint: Callable[[QPainter, float], None]


def paginate(blocks: list[Block], page: PageGeometry, gap: float) -> list[list[tuple[Block, float]]]:
    """Blocks placed on pages, in order: (block, top). A block that does not fit below the previous ones starts
    a new page."""
    pages: list[list[tuple[Block, float]]] = [[]]
    top = page.body.top()
    for block in blocks:
        if pages[-1] and top + block.height > page.body.bottom():
            pages.append([])
            top = page.body.top()
        pages[-1].append((block, top))
        top += block.height + gap
    return pages


def paint_pages(
    writer: QPdfWriter,
    page: PageGeometry,
    pages: list[list[tuple[Block, float]]],
    *,
    title: str,
    generated: dt.datetime,
    subtitle: str,
) -> None:
    """Paint placed blocks page by page, each page in its frame (title, generation date, "page i of n")."""
    painter = QPainter(writer)
    try:
        for number, placed in enumerate(pages, start=1):
            if number > 1:
                writer.newPage()
            paint_page_frame(painter, page, title=title, generated=generated, page_number=number, pages=len(pages),
                             subtitle=subtitle)  # fmt: skip
            for block, top in placed:
                block.paint(painter, top)
    finally:
        painter.end()
