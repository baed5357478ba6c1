"""The patient charts: series equal the records, in-place updates, event lines on every plot, export."""

from __future__ import annotations

import math

import numpy as np
import pytest

from desktop.clinical.evaluation import evaluate_patient
from desktop.domain import Cycle, Event
from desktop.ui.plots import PatientCharts
from desktop.ui.plots.common import to_x
from tests.ui.conftest import TODAY


@pytest.fixture
def charts(qtbot):
    widget = PatientCharts()
    widget.resize(1000, 800)
    qtbot.addWidget(widget)
    return widget


def with_negative_run(patients):
    return next(p for p in patients if len(evaluate_patient(p, TODAY).mrd.negative_run()) >= 3)


def test_mrd_points_equal_the_classified_samples_and_negatives_sit_at_the_floor(charts, demo_patients):
    patient = with_negative_run(demo_patients)
    evaluation = evaluate_patient(patient, TODAY)
    charts.show_patient(patient, evaluation)
    x, y = charts.mrd.samples.getOriginalDataset()
    samples = evaluation.mrd.samples
    assert list(x) == [to_x(s.date) for s in samples]
    floor = 10 ** charts.mrd.floor.value()
    for value, sample in zip(y, samples, strict=True):
        assert value == pytest.approx(sample.ratio_pct if sample.ratio_pct > 0 else floor)
    assert all(s.ratio_pct == 0 or s.ratio_pct > floor for s in samples)
    assert charts.plots[0].ctrl.logYCheck.isChecked()
    assert charts.mrd.threshold.value() == pytest.approx(math.log10(evaluation.params.mrd_low_level_pct))
    run = evaluation.mrd.negative_run()
    start, end = charts.mrd.run.getRegion()
    assert charts.mrd.run.isVisible() and start < to_x(run[0].date) and end > to_x(run[-1].date)
    assert charts.sample_count() == len(samples)


def test_specimen_shape_and_inadequate_hollow(charts, demo_patients):
    patient = next(p for p in demo_patients if any(s.mrd_class == "inadequate"
                                                   for s in evaluate_patient(p, TODAY).mrd.samples))  # fmt: skip
    evaluation = evaluate_patient(patient, TODAY)
    charts.show_patient(patient, evaluation)
    spots = charts.mrd.samples.scatter.data
    for spot, sample in zip(spots, evaluation.mrd.samples, strict=True):
        assert spot["symbol"] == ("o" if sample.specimen == "BM" else "d")
        hollow = spot["brush"] is None or spot["brush"].color().alpha() == 0
        assert hollow == (sample.mrd_class == "inadequate")


def test_counts_and_bars_follow_the_records(charts, demo_patients):
    patient = demo_patients[0]
    evaluation = evaluate_patient(patient, TODAY)
    charts.show_patient(patient, evaluation)
    for plot in charts.counts:
        _, y = plot.line.getData()
        assert list(y) == [getattr(c, plot.measure) for c in patient.counts if c.date <= TODAY]
    assert len(charts.timeline.bars.opts["x0"]) == len(patient.cycles)
    assert [t.toPlainText() for t in charts.timeline.numbers.items if t.isVisible()] == [
        str(c.number) for c in patient.cycles
    ]


def test_a_new_cycle_and_event_update_the_same_items_in_place(charts, demo_patients):
    patient = next(p for p in demo_patients if p.cycles and not p.events)
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    items = (charts.mrd.samples, charts.timeline.bars, charts.counts[0].line, charts.mrd.threshold)
    last = max(patient.cycles, key=lambda c: c.number)
    cycle = Cycle(number=last.number + 1, start_date=TODAY, regimen="VEN-AZA", venetoclax_days=21)
    stop = Event(date=TODAY, type="discontinuation")
    changed = patient.model_copy(update={"cycles": [*patient.cycles, cycle], "events": [stop]})
    charts.show_patient(changed, evaluate_patient(changed, TODAY))
    assert (charts.mrd.samples, charts.timeline.bars, charts.counts[0].line, charts.mrd.threshold) == items
    assert len(charts.timeline.bars.opts["x0"]) == len(patient.cycles) + 1
    assert charts.timeline.bars.opts["width"][-1] == pytest.approx(21 * 86400)
    for pool in charts.event_lines:  # the event is drawn across every plot
        visible = [line for line in pool.items if line.isVisible()]
        assert [line.value() for line in visible] == [to_x(TODAY)]


def test_clear_shows_the_empty_state_and_export_writes_png_and_svg(charts, demo_patients, tmp_path):
    patient = demo_patients[1]
    charts.show_patient(patient, evaluate_patient(patient, TODAY))
    charts.export_image(tmp_path / "c.png")
    charts.export_image(tmp_path / "c.svg")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "c.svg").read_bytes()[:2000]
    charts.clear()
    assert charts.stack.currentWidget() is charts.empty
    assert len(charts.mrd.samples.getData()[0] or []) == 0
    assert all(not line.isVisible() for pool in charts.event_lines for line in pool.items)


def test_hover_names_the_nearest_sample(charts, demo_patients, qtbot):
    patient = with_negative_run(demo_patients)
    evaluation = evaluate_patient(patient, TODAY)
    charts.show()
    charts.show_patient(patient, evaluation)
    qtbot.wait(50)
    sample = evaluation.mrd.samples[-1]
    view = charts.plots[0].vb
    from PySide6.QtCore import QPointF

    y = math.log10(sample.ratio_pct) if sample.ratio_pct > 0 else charts.mrd.floor.value()
    found = charts.mrd.hover.text_near(view.mapViewToScene(QPointF(to_x(sample.date), y)))
    assert found is not None and found[1].startswith(f"{sample.date} · {sample.specimen}")
    assert np.isfinite(y)
