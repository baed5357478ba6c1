"""Rules v2 in the eligibility panel and the header, on the worked examples at 2024-10-01: the latest response,
the latest cycle's dose against its limit (warning colour above it) with the label's advice, a grade 4
cytopenia in remission, data errors with what to fix, and wording that reads as support, not a decision."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from desktop.clinical.strategy import Strategy
from desktop.domain import parse_registry_json, validate_patient
from desktop.store import Registry
from desktop.ui import wording
from desktop.ui.main_window import MainWindow
from desktop.ui.patient_list import FILTER_TIPS, FILTERS
from tests.builders import patient_dict
from tests.examples_data import EXAMPLES
from tests.ui.conftest import open_window

AS_OF = dt.date(2024, 10, 1)
WARNING = wording.SEVERITY_COLOUR["warning"].name()


@pytest.fixture
def examples(qtbot, tmp_path, settings):
    """A main window on the nine worked examples (and a patient with a data error), evaluated at 2024-10-01."""
    registry = Registry.open(tmp_path / "examples.sqlite", create=True)
    patients = parse_registry_json(EXAMPLES.read_bytes()).patients
    data = patient_dict("EX-DATA-ERROR", cycles=3)
    data["cycles"][1]["number"], data["cycles"][2]["number"] = 3, 2  # numbers that do not follow the dates
    broken = validate_patient(data)
    registry.import_patients([*patients, broken], source="examples")
    yield open_window(qtbot, registry, settings, today=AS_OF)
    registry.close()


def show(window: MainWindow, patient_id: str) -> str:
    assert window.browser.select_patient(patient_id)
    return window.panel.shown_text()


def colour_of(window: MainWindow, text: str) -> str:
    """The foreground colour of `text` in the panel's document ("" when the text has none of its own)."""
    cursor = window.panel.evaluation_text.document().find(text, 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not cursor.isNull(), text
    brush = cursor.charFormat().foreground()
    return brush.color().name() if brush.style() != brush.style().NoBrush else ""


def test_a_dose_above_its_limit_is_shown_in_the_warning_colour_with_the_labels_advice(examples):
    text = show(examples, "EX-POSACONAZOLE")
    line = "Cycle 13, 400 mg/day — limit 70 mg/day: posaconazole taken during the cycle"
    assert f"⚠ Above the limit: {line}" in text
    assert colour_of(examples, line) == WARNING
    assert "The label advises: give at most 70 mg/day while posaconazole is taken, and resume 400 mg/day" in text
    assert "Cycle started 2024-09-05." in text


def test_a_dose_within_its_limit_is_plain_and_the_criteria_met_read_as_a_discussion(examples):
    text = show(examples, "EX-ELIGIBLE")
    line = "Cycle 20, 400 mg/day — limit 400 mg/day: label dose for VEN-AZA"
    assert line in text and "Above the limit" not in text
    assert colour_of(examples, line) != WARNING
    lines = text.splitlines()
    assert "All TFR criteria met — discuss a planned stop" in lines
    assert "Suggested strategy: consider observation without therapy (TFR)" in lines
    assert "Latest response: no response recorded" in lines
    assert "eligible" not in text.replace("EX-ELIGIBLE", "").lower()
    assert wording.DISCLAIMER in examples.panel.banner.text() and examples.panel.banner.isVisible()


def test_grade4_cytopenia_in_remission_gives_dates_length_and_advice(examples):
    text = show(examples, "EX-CYTOPENIA")
    episode = "Grade 4 cytopenia in remission (CR) from 2024-09-17 to 2024-09-25 (recovered), 8 days"
    assert f"⚠ {episode}; the first of this course" in text
    assert colour_of(examples, episode) == WARNING
    assert (
        "The label advises: delay the next cycle until ANC ≥ 1.0 ×10^9/L and platelets ≥ 50 ×10^9/L (grade ≤ 2), "
        "then resume at the same dose." in text
    )
    assert "Latest response: CR on 2023-11-05" in text.splitlines()
    assert "cytopenia" not in show(examples, "EX-POSACONAZOLE")  # only when there is an episode


def test_off_therapy_relapse_suggests_considering_a_rechallenge_in_panel_and_header(examples):
    text = show(examples, "EX-TFR-RELAPSE")
    assert "Not applicable: off therapy (TFR)" in text.splitlines()
    assert "Suggested strategy: consider rechallenge (molecular relapse) or transplant" in text.splitlines()
    assert "Strategy: consider rechallenge (molecular relapse) or transplant" in examples.view.header.text()
    assert "Suggested strategy: TFR monitoring" in show(examples, "EX-OFF-THERAPY").splitlines()
    # Off therapy the dose is not checked (rules §7): no limit, no warning for the last cycle of the course.
    assert "Not on therapy: no dose check. Last cycle 12, started 2022-04-06." in text.splitlines()
    assert "limit" not in text.split("Dose (rules §8)")[1]


def test_a_data_error_is_named_in_words_with_what_to_fix(examples):
    evaluation = examples.session.evaluations["EX-DATA-ERROR"]
    [error] = evaluation.data_errors
    text = show(examples, "EX-DATA-ERROR")
    assert "Insufficient data" in text.splitlines()
    assert "Suggested strategy: none until the data error is corrected (rules §3)" in text.splitlines()
    assert "⚠ Data error — the rules read it as missing evidence (rules §3); correct the record:" in text
    assert f"Cycle of {error.date.isoformat()} ({error.record}): {error.problem}." in text
    assert "To fix: Correct the cycle number or the start date." in text
    assert "data error: cycles[" not in text  # the raw status detail is replaced by the words above
    assert "no data error" not in text and "Data error" not in show(examples, "EX-ELIGIBLE")


def test_the_header_names_high_risk_for_tfr_by_the_rules(examples):
    show(examples, "EX-HIGH-RISK")
    header = examples.view.header.text()
    assert "high risk for TFR (rules §4)" in header
    assert "TFR criteria: not all met" in header and "Strategy: consider transplant evaluation" in header
    assert "high risk\n" not in header and not header.rstrip().endswith("high risk")


def test_every_strategy_and_alert_code_has_words_and_none_is_a_verdict():
    assert set(get_args(Strategy)) | {None} == set(wording.STRATEGY)
    assert wording.strategy_text(None, data_error=False) == "none (suggested only on or off therapy)"
    for strategy in ("observation", "maintenance", "transplant_evaluation", "rechallenge_evaluation"):
        assert wording.STRATEGY[strategy].startswith("consider ")
    assert wording.ALERT["venetoclax_dose_above_limit"] == "venetoclax dose above limit"
    assert wording.ALERT["cytopenia_in_remission"] == "grade 4 cytopenia in remission"
    shown = [
        *wording.ELIGIBILITY.values(),
        *wording.ELIGIBILITY_SHORT.values(),
        *wording.ELIGIBILITY_HEADER.values(),
        *wording.ALERT.values(),
        *wording.STRATEGY.values(),
        *(label for label, _ in FILTERS.values()),
        *FILTER_TIPS.values(),
    ]
    assert not [text for text in shown if "eligible" in text.lower() or "candidate" in text.lower()]


def test_the_follow_up_schedule_is_credited_to_the_rules(examples):
    show(examples, "EX-CYTOPENIA")
    titles = [label.text() for label in examples.view.follow_up.findChildren(type(examples.status_path))]
    assert any("VenTrack rules §6" in title for title in titles)
    assert not any("ELN" in title for title in titles)


def test_the_list_tooltip_and_chip_speak_of_criteria(examples):
    chip = examples.browser.chips["eligible"]
    assert chip.text() == "Criteria met" and "not a decision" in chip.toolTip()
    model = examples.browser.model
    row = model.row_of("EX-ELIGIBLE")
    assert model.index(row, 7).data() == "criteria met"
    assert "discuss a planned stop" in model.index(row, 7).data(Qt.ItemDataRole.ToolTipRole)
