"""desktop.ui.charts.PatientCharts: series equal the records, in-place updates, thresholds from the parameters,
CTCAE bands from desktop.clinical.ctcae, event lines on every plot, hover, empty state, export, speed."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from desktop.clinical.counts import merged_counts
from desktop.clinical.ctcae import GRADE_BOUNDS
from desktop.clinical.evaluation import evaluate_patient
from desktop.clinical.mrd import classify
from desktop.clinical.parameters import Parameters
from desktop.domain import Cycle, Event, MrdSample
from desktop.ui.charts import PatientCharts
from desktop.ui.charts.grid import GRID_ALPHA, level_alpha
from desktop.ui.charts.mrd_chart import SPECIMEN_SYMBOLS
from desktop.ui.charts.style import CLASS_COLOURS, DAY, to_x
from tests.ui.conftest import TODAY


@pytest.fixture
def charts(qtbot):
    widget = PatientCharts()
    widget.resize(1200, 800)
    qtbot.addWidget(widget)
    return widget


def first(patients, condition):
    return next(p for p in patients if condition(p, evaluate_patient(p, TODAY)))


@pytest.fixture
def negative_run_patient(demo_patients):
    return first(demo_patients, lambda p, e: len(e.mrd.negative_run()) >= 3 and p.events)


def mrd_records(patient, as_of=TODAY):
    return sorted((s for s in patient.mrd if s.date <= as_of), key=lambda s: (s.date, s.specimen))


def test_mrd_points_are_the_records_with_negatives_on_the_floor(charts, negative_run_patient):
    evaluation = evaluate_patient(negative_run_patient, TODAY)
    charts.show_patient(negative_run_patient, evaluation)
    x, y = charts.mrd.samples.getOriginalDataset()
    records = mrd_records(negative_run_patient)
    floor = 10.0**charts.mrd.floor_log
    assert list(x) == [to_x(s.date) for s in records]
    assert list(y) == pytest.approx([s.ratio_pct if s.npm1_copies > 0 else floor for s in records])
    assert any(s.npm1_copies == 0 for s in records)
    assert charts.sample_count() == len(records)
    assert floor <= min([evaluation.params.mrd_low_level_pct, *(s.ratio_pct for s in records if s.ratio_pct)]) / 10
    assert charts.plots[0].ctrl.logYCheck.isChecked()  # log axis
    bottom, top = charts.plots[0].vb.viewRange()[1]
    assert (top * 2).is_integer() and top > max(math.log10(v) for v in y)  # a half-decade top above every point
    assert bottom < charts.mrd.floor_log
    assert charts.mrd.axis.tickStrings([charts.mrd.floor_log, 0.0, -2.0], 1.0, 1.0) == ["n.d.", "1", "0.01"]
    assert charts.mrd.threshold.value() == pytest.approx(math.log10(evaluation.params.mrd_low_level_pct))
    assert "2 % MRD-LL threshold" in charts.mrd.threshold_label.text
    trend_x, trend_y = charts.mrd.trend.getData()  # the evaluable samples, in the log axis's view coordinates
    evaluable = evaluation.mrd.evaluable
    assert list(trend_x) == [to_x(s.date) for s in evaluable]
    assert list(trend_y) == pytest.approx([math.log10(s.ratio_pct) if s.ratio_pct > 0 else math.log10(floor)
                                           for s in evaluable])  # fmt: skip
    run = evaluation.mrd.negative_run()
    start, end = charts.mrd.run.region()
    assert charts.mrd.run.visible and start < to_x(run[0].date) and end > to_x(run[-1].date)
    assert f"{len(run)} samples" in next(t.text for t in charts.mrd.run_labels if t.visible)


def test_the_negative_run_label_reads_the_same_length_as_the_eligibility_panel(charts, demo_patients):
    """The band's months are the rule's calendar months, floored as in the criterion's evidence."""
    shown = 0
    for patient in demo_patients:
        evaluation = evaluate_patient(patient, TODAY)
        if not evaluation.mrd.negative_run():
            continue
        charts.show_patient(patient, evaluation)
        label = next(t.text for t in charts.mrd.run_labels if t.visible)
        months = label.split(": ")[1].split(" months")[0]
        criterion = next(c for c in evaluation.eligibility.criteria if c.id == "sustained_mrd_negativity")
        assert f"({months} months" in criterion.detail, (patient.patient_id, label, criterion.detail)
        shown += 1
    assert shown >= 10
    assert charts.plots[0].getAxis("left").labelText == "NPM1/ABL1 (%)"


def test_specimen_is_the_shape_and_inadequate_samples_are_hollow(charts, demo_patients):
    patient = first(demo_patients, lambda p, e: any(s.mrd_class == "inadequate" for s in e.mrd.samples))
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    spots = charts.mrd.samples.scatter.data
    records = mrd_records(patient)
    assert len(spots) == len(records)
    for spot, sample in zip(spots, records, strict=True):
        assert spot["symbol"] == {"BM": "o", "PB": "d"}[sample.specimen]
        hollow = spot["brush"].color().alpha() == 0
        assert hollow == (classify(sample.npm1_copies, sample.abl1_copies) == "inadequate")
    assert {"o", "d"} <= {spot["symbol"] for spot in spots}


def test_thresholds_and_classes_follow_the_parameters_used(charts, negative_run_patient):
    params = Parameters(mrd_low_level_pct=0.5, abl1_min_copies=10_000_000)
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY, params))
    assert charts.mrd.threshold.value() == pytest.approx(math.log10(0.5))
    assert "0.5 % MRD-LL threshold" in charts.mrd.threshold_label.text
    assert any("&lt; 10,000,000" in text for text in charts.legend.texts)
    negatives = [n for n, s in enumerate(mrd_records(negative_run_patient)) if s.npm1_copies == 0]
    spots = charts.mrd.samples.scatter.data
    assert all(spots[n]["brush"].color().alpha() == 0 for n in negatives)  # every negative is now inadequate
    assert not charts.mrd.run.visible


def test_a_positive_run_shows_the_progression_level(charts, demo_patients):
    patient = first(demo_patients, lambda p, e: len(e.mrd.positive_run()) >= 2 and e.mrd.negative_run() == ())
    evaluation = evaluate_patient(patient, TODAY)
    charts.show_patient(patient, evaluation)
    lowest = min(s.ratio_pct for s in evaluation.mrd.positive_run())
    assert charts.mrd.progression.visible
    expected = math.log10(lowest) + evaluation.params.progression_log_rise
    assert charts.mrd.progression.value() == pytest.approx(expected)
    assert not charts.mrd.run.visible


def test_counts_are_the_merged_records_in_their_units_with_ctcae_bands(charts, demo_patients):
    patient = first(demo_patients, lambda p, e: any(a.code.startswith("neutropenia") for a in e.alerts))
    evaluation = evaluate_patient(patient, TODAY)
    charts.show_patient(patient, evaluation)
    merged = merged_counts(patient.counts, TODAY)
    assert [lane.measure.field for lane in charts.counts] == ["anc", "platelets", "hemoglobin"]
    for lane in charts.counts:
        x, y = lane.curve.getData()
        assert list(lane.points.data["x"]) == list(x) and list(lane.points.data["y"]) == list(y)
        field = lane.measure.field
        values = [getattr(c, field) for c in merged]
        assert list(x) == [to_x(c.date) for c in merged]
        assert list(lane.values) == values
        assert list(y) == pytest.approx([lane.lane.to_view(v) for v in values])
        slot = lane.lane.slot
        assert all(slot < v < slot + 1 for v in y)  # inside its own lane, clear of the others
        assert lane.lane.low <= min(values) and max(values) < lane.lane.high
        bounds = {grade: bound for grade, bound in GRADE_BOUNDS[field] if grade >= 3}
        regions = {grade: band.region() for grade, band in lane.bands.items()}
        assert {grade: region[1] for grade, region in regions.items()} == pytest.approx(
            {grade: lane.lane.to_view(bound) for grade, bound in bounds.items()}
        )
        assert min(region[0] for region in regions.values()) == pytest.approx(lane.lane.to_view(lane.lane.low))
        assert all(f"G{g} &lt; {b:g}" in lane.key for g, b in bounds.items())
    assert [lane.lane.slot for lane in charts.counts] == [2, 1, 0]  # ANC on top
    anc, platelets, hemoglobin = charts.counts
    assert anc.recovery.value() == pytest.approx(anc.lane.to_view(evaluation.params.recovery_anc))
    assert f"recovery ≥ {evaluation.params.recovery_anc:g}" in anc.key
    assert platelets.recovery.value() == pytest.approx(platelets.lane.to_view(evaluation.params.recovery_platelets))
    assert not hemoglobin.recovery.visible
    assert "×10⁹/L" in anc.hover.text_of(0) and "g/dL" in hemoglobin.hover.text_of(0)
    left, right = charts.count_chart.left, charts.count_chart.right
    assert [t.replace("\u2029", " ").replace("\n", " ") for t in left.title_texts()] == [
        "ANC (10⁹/L)", "PLT (10⁹/L)", "Hb (g/dL)"
    ]  # fmt: skip
    assert "G4 < 0.5" in right.title_texts()[0] and "G3 < 8" in right.title_texts()[2]


def test_each_lane_has_round_ticks_over_its_own_range(charts, demo_patients):
    patient = first(demo_patients, lambda p, e: len(p.counts) > 5)
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    labels = charts.count_chart.left.labels
    for lane in charts.counts:
        mine = {y: text for y, text in labels.items() if lane.lane.slot < y < lane.lane.slot + 1}
        values = sorted(float(text) for text in mine.values())
        step = values[1] - values[0]
        assert values[0] == lane.lane.low and lane.lane.high - step < values[-1] <= lane.lane.high
        assert 3 <= len(values) <= 5 and max(lane.values) < lane.lane.high
        assert all(y == pytest.approx(lane.lane.to_view(float(text))) for y, text in mine.items())
    # the horizontal grid lines sit at those ticks, also when only the ticks change (same patient and zoom)
    charts.prepare_paint()
    assert charts.grids[1].line_count("y") == len(labels)
    higher = patient.model_copy(update={"counts": [c.model_copy(update={"platelets": 900.0}) for c in patient.counts]})
    charts.show_patient(higher, evaluate_patient(higher, TODAY))
    charts.prepare_paint()
    assert charts.count_chart.left.labels != labels
    assert charts.grids[1].line_count("y") == len(charts.count_chart.left.labels)


def items_of(charts):
    return [
        charts.mrd.samples, charts.mrd.trend, charts.mrd.threshold, charts.mrd.run, charts.mrd.lane,
        charts.mrd.progression, charts.timeline.bars, charts.legend.item, *charts.events.as_of_lines,
        *(c.curve for c in charts.counts), *(c.points for c in charts.counts),
        *(band for c in charts.counts for band in c.bands.values()), *charts.count_chart.separators,
    ]  # fmt: skip


def test_a_second_patient_reuses_every_item_and_replaces_the_data(charts, demo_patients, negative_run_patient):
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    before = items_of(charts)
    other = first(demo_patients, lambda p, e: p.patient_id != negative_run_patient.patient_id and len(p.mrd) > 3)
    charts.show_patient(other, evaluate_patient(other, TODAY))
    assert all(a is b for a, b in zip(items_of(charts), before, strict=True))
    x, _ = charts.mrd.samples.getOriginalDataset()
    assert list(x) == [to_x(s.date) for s in mrd_records(other)]
    assert len(charts.timeline.bars.opts["x0"]) == len([c for c in other.cycles if c.start_date <= TODAY])


def test_refreshing_the_same_patient_creates_no_item(charts, negative_run_patient):
    evaluation = evaluate_patient(negative_run_patient, TODAY)
    charts.show_patient(negative_run_patient, evaluation)
    scene_items = len(charts.canvas.scene().items())
    charts.plots[0].setXRange(to_x(TODAY) - 90 * DAY, to_x(TODAY), padding=0)
    charts.show_patient(negative_run_patient, evaluation)
    assert len(charts.canvas.scene().items()) == scene_items
    assert charts.plots[0].vb.viewRange()[0][0] == pytest.approx(to_x(TODAY) - 90 * DAY)  # zoom kept


def test_adding_a_cycle_adds_a_bar_in_place(charts, demo_patients):
    patient = first(demo_patients, lambda p, e: p.cycles and not p.events and e.state.state == "on_therapy")
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    bars = charts.timeline.bars
    last = max(patient.cycles, key=lambda c: c.number)
    cycle = Cycle(number=last.number + 1, start_date=TODAY - dt.timedelta(days=3), regimen="VEN-DEC",
                  venetoclax_dose_mg=100.0, venetoclax_days=14)  # fmt: skip
    unknown = Cycle(number=last.number + 2, start_date=TODAY, regimen="VEN-DEC")
    changed = patient.model_copy(update={"cycles": [*patient.cycles, cycle, unknown]})
    charts.show_patient(changed, evaluate_patient(changed, TODAY))
    assert charts.timeline.bars is bars
    assert charts.timeline.count == len(patient.cycles) + 2
    assert len(bars.opts["x0"]) == len(patient.cycles) + 2
    assert bars.opts["width"][-2] == pytest.approx(14 * DAY)
    assert bars.opts["width"][-1] == pytest.approx(28 * DAY)  # days unknown: the nominal cycle length
    assert bars.opts["x0"][-2] == pytest.approx(to_x(cycle.start_date) - DAY / 2)
    assert charts.timeline.number_texts()[-2:] == [str(cycle.number), str(unknown.number)]
    assert charts.timeline.note_texts()[-2:] == ["VEN-DEC · 100 mg", "dose not recorded"]


def test_events_are_lines_on_every_plot_at_the_same_date(charts, demo_patients):
    patient = first(demo_patients, lambda p, e: {"discontinuation", "rechallenge"} <= {ev.type for ev in p.events})
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    dates = sorted(to_x(e.date) for e in patient.events)
    assert len(charts.events.pools) == len(charts.plots) == 3  # MRD, counts, timeline
    for pool, plot in zip(charts.events.pools, charts.plots, strict=True):
        visible = pool.visible()
        assert sorted(line.value() for line in visible) == dates
        assert all(line.item.parentItem() is plot.vb for line in visible)
    labels = [label.text for label, _ in charts.events.labels()]
    assert any("discontinuation" in text for text in labels) and any("rechallenge" in text for text in labels)
    stop = Event(date=TODAY - dt.timedelta(days=1), type="death")
    charts.show_patient(
        patient.model_copy(update={"events": [*patient.events, stop]}), evaluate_patient(patient, TODAY)
    )
    assert all(len(pool.visible()) == len(dates) + 1 for pool in charts.events.pools)


def test_records_after_the_evaluation_date_are_not_drawn(charts, negative_run_patient):
    as_of = sorted(s.date for s in negative_run_patient.mrd)[2]
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, as_of))
    x, _ = charts.mrd.samples.getOriginalDataset()
    assert max(x) <= to_x(as_of) and len(x) == len(mrd_records(negative_run_patient, as_of))
    assert max(charts.counts[0].curve.getData()[0]) <= to_x(as_of)
    assert all(line.value() == to_x(as_of) for line in charts.events.as_of_lines)


def test_one_linked_date_axis_labelled_only_at_the_bottom(charts, negative_run_patient):
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    axes = [plot.getAxis("bottom") for plot in charts.plots]
    assert isinstance(axes[-1], pg.DateAxisItem) and axes[-1].utcOffset == 0 and axes[-1].isVisible()
    assert not any(axis.isVisible() for axis in axes[:-1])
    assert all(plot.vb.linkedView(pg.ViewBox.XAxis) is charts.plots[0].vb for plot in charts.plots[1:])
    charts.plots[0].setXRange(to_x(TODAY) - 60 * DAY, to_x(TODAY), padding=0)
    for plot in charts.plots:
        assert plot.vb.viewRange()[0] == pytest.approx([to_x(TODAY) - 60 * DAY, to_x(TODAY)])
    charts.reset_zoom()
    assert charts.plots[-1].vb.viewRange()[0][0] < to_x(negative_run_patient.cycles[0].start_date)
    assert to_x(dt.date(2024, 3, 13)) % DAY == DAY / 2  # noon UTC


def test_hover_names_the_value_and_the_date(charts, negative_run_patient, qtbot):
    charts.show()
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    qtbot.waitExposed(charts)
    sample = next(s for s in mrd_records(negative_run_patient) if s.npm1_copies > 0)
    where = charts.plots[0].vb.mapViewToScene(QPointF(to_x(sample.date), math.log10(sample.ratio_pct)))
    with qtbot.waitSignal(charts.point_hovered) as signal:
        charts._mouse_moved(where)
    text = signal.args[0]
    assert text.startswith(f"{sample.date} · {sample.specimen} · NPM1/ABL1 {sample.ratio_pct:.3g} %")
    assert f"{sample.abl1_copies:,.0f} copies" in text
    assert charts.mrd.hover.label.isVisible() and charts.mrd.hover.label.toPlainText() == text
    count = merged_counts(negative_run_patient.counts, TODAY)[5]
    anc = charts.counts[0].lane.to_view(count.anc)
    where = charts.plots[1].vb.mapViewToScene(QPointF(to_x(count.date), anc))
    with qtbot.waitSignal(charts.point_hovered) as signal:
        charts._mouse_moved(where)
    assert signal.args[0].startswith(f"{count.date} · ANC {count.anc:g} ×10⁹/L")
    assert not charts.mrd.hover.label.isVisible()
    with qtbot.waitSignal(charts.point_hovered) as signal:
        charts._mouse_moved(QPointF(-50, -50))
    assert signal.args == [""]


def test_clear_shows_the_empty_state_and_empties_every_series(charts, negative_run_patient):
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    charts.clear()
    assert charts.stack.currentWidget() is charts.empty and charts.empty.text() == "No patient selected"
    assert len(charts.mrd.samples.getOriginalDataset()[0] or []) == 0
    assert all(len(c.curve.getData()[0]) == 0 and len(c.points.data) == 0 for c in charts.counts)
    assert len(charts.timeline.bars.opts["x0"]) == 0
    assert not charts.mrd.run.visible and not charts.mrd.progression.visible
    assert all(not pool.visible() for pool in charts.events.pools)
    assert not any(line.visible for line in charts.events.as_of_lines)
    assert charts.patient is None
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    assert charts.stack.currentWidget() is charts.canvas


def test_export_writes_png_and_svg(charts, negative_run_patient, tmp_path, qtbot):
    charts.show()
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    qtbot.waitExposed(charts)
    charts.export_image(tmp_path / "charts.png")
    charts.export_image(tmp_path / "charts.SVG")
    image = QImage(str(tmp_path / "charts.png"))
    assert (tmp_path / "charts.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.width() >= 2 * charts.canvas.width() - 40
    svg = (tmp_path / "charts.SVG").read_text(encoding="utf-8")
    assert "<svg" in svg[:2000] and "NPM1/ABL1" in svg and len(svg) > 20_000


def test_the_png_export_scales_the_legend_with_the_charts(charts, negative_run_patient, tmp_path, qtbot):
    """The key ends as far right in the export, at twice the size, as on screen (it came out half-size)."""
    charts.resize(1000, 640)
    charts.show()
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    qtbot.waitExposed(charts)
    key = charts.legend.item

    def right_of_key():
        return max(label.mapRectToScene(label.boundingRect()).right() for _, label in key.items)

    qtbot.waitUntil(lambda: key.pos().y() > 0 and right_of_key() < charts.canvas.width())  # laid out
    charts.export_image(tmp_path / "charts.png")
    image = QImage(str(tmp_path / "charts.png"))
    scale = image.width() / charts.canvas.ci.boundingRect().width()
    rows = key.mapRectToScene(key.boundingRect())
    background = image.pixelColor(2, 2)
    drawn = [
        x
        for x in range(image.width())
        for y in range(int(rows.top() * scale), int(rows.bottom() * scale), 3)
        if image.pixelColor(x, y) != background
    ]
    on_screen = right_of_key()
    assert drawn and max(drawn) == pytest.approx(on_screen * scale, rel=0.08)


def test_the_canvas_follows_a_dark_palette(charts):
    app = QApplication.instance()
    original = app.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    try:
        app.setPalette(dark)
        QApplication.processEvents()
        assert charts.theme.background == QColor("#1e1e1e")
        assert charts.canvas.backgroundBrush().color() == QColor("#1e1e1e")
        assert charts.plots[0].getAxis("left").textPen().color() == QColor("#e6e6e6")
    finally:
        app.setPalette(original)


def test_a_patient_without_records_shows_empty_axes(charts):
    from tests.builders import make_patient

    patient = make_patient(cycles=0, mrd=[], counts=[], responses=[], adverse_events=[])
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    assert charts.stack.currentWidget() is charts.canvas
    assert len(charts.mrd.samples.getOriginalDataset()[0] or []) == 0
    single = patient.model_copy(
        update={"mrd": [MrdSample(date=TODAY, specimen="PB", npm1_copies=0.0, abl1_copies=50_000.0)]}
    )
    charts.show_patient(single, evaluate_patient(single, TODAY))
    assert np.allclose(charts.mrd.samples.getOriginalDataset()[1], [10.0**charts.mrd.floor_log])


@pytest.mark.parametrize("width", [560, 700, 1000, 1500])
def test_the_charts_fit_their_width_so_the_latest_dates_are_on_screen(qtbot, negative_run_patient, width):
    """The MRD key wraps instead of widening the chart layout past the widget (which hid the latest months)."""
    charts = PatientCharts()
    qtbot.addWidget(charts)
    charts.resize(width, 700)
    charts.show()
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    qtbot.wait(10)
    viewport = charts.canvas.viewport().width()
    assert charts.canvas.ci.geometry().width() <= viewport
    for plot in charts.plots:
        assert plot.vb.sceneBoundingRect().right() < viewport
    assert charts.legend.item.sceneBoundingRect().right() <= viewport
    if width >= 1500:
        assert charts.legend.item.columnCount == 7  # one row when there is room


def test_cycle_notes_never_print_over_each_other(charts, demo_patients):
    patient = max(demo_patients, key=lambda p: len(change_notes_of(p)))
    charts.resize(600, 700)
    charts.show()
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    timeline = charts.timeline

    def placed():
        (x0, x1), width = timeline.plot.vb.viewRange()[0], timeline.plot.vb.width()
        spans = {}
        for label, left, text_width in timeline._notes:
            if label.visible:
                spans.setdefault(label.y, []).append((left, left + text_width * (x1 - x0) / width))
        return spans

    spans = placed()
    assert len(timeline._notes) >= 4 and spans
    for row in spans.values():
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(row))
    charts.plots[0].setXRange(to_x(patient.cycles[0].start_date), to_x(patient.cycles[-1].start_date), padding=0)
    assert sum(map(len, placed().values())) >= sum(map(len, spans.values()))  # zooming in shows more of them


def change_notes_of(patient):
    from desktop.ui.charts.timeline_chart import change_notes

    return change_notes(sorted((c for c in patient.cycles if c.start_date <= TODAY), key=lambda c: c.number))


def test_a_plot_with_nothing_to_draw_says_so(qtbot, charts):
    from tests.builders import make_patient

    charts.show()
    patient = make_patient(cycles=2, mrd=[], counts=[], responses=[], adverse_events=[])
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    assert charts.mrd.empty_note.text() == f"No MRD sample recorded up to {TODAY}"
    assert charts.count_chart.empty_note.text() == "No blood count recorded"
    note = charts.mrd.empty_note.item
    centre = note.mapToItem(charts.plots[0].vb, note.boundingRect().center())
    assert centre.x() == pytest.approx(charts.plots[0].vb.width() / 2, abs=2)
    sample = MrdSample(date=TODAY, specimen="PB", npm1_copies=0.0, abl1_copies=50_000.0)
    charts.show_patient(patient.model_copy(update={"mrd": [sample]}), evaluate_patient(patient, TODAY))
    assert charts.mrd.empty_note.text() == ""
    charts.clear()
    assert charts.mrd.empty_note.text() == "" and charts.count_chart.empty_note.text() == ""


def vertical_lines_match_the_date_ticks(charts: PatientCharts) -> int:
    """Assert every plot's vertical grid lines sit at the date axis's ticks (major and minor level); return
    how many lines a plot has."""
    (x0, x1), width = charts.plots[0].vb.viewRange()[0], charts.plots[0].vb.width()
    levels = charts.date_axis.tickValues(x0, x1, charts.date_axis.width())[:2]
    for grid in charts.grids:
        for level, (_, values) in enumerate(levels):
            path = grid.items["x", level].path()
            xs = sorted({round(path.elementAt(n).x, 3) for n in range(path.elementCount())})
            assert xs == pytest.approx([(v - x0) / (x1 - x0) * width for v in values if x0 <= v <= x1], abs=1e-3)
    return charts.grids[0].line_count("x")


def test_grid_lines_follow_the_date_ticks_on_every_plot(charts, negative_run_patient, qtbot):
    charts.resize(900, 620)
    charts.show()
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    qtbot.waitExposed(charts)
    charts.prepare_paint()
    assert vertical_lines_match_the_date_ticks(charts) >= 3
    assert all(grid.line_count("y") > 0 for grid in charts.grids[:-1])
    assert charts.grids[-1].line_count("y") == 0  # the timeline has no value axis
    x0 = charts.plots[0].vb.viewRange()[0][0]
    charts.plots[0].setXRange(x0, x0 + 40 * DAY, padding=0)  # zoom in: the lines move with the new ticks
    charts.prepare_paint()
    assert vertical_lines_match_the_date_ticks(charts) >= 1


def test_grid_lines_fade_with_level_and_density():
    assert level_alpha(0, 800, 5) == pytest.approx(GRID_ALPHA)
    assert level_alpha(1, 800, 5) == pytest.approx(GRID_ALPHA / 2)
    assert level_alpha(0, 100, 19) == pytest.approx(GRID_ALPHA * 0.25)  # lines 5 px apart: a quarter


def test_a_patient_switch_repaints_the_canvas_whole_then_only_what_changes(charts, negative_run_patient, qtbot):
    from PySide6.QtWidgets import QGraphicsView

    mode = QGraphicsView.ViewportUpdateMode
    charts.show()
    qtbot.waitExposed(charts)
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    assert charts.canvas.viewportUpdateMode() == mode.FullViewportUpdate  # nearly every item changed
    qtbot.waitUntil(lambda: charts.canvas.viewportUpdateMode() == mode.MinimalViewportUpdate)  # after that paint


def test_remembered_date_labels_are_pyqtgraphs_own_at_every_zoom(charts, negative_run_patient):
    charts.show_patient(negative_run_patient, evaluate_patient(negative_run_patient, TODAY))
    axis = charts.date_axis
    for days in (3000, 700, 90, 20):  # years, months, weeks, days: each level has its own label format
        charts.plots[0].setXRange(to_x(TODAY) - days * DAY, to_x(TODAY), padding=0)
        for _ in range(2):  # computed, then remembered
            x0, x1 = charts.plots[0].vb.viewRange()[0]
            for spacing, values in axis.tickValues(x0, x1, axis.width()):
                assert axis.tickStrings(values, 1.0, spacing) == pg.DateAxisItem.tickStrings(axis, values, 1.0, spacing)


def test_a_mark_pool_shows_exactly_the_marks_in_use_and_reuses_them(charts):
    from desktop.ui.charts.overlay import MarkPool

    overlay = charts.overlays[0]
    pool = MarkPool(lambda: overlay.rule(True, pg.mkPen("k"), z=-4))
    first = pool.take(3)
    assert len(pool.visible()) == 3 and len(pool.marks) == 3
    assert pool.take(1) == first[:1] and pool.visible() == first[:1]
    second = pool.take(4)
    assert second[:3] == first and pool.visible() == second and len(pool.marks) == 4
    assert pool.take(0) == [] and pool.visible() == []


def test_the_symbol_caches_stay_the_same_size_from_patient_to_patient(charts, demo_patients):
    """pyqtgraph caches a rendered symbol per (shape, size, pen object, brush object): a pen or brush made
    anew for each patient would grow the cache (and its image) at every switch."""
    for patient in demo_patients[:12]:
        charts.show_patient(patient, evaluate_patient(patient, TODAY))
    assert [len(lane.points.fragmentAtlas) for lane in charts.counts] == [1, 1, 1]
    assert len(charts.mrd.samples.scatter.fragmentAtlas) <= len(SPECIMEN_SYMBOLS) * len(CLASS_COLOURS)
