"""Interacting drugs on the cycle timeline (`desktop.ui.charts.drug_rows`): a row per drug on the interaction
lists, bars from start to end (to the evaluation date while ongoing) in the colour of the class, names, hover
texts; a patient without such drugs is drawn exactly as before; a switch creates no item."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPointF
from PySide6.QtGui import QColor

from desktop.clinical.evaluation import evaluate_patient
from desktop.ui.charts import PatientCharts
from desktop.ui.charts.drug_rows import ROW_PX
from desktop.ui.charts.style import DAY, DRUG_CLASS_COLOURS, to_x
from tests.builders import day, make_patient

AS_OF = day(200)


def medication(name: str, start: int, end: int | None = None) -> dict:
    return {"name": name, "start_date": day(start), "end_date": None if end is None else day(end)}


@pytest.fixture
def charts(qtbot):
    widget = PatientCharts()
    widget.resize(1200, 800)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def treated():
    return make_patient("P1", cycles=5, medications=[
        medication("posaconazole", 6, 50), medication("paracetamol", 10), medication("amiodarone", 40, 90),
        medication("Voriconazole", 70), medication("fluconazole", 100, 110), medication("fluconazole", 130, 260),
        medication("itraconazole", 210),  # after the evaluation date: not drawn
    ])  # fmt: skip


@pytest.fixture
def plain():
    return make_patient("P2", cycles=5)


def show(charts, patient, as_of=AS_OF) -> None:
    charts.show_patient(patient, evaluate_patient(patient, as_of))
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    charts.prepare_paint()


def test_a_row_per_interacting_drug_with_bars_from_start_to_end(charts, treated):
    show(charts, treated)
    drugs = charts.timeline.drugs
    assert drugs.count == 4  # posaconazole, amiodarone, voriconazole, fluconazole; paracetamol is on no list
    assert [(s.row, s.medication.name, s.drug_class) for s in drugs.spans] == [
        (0, "posaconazole", "posaconazole"), (1, "amiodarone", "pgp"), (2, "Voriconazole", "strong_cyp3a"),
        (3, "fluconazole", "moderate_cyp3a"), (3, "fluconazole", "moderate_cyp3a"),
    ]  # fmt: skip
    opts = drugs.bars.opts
    firsts, lasts = [6, 40, 70, 100, 130], [50, 90, 200, 110, 200]  # ongoing, or ended after: the evaluation date
    assert list(opts["x0"]) == pytest.approx([to_x(day(n)) - DAY / 2 for n in firsts])
    assert list(opts["width"]) == pytest.approx([(b - a + 1) * DAY for a, b in zip(firsts, lasts, strict=True)])
    colours = [QColor(DRUG_CLASS_COLOURS[s.drug_class]) for s in drugs.spans]
    assert [p.color() for p in opts["pens"]] == colours
    assert [b.color().rgb() for b in opts["brushes"]] == [c.rgb() for c in colours]  # a lighter fill, same hue
    names = drugs.names.marks[: drugs.names.count]
    assert [label.text for label in names] == [
        "posaconazole", "amiodarone · P-gp", "Voriconazole · strong CYP3A", "fluconazole · moderate CYP3A",
        "fluconazole · moderate CYP3A",
    ]  # fmt: skip
    assert [label.visible for label in names] == [True] * 4 + [False]  # the second would print over the first
    charts.plots[0].setXRange(to_x(day(95)), to_x(day(160)), padding=0)  # zoomed in: room for both
    assert [label.visible for label in names] == [False, False, True, True, True]  # bars out of view: no name
    assert len(set(DRUG_CLASS_COLOURS.values())) == 4


def test_rows_are_under_the_cycles_at_their_pixel_height_and_the_lane_keeps_its_room(charts, treated, plain):
    show(charts, plain)
    plot = charts.plots[-1]
    lane_px = plot.vb.height()
    show(charts, treated)
    drugs = charts.timeline.drugs
    (y0, y1), height = plot.vb.viewRange()[1], plot.vb.height()
    assert y1 == 1.0 and y0 == pytest.approx(-4 * drugs._row_height)
    px_per_unit = height / (y1 - y0)
    assert drugs._row_height * px_per_unit == pytest.approx(ROW_PX)
    assert px_per_unit >= 0.9 * lane_px  # the cycle lane about as tall as before (the other plots gave the room)
    y, h = drugs.bars.opts["y0"], drugs.bars.opts["height"]
    assert np.all(y + h <= 0) and np.all(y >= y0)  # under the cycle lane, inside the plot


def test_hovering_a_bar_names_the_drug_its_class_dates_and_limit(charts, treated, qtbot):
    show(charts, treated)
    drugs = charts.timeline.drugs
    vori = next(i for i, s in enumerate(drugs.spans) if s.drug_class == "strong_cyp3a")
    where = charts.plots[-1].vb.mapViewToScene(QPointF(to_x(day(150)), -(2 + 0.5) * drugs._row_height))
    with qtbot.waitSignal(charts.point_hovered) as signal:
        charts._mouse_moved(where)
    assert signal.args[0] == (f"Voriconazole · strong CYP3A inhibitor\nfrom {day(70)}, ongoing (131 d so far)\n"
                              "venetoclax ≤ 100 mg/day while taken")  # fmt: skip
    assert drugs.hover.index == vori and not charts.timeline.hover.label.isVisible()  # not the cycle's text
    label = drugs.hover.label
    assert label.isVisible() and label.sceneBoundingRect().width() > 100  # drawn at its size, not squashed
    fluconazole_gap = charts.plots[-1].vb.mapViewToScene(QPointF(to_x(day(120)), -3.5 * drugs._row_height))
    charts._mouse_moved(fluconazole_gap)  # between the two fluconazole bars
    assert not label.isVisible()


def test_the_cycle_hover_text_is_drawn_at_its_size(charts, plain, qtbot):
    show(charts, plain)
    timeline = charts.timeline
    where = charts.plots[-1].vb.mapViewToScene(QPointF(timeline.hover.x[1], 0.6))
    charts._mouse_moved(where)
    assert timeline.hover.label.isVisible() and timeline.hover.label.toPlainText().startswith("Cycle 2 ·")
    assert timeline.hover.label.sceneBoundingRect().width() > 100  # `show()` left pyqtgraph's text unscaled


def test_a_patient_without_interacting_drugs_is_drawn_exactly_as_before(charts, treated, plain):
    show(charts, plain)
    before = charts.canvas.grab().toImage()
    geometry = [plot.geometry() for plot in charts.plots]
    preferred = charts.plots[-1].preferredHeight()
    show(charts, treated)
    assert charts.plots[-1].preferredHeight() > preferred + 4 * ROW_PX
    show(charts, plain.model_copy(update={"medications": treated.medications[1:2]}))  # paracetamol only
    assert charts.timeline.drugs.count == 0 and charts.plots[-1].vb.viewRange()[1] == [0.0, 1.0]
    assert [plot.geometry() for plot in charts.plots] == geometry and charts.plots[-1].preferredHeight() == preferred
    assert charts.canvas.grab().toImage() == before


def test_switching_patients_reuses_the_drug_items(charts, treated, plain):
    show(charts, treated)
    show(charts, plain)
    items = len(charts.canvas.scene().items())
    bars = charts.timeline.drugs.bars
    for patient in (treated, plain, treated):
        show(charts, patient)
        assert len(charts.canvas.scene().items()) == items and charts.timeline.drugs.bars is bars


def test_drugs_follow_the_evaluation_date(charts, treated):
    show(charts, treated, as_of=day(60))
    drugs = charts.timeline.drugs
    assert [s.medication.name for s in drugs.spans] == ["posaconazole", "amiodarone"]
    assert drugs.bars.opts["width"][1] == pytest.approx((60 - 40 + 1) * DAY)  # ended after the date: cut there
    show(charts, treated, as_of=day(5))
    assert drugs.count == 0 and not drugs.names.visible()
