"""What a clinician reads in each view: words for every alert, the list's decisive columns in view, the
panel's reason when the rules do not apply, alert double-click, and undo bringing chart and panel back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.clinical.alerts import ALERT_CODES
from desktop.ui import wording
from desktop.ui.patient_browser import VISUAL_ORDER
from desktop.ui.patient_list import COLUMNS
from tests.ui.conftest import TODAY, panel_criteria


def first_with(window, predicate):
    return next(pid for pid, e in sorted(window.session.evaluations.items()) if predicate(e))


def test_every_alert_code_has_words_and_the_alerts_dock_shows_them(window):
    assert set(ALERT_CODES) == set(wording.ALERT)
    model = window.alerts.model
    assert model.rowCount() > 0
    for row in range(model.rowCount()):
        alert = model.items[row]
        shown = model.index(row, model.headers.index("Alert")).data()
        assert shown == wording.ALERT[alert.code] and "_" not in shown
        assert model.index(row, model.headers.index("Severity")).data() == alert.severity  # a word, not a colour


def test_eligibility_alerts_and_next_mrd_come_first_in_the_list(window):
    header = window.browser.table.horizontalHeader()
    visual = sorted(range(len(COLUMNS)), key=header.visualIndex)
    assert [COLUMNS[c] for c in visual] == list(VISUAL_ORDER)
    assert [COLUMNS[c] for c in visual[:5]] == ["Patient", "Name", "Eligibility", "Alerts", "Next MRD due"]
    shown = sum(header.sectionSize(c) for c in visual[:4])
    assert shown <= window.browser.table.viewport().width()  # no sideways scroll to see the alerts


def test_not_applicable_says_why_and_the_follow_up_tab_counts_in_words(window):
    off = first_with(window, lambda e: e.state.state == "off_therapy")
    window.browser.select_patient(off)
    shown = window.panel.shown_text().splitlines()
    assert "Not applicable: off therapy (TFR)" in shown
    strategy = next(line for line in shown if line.startswith("Suggested strategy: "))
    assert "see the criteria" not in strategy
    one = first_with(window, lambda e: len(e.alerts) == 1)
    window.browser.select_patient(one)
    assert window.view.tabs.tabText(1) == "&Follow-up (1 alert)"
    many = first_with(window, lambda e: len(e.alerts) > 1)
    window.browser.select_patient(many)
    n = len(window.session.evaluations[many].alerts)
    assert window.view.tabs.tabText(1) == f"&Follow-up ({n} alerts)"


def test_double_clicking_an_alert_opens_its_patient_on_the_follow_up_tab(qtbot, window):
    view, model = window.alerts.view, window.alerts.model
    row = model.rowCount() // 2
    target = model.items[row].patient_id
    assert window.view.patient_id != target
    index = window.alerts.proxy.index(row, 3)
    view.scrollTo(index)
    position = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=position)  # a double click's first press
    assert window.view.patient_id != target  # one click only selects the alert
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert window.view.patient_id == target and window.browser.current_patient_id == target
    assert window.view.tabs.currentWidget() is window.view.follow_up
    alerts_shown = window.view.follow_up.alerts_model.items
    assert model.items[row] in alerts_shown


def test_undo_of_a_form_cycle_brings_chart_panel_and_list_back(qtbot, window, registry):
    patient_id = first_with(
        window, lambda e: e.state.state == "on_therapy" and e.state.cycles_started < e.params.min_cycles
    )
    window.browser.select_patient(patient_id)
    charts, panel = window.view.charts, window.panel
    before = (charts.timeline.count, panel_criteria(panel)["min_cycles"][2], registry.load_patient(patient_id))
    cycles_column = COLUMNS.index("Cycles")
    row_text = lambda: window.browser.model.rows[window.browser.model.row_of(patient_id)].texts[cycles_column]  # noqa: E731
    listed = row_text()
    window.add_actions["cycles"].trigger()
    form = window.editing.current_dialog
    assert form.values()[0]["start_date"] <= TODAY  # the default date counts at the evaluation date
    form.ok_button.click()
    assert charts.timeline.count == before[0] + 1
    assert panel_criteria(panel)["min_cycles"][2] != before[1]
    assert row_text() == str(int(listed) + 1)
    window.undo_action.trigger()
    assert registry.load_patient(patient_id) == before[2]
    assert (charts.timeline.count, panel_criteria(panel)["min_cycles"][2]) == before[:2]
    assert row_text() == listed
    window.redo_action.trigger()
    assert charts.timeline.count == before[0] + 1


def test_a_patients_alerts_are_shown_as_whole_sentences(qtbot, window):
    patient_id = first_with(window, lambda e: any(len(a.message) > 80 for a in e.alerts))
    window.open_patient(patient_id)
    table = window.view.follow_up.alerts
    qtbot.waitUntil(lambda: table.isVisible())
    message_column = window.view.follow_up.alerts_model.headers.index("Message")
    row = next(r for r, a in enumerate(window.view.follow_up.alerts_model.items) if len(a.message) > 80)
    index = window.view.follow_up.alerts_model.index(row, message_column)
    needed = table.fontMetrics().boundingRect(0, 0, table.columnWidth(message_column) - 8, 10_000,
                                              int(Qt.TextFlag.TextWordWrap), index.data()).height()  # fmt: skip
    assert table.wordWrap() and table.rowHeight(row) >= needed


def test_the_panel_shows_each_criterion_mark_word_and_evidence_as_evaluated(window):
    seen = set()
    for row in window.browser.model.rows:
        evaluation = window.session.evaluations[row.patient_id]
        kinds = frozenset(c.met for c in evaluation.eligibility.criteria)
        if kinds in seen:
            continue
        seen.add(kinds)
        window.browser.select_patient(row.patient_id)
        shown = panel_criteria(window.panel)
        expected = {
            c.id: (wording.MARK[c.met], wording.MARK_WORD[c.met], c.detail) for c in evaluation.eligibility.criteria
        }
        assert shown == expected, row.patient_id
    assert {met for kinds in seen for met in kinds} == {True, False, None}  # met, not met and unknown all shown


def test_parameters_used_appear_under_the_criteria_on_request(window):
    patient_id = window.browser.model.rows[0].patient_id
    window.browser.select_patient(patient_id)
    params = window.session.evaluations[patient_id].params
    assert "Parameters used" not in window.panel.shown_text()
    window.panel.parameters_toggle.setChecked(True)
    shown = window.panel.shown_text().splitlines()
    assert shown.index("Parameters used") > max(n for n, line in enumerate(shown) if " — " in line)
    assert f"min_cycles: {params.min_cycles}" in shown
    window.browser.select_patient(window.browser.model.rows[1].patient_id)  # stays open while browsing
    assert "Parameters used" in window.panel.shown_text()
    window.panel.parameters_toggle.setChecked(False)
    assert "Parameters used" not in window.panel.shown_text()
