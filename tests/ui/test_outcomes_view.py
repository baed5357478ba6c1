"""Registry → Outcomes: the figures of `registry_outcomes` as bars, markers, curves and a table; filters; updates on
record changes and another as-of date; exports (CSV, PNG/SVG, PDF); the computation off the GUI thread, cancelled
when the request changes."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from desktop.clinical.outcomes import LANDMARK_CYCLES, PUBLISHED
from desktop.services.outcomes import first_regimen, registry_outcomes
from desktop.ui import outcomes_view
from desktop.ui.charts.outcome_km import AT_RISK_MONTHS, step_points
from desktop.ui.outcomes_data import FRAMING, MONTH_DAYS, figures, percent
from desktop.ui.outcomes_filters import VALUE_ROLE
from desktop.ui.outcomes_view import OutcomesWindow, show_outcomes
from desktop.ui.workers import Cancelled
from tests.ui.conftest import DEMO_COUNT, TODAY


def open_outcomes(qtbot, window) -> OutcomesWindow:
    view = show_outcomes(window)
    qtbot.addWidget(view)
    view.resize(1400, 900)  # the offscreen screen is 800 × 600
    wait_done(qtbot, view)
    return view


def wait_done(qtbot, view: OutcomesWindow, condition=lambda: True) -> None:
    qtbot.waitUntil(lambda: view.result is not None and not view.computing and condition(), timeout=20000)


def assert_shows(view: OutcomesWindow, expected) -> None:
    """The bars, their labels, the curves, the at-risk rows and the table show `expected` (a RegistryOutcomes)."""
    mrd = view.charts.mrd
    for i, k in enumerate(LANDMARK_CYCLES):
        negative, patients = expected.mrd_negative_by_cycle[k]
        share = 100 * negative / patients if patients else 0.0
        assert mrd.bars.opts["height"][i] == pytest.approx(share)
        assert mrd.label_texts()[i] == (f"{share:.0f}%\n{negative}/{patients}" if patients else "no patient\nyet")
    _, marks = mrd.diamonds.getData()
    assert list(marks) == pytest.approx([100 * PUBLISHED["mrd_negative_by_cycle"][str(k)] for k in LANDMARK_CYCLES])
    kms = {("tfr", "all"): expected.tfr, **{("os", g): km for g, km in expected.os_by_group.items()}}
    for (panel, key), km in kms.items():
        shown = getattr(view.charts, panel)
        assert [list(a) for a in shown.curve_data(key)] == [pytest.approx(v) for v in step_points(km)]
        rows = [str(km.at_risk(m * MONTH_DAYS)) if len(km) else "" for m in AT_RISK_MONTHS]  # none: the empty note
        assert shown.at_risk_texts(key) == rows
    table = [[view.table.item(r, c).text() for c in range(3)] for r in range(view.table.rowCount())]
    assert table == [[f.label, f.patients_text(), percent(f.value)] for f in figures(expected)]


def test_registry_menu_opens_one_non_modal_outcomes_window(qtbot, window):
    menu = next(m for m in (a.menu() for a in window.menuBar().actions()) if m and m.title() == "&Registry")
    assert window.outcomes_action in menu.actions()
    assert window.outcomes_action.shortcut() == QKeySequence("Ctrl+Shift+O")
    window.outcomes_action.trigger()
    view = window.findChild(OutcomesWindow)
    qtbot.addWidget(view)
    assert view.isVisible() and not view.isModal()
    window.outcomes_action.trigger()
    assert window.findChildren(OutcomesWindow) == [view]
    wait_done(qtbot, view)


def test_bars_markers_curves_and_table_show_the_registry_figures(qtbot, window, registry):
    view = open_outcomes(qtbot, window)
    assert_shows(view, registry_outcomes(registry, TODAY))
    assert view.result.as_of == TODAY
    assert f"as of <b>{TODAY.isoformat()}</b>" in view.heading.text()
    assert f"{DEMO_COUNT} patients in the registry (all selected)" in view.heading.text()
    assert FRAMING in view.banner.text()


def test_a_filter_changes_the_figures_and_the_patient_counts(qtbot, window, registry):
    view = open_outcomes(qtbot, window)
    everyone = registry_outcomes(registry, TODAY)
    years = {p.diagnosis_date.year for p in registry.iter_patients()}
    year = next(y for y in sorted(years) if registry_outcomes(registry, TODAY, diagnosis_years={y}) != everyone)
    view.filters.years.set_checked({year})
    wait_done(qtbot, view, lambda: view.result.selection.years == {year})
    chosen = sum(p.diagnosis_date.year == year for p in registry.iter_patients())
    assert_shows(view, registry_outcomes(registry, TODAY, diagnosis_years={year}))
    assert f"{DEMO_COUNT} patients in the registry, {chosen} selected (diagnosed in {year})" in view.heading.text()

    item = next(i for i in view.filters.regimens.items() if i.data(VALUE_ROLE) == "VEN-AZA")
    item.setCheckState(Qt.CheckState.Unchecked)  # as a click on the box does
    wait_done(qtbot, view, lambda: view.result.selection.regimens is not None)
    regimens = {i.data(VALUE_ROLE) for i in view.filters.regimens.items()} - {"VEN-AZA"}
    assert_shows(view, registry_outcomes(registry, TODAY, diagnosis_years={year}, regimens=regimens))
    chosen = sum(p.diagnosis_date.year == year and first_regimen(p) != "VEN-AZA" for p in registry.iter_patients())
    assert f", {chosen} selected (" in view.heading.text()


def test_a_record_change_and_another_as_of_date_update_the_view(qtbot, window, registry):
    view = open_outcomes(qtbot, window)
    removed = next(p.patient_id for p in registry.iter_patients() if p.cycles)
    registry.delete_patient(removed)
    window.session.refresh_patient(removed)  # as an edit does: `patient_removed`
    wait_done(qtbot, view, lambda: view.result.facets.total == DEMO_COUNT - 1)
    assert_shows(view, registry_outcomes(registry, TODAY))
    assert f"{DEMO_COUNT - 1} patients in the registry" in view.heading.text()

    earlier = TODAY - dt.timedelta(days=200)
    window.session.set_as_of(earlier)
    wait_done(qtbot, view, lambda: view.result.as_of == earlier)
    assert_shows(view, registry_outcomes(registry, earlier))


@pytest.mark.threads
def test_the_computation_runs_off_the_gui_thread_and_the_window_stays_responsive(qtbot, window, monkeypatch):
    threads, real = [], outcomes_view.compute

    def slow(*args, **kwargs):
        threads.append(threading.current_thread())
        time.sleep(0.8)
        return real(*args, **kwargs)

    monkeypatch.setattr(outcomes_view, "compute", slow)
    ticks = []
    timer = QTimer(interval=20, timeout=lambda: ticks.append(1))
    timer.start()
    started = time.monotonic()
    view = show_outcomes(window)  # returns at once, before the result
    qtbot.addWidget(view)
    assert time.monotonic() - started < 0.5
    assert view.computing and view.progress.isVisible() and view.status.text() == "Computing…"
    assert not view.pdf_button.isEnabled()
    wait_done(qtbot, view)
    timer.stop()
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert len(ticks) >= 15  # the event loop ran all along: ~40 ticks in 0.8 s
    assert not view.progress.isVisible() and view.pdf_button.isEnabled()


@pytest.mark.threads
def test_a_newer_request_cancels_the_running_computation(qtbot, window, monkeypatch):
    cancelled, real = [], outcomes_view.compute

    def stubborn(path, as_of, selection, facets, progress):
        if selection.years is None and facets is not None:  # the first request once the window is open
            try:
                for n in range(200):
                    time.sleep(0.02)
                    progress(n, 200)
            except Cancelled:
                cancelled.append(selection)
                raise
        return real(path, as_of, selection, facets, progress)

    view = open_outcomes(qtbot, window)
    monkeypatch.setattr(outcomes_view, "compute", stubborn)
    view.refresh()
    qtbot.waitUntil(lambda: view.progress.value() > 0, timeout=5000)
    year = view.filters.years.items()[0].data(VALUE_ROLE)
    view.filters.years.set_checked({year})
    wait_done(qtbot, view, lambda: view.result.selection.years == {year})
    assert len(cancelled) == 1


def test_csv_export_holds_the_figures_and_the_curve_steps(qtbot, window, registry, tmp_path, monkeypatch):
    view = open_outcomes(qtbot, window)
    path = tmp_path / "outcomes.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    view.csv_button.click()
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads it as UTF-8
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert ["As of", TODAY.isoformat()] in rows and ["Note", FRAMING] in rows
    expected = registry_outcomes(registry, TODAY)
    for k in LANDMARK_CYCLES:
        negative, patients = expected.mrd_negative_by_cycle[k]
        row = next(r for r in rows if r and r[0] == f"MRD negative by the end of cycle {k}")
        assert row[1:3] == [str(patients), str(negative)]
        assert float(row[4]) == pytest.approx(100 * negative / patients, abs=0.05)
        assert float(row[5]) == pytest.approx(100 * PUBLISHED["mrd_negative_by_cycle"][str(k)])
    steps = [r for r in rows if r and r[0] == "Treatment-free remission" and r[1] == "all"]
    times = sorted({o.time for o in expected.tfr.observations} | {0})
    assert [float(r[2]) for r in steps] == times
    assert sum(int(r[5]) for r in steps) == sum(o.event for o in expected.tfr.observations)
    assert sum(int(r[6]) for r in steps) == sum(not o.event for o in expected.tfr.observations)
    for row in steps:
        assert int(row[4]) == expected.tfr.at_risk(float(row[2]))
        assert float(row[7]) == pytest.approx(100 * expected.tfr.survival(float(row[2])), abs=0.05)
    width = {len(r) for r in rows if len(r) > 2}
    assert width <= {7, 8}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_the_csv_opens_in_libreoffice(qtbot, window, tmp_path, monkeypatch):
    view = open_outcomes(qtbot, window)
    path = tmp_path / "outcomes.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    view.csv_button.click()
    done = subprocess.run(["soffice", "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "html",
                           "--outdir", str(tmp_path / "out"), str(path)], capture_output=True, timeout=180)  # fmt: skip
    text = (tmp_path / "out" / "outcomes.html").read_text(errors="replace")
    assert done.returncode == 0 and "clinical-rules §9" in text and "indicative only" in text
    assert "\ufeff" not in text and "ï»¿" not in text


def test_charts_save_as_png_and_svg_and_the_report_as_pdf(qtbot, window, tmp_path, monkeypatch):
    view = open_outcomes(qtbot, window)
    for name in ("charts.png", "charts.svg", "report.pdf"):
        path = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=path, **k: (str(p), ""))
        (view.pdf_button if name.endswith(".pdf") else view.save_chart_button).click()
        assert path.stat().st_size > 1000, name
        assert view.status.text() == f"Saved {name}"
    assert (tmp_path / "charts.png").read_bytes()[:4] == b"\x89PNG"
    svg = (tmp_path / "charts.svg").read_text()
    assert "<svg" in svg and "cycle 4" in svg and "Number at risk" in svg
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_window_follows_the_main_window_to_another_registry(qtbot, window, tmp_path):
    from desktop.store import Registry

    view = open_outcomes(qtbot, window)
    other = tmp_path / "other.sqlite"
    Registry.open(other, create=True).close()
    assert window.switch_registry(other)
    wait_done(qtbot, view, lambda: view.result.registry_name == "other.sqlite")
    assert view.result.facets.total == 0
    assert view.charts.mrd.label_texts() == ["no patient\nyet"] * 3
    assert view.charts.tfr.empty.text()
