"""The main window's workflows: list, filter, open a patient, edit with undo, alerts, as-of replay, identifiers."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.clinical.eligibility import CRITERIA
from desktop.domain import Cycle, InvalidData, MrdSample
from desktop.ui import commands
from desktop.ui.patient_list import COLUMNS, NAME_COLUMN
from desktop.ui.wording import DISCLAIMER
from tests.ui.conftest import DEMO_COUNT, TODAY, panel_criteria


def first_with(window, predicate):
    """The id of the first patient (by id) whose evaluation satisfies `predicate`."""
    return next(pid for pid, e in sorted(window.session.evaluations.items()) if predicate(e))


def select(window, patient_id):
    assert window.browser.select_patient(patient_id)
    assert window.view.patient_id == patient_id


def test_the_list_shows_every_patient_with_status_bar_and_evaluations(window, registry):
    model = window.browser.model
    assert model.rowCount() == DEMO_COUNT == len(window.session.evaluations)
    assert window.status_count.text() == f"{DEMO_COUNT} patients"
    assert window.status_path.text() == str(registry.path)
    assert window.status_schema.text() == f"schema v{registry.schema_version}"
    statuses = {row.texts[COLUMNS.index("Eligibility")] for row in model.rows}
    assert "…" not in statuses and "criteria met" in statuses  # evaluated; the demo always has such patients
    assert not any("eligible" in status for status in statuses)  # the criteria, not a verdict
    assert DISCLAIMER in window.panel.banner.text()


def test_typing_filters_and_chips_narrow_the_list(qtbot, window):
    proxy = window.browser.proxy
    some_id = window.browser.model.rows[5].patient_id
    qtbot.keyClicks(window.browser.filter, some_id.lower())
    assert proxy.rowCount() >= 1
    assert all(some_id.lower() in proxy.index(r, 0).data().lower() for r in range(proxy.rowCount()))
    window.browser.filter.clear()
    assert proxy.rowCount() == DEMO_COUNT
    window.browser.chips["eligible"].click()
    eligible = {pid for pid, e in window.session.evaluations.items() if e.eligibility.status == "eligible"}
    assert {proxy.index(r, 0).data() for r in range(proxy.rowCount())} == eligible
    window.browser.chips["on_therapy"].click()  # chips combine
    both = {pid for pid in eligible if window.session.evaluations[pid].state.state == "on_therapy"}
    assert {proxy.index(r, 0).data() for r in range(proxy.rowCount())} == both
    assert window.browser.count.text().startswith(f"{len(both):,} of {DEMO_COUNT}")


def test_sorting_by_a_column_orders_the_rows(window):
    window.browser.table.sortByColumn(COLUMNS.index("Cycles"), Qt.SortOrder.DescendingOrder)
    proxy = window.browser.proxy
    cycles = [int(proxy.index(r, COLUMNS.index("Cycles")).data()) for r in range(proxy.rowCount())]
    assert cycles == sorted(cycles, reverse=True)


def test_selecting_a_patient_shows_header_panel_and_follow_up(window):
    patient_id = first_with(window, lambda e: e.eligibility.status == "eligible")
    select(window, patient_id)
    assert patient_id in window.view.header.text()
    assert "All TFR criteria met — discuss a planned stop" in window.panel.shown_text().splitlines()
    criteria = panel_criteria(window.panel)
    assert set(criteria) == set(CRITERIA)
    assert {(mark, word) for mark, word, _ in criteria.values()} == {("✓", "met")}
    evaluation = window.session.evaluations[patient_id]
    assert window.view.follow_up.schedule_model.rowCount() == len(evaluation.schedule)
    detail = evaluation.eligibility.criterion("sustained_mrd_negativity").detail
    assert criteria["sustained_mrd_negativity"][2] == detail


def test_an_eligible_patient_pops_up_a_notice_once(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    patient_id = first_with(window, lambda e: e.eligibility.status == "eligible")
    window.browser.table.setFocus()
    select(window, patient_id)
    notice = window.notice
    assert notice.isVisible() and patient_id in notice.text() and patient_id in notice.title.text()
    # a finding to discuss, not a decision: tolerance and the decision are the clinician's
    assert "all TFR criteria met — discuss a planned stop" in notice.text()
    assert "Good tolerance and the decision rest with the clinician" in notice.text()
    assert "eligible" not in notice.text().lower()
    assert notice.isWindow() is False and window.view.isAncestorOf(notice)  # inside the window
    assert window.browser.table.hasFocus()  # browsing goes on: the notice takes no keyboard

    def in_view(widget):
        return QRect(widget.mapTo(window.view, QPoint(0, 0)), widget.size())

    # the header (the patient's state and eligibility) stays readable
    assert not in_view(notice).intersects(in_view(window.view.header))
    assert in_view(notice).right() <= window.view.width()
    qtbot.keyClick(window.browser.table, Qt.Key.Key_Escape)
    assert not notice.isVisible()
    window.browser.select_patient(window.browser.model.rows[0].patient_id)
    select(window, patient_id)
    assert not notice.isVisible()  # once per patient and finding


def test_one_notice_at_a_time_and_a_critical_one_warns(qtbot, window):
    eligible = first_with(window, lambda e: e.eligibility.status == "eligible")
    critical = first_with(window, lambda e: any(a.severity == "critical" for a in e.alerts))
    select(window, eligible)
    select(window, critical)
    notices = [w for w in window.findChildren(QWidget) if w.objectName() == "notice"]
    assert notices == [window.notice]
    notice = window.notice
    assert notice.isVisibleTo(window) and critical in notice.title.text()
    assert notice.critical and "Critical alert" in notice.text()
    quiet = {pid for pid, e in window.session.evaluations.items() if all(a.severity != "critical" for a in e.alerts)}
    others = [pid for pid in quiet - {eligible} if window.session.evaluations[pid].eligibility.status == "eligible"]
    select(window, others[0])
    assert others[0] in notice.title.text() and not notice.critical  # the same notice, now about the other patient
    notice.dismiss.click()
    assert not notice.isVisibleTo(window)


def test_adding_a_cycle_updates_records_list_panel_and_undo(window, registry):
    patient_id = first_with(window, lambda e: e.state.state == "on_therapy")
    select(window, patient_id)
    before = registry.load_patient(patient_id)
    last = max(before.cycles, key=lambda c: c.number)
    cycle = Cycle(number=last.number + 1, start_date=min(last.start_date + dt.timedelta(days=28), TODAY),
                  regimen=last.regimen, venetoclax_dose_mg=400, venetoclax_days=28, hma_days=7)  # fmt: skip
    commands.add_record(window.session, patient_id, "cycles", cycle)
    assert len(registry.load_patient(patient_id).cycles) == len(before.cycles) + 1
    assert window.view.records.models["cycles"].rowCount() == len(before.cycles) + 1
    row = window.browser.model.rows[window.browser.model.row_of(patient_id)]
    assert row.texts[COLUMNS.index("Cycles")] == str(len(before.cycles) + 1)
    assert window.session.evaluations[patient_id].state.cycles_started >= len(before.cycles)
    assert window.undo_action.isEnabled() and "Add cycle" in window.undo_action.text()
    window.undo_action.trigger()
    assert registry.load_patient(patient_id) == before
    assert window.view.records.models["cycles"].rowCount() == len(before.cycles)
    window.redo_action.trigger()
    assert len(registry.load_patient(patient_id).cycles) == len(before.cycles) + 1


def test_undo_follows_a_record_restored_under_a_new_id(window, registry):
    patient_id = window.browser.model.rows[0].patient_id
    select(window, patient_id)
    sample = MrdSample(date=TODAY, specimen="PB", npm1_copies=0, abl1_copies=60000)
    record_id = commands.add_record(window.session, patient_id, "mrd", sample)
    edited = sample.model_copy(update={"npm1_copies": 25.0})
    commands.update_record(window.session, patient_id, "mrd", record_id, edited)
    commands.delete_record(window.session, patient_id, "mrd", record_id)
    stack = window.session.undo_stack
    stack.undo()  # restore the deleted sample (new id)
    assert registry.load_patient(patient_id).mrd[-1] == edited
    stack.undo()  # undo the edit: must find the sample under its new id
    assert registry.load_patient(patient_id).mrd[-1] == sample
    stack.undo()  # undo the add
    assert sample not in registry.load_patient(patient_id).mrd
    for _ in range(3):
        stack.redo()
    assert sample not in registry.load_patient(patient_id).mrd and edited not in registry.load_patient(patient_id).mrd


def test_an_invalid_entry_is_refused_with_its_field_and_nothing_is_saved(window, registry):
    patient_id = window.browser.model.rows[0].patient_id
    select(window, patient_id)
    before = registry.load_patient(patient_id)
    too_early = before.diagnosis_date - dt.timedelta(days=3)
    with pytest.raises(InvalidData) as refused:
        commands.add_record(window.session, patient_id, "mrd",
                            MrdSample(date=too_early, specimen="BM", npm1_copies=1, abl1_copies=50000))  # fmt: skip
    assert refused.value.problems[0].field == "date" and refused.value.problems[0].record.startswith("mrd")
    assert registry.load_patient(patient_id) == before
    assert not window.session.undo_stack.canUndo()


def test_deleting_a_patient_asks_first_and_undo_restores_it(qtbot, window, registry):
    patient_id = window.browser.model.rows[3].patient_id
    select(window, patient_id)
    before = registry.load_patient(patient_id)
    window.delete_patient_action.trigger()
    box = window.editing.current_dialog
    assert isinstance(box, QMessageBox) and patient_id in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert registry.has_patient(patient_id)
    window.delete_patient_action.trigger()
    box = window.editing.current_dialog
    next(b for b in box.buttons() if b.text() == "Delete patient").click()
    assert not registry.has_patient(patient_id)
    assert window.browser.model.row_of(patient_id) is None and window.view.patient_id != patient_id
    assert window.status_count.text() == f"{DEMO_COUNT - 1} patients"
    window.undo_action.trigger()
    assert registry.load_patient(patient_id) == before
    assert window.browser.model.row_of(patient_id) is not None


def test_activating_an_alert_opens_its_patient(qtbot, window):
    alerts = window.alerts
    assert alerts.model.rowCount() > 0
    severities = [alerts.model.items[r].severity for r in range(alerts.model.rowCount())]
    order = {"critical": 0, "warning": 1, "info": 2}
    assert severities == sorted(severities, key=order.__getitem__)
    row = alerts.model.rowCount() - 1
    target = alerts.model.items[row].patient_id
    alerts.view.setCurrentIndex(alerts.proxy.index(row, 0))
    qtbot.keyClick(alerts.view, Qt.Key.Key_Return)
    assert window.view.patient_id == target and window.browser.current_patient_id == target


def test_alert_click_reveals_a_patient_hidden_by_the_filter(qtbot, window):
    target = window.alerts.model.items[0].patient_id
    qtbot.keyClicks(window.browser.filter, "no such patient")
    assert window.browser.proxy.rowCount() == 0
    window.alerts.open_patient.emit(target)
    assert window.view.patient_id == target and window.browser.filter.text() == ""


def test_changing_as_of_replays_history(qtbot, window):
    patient_id = first_with(window, lambda e: e.eligibility.status == "eligible")
    select(window, patient_id)
    earlier = window.session.registry.load_patient(patient_id).diagnosis_date + dt.timedelta(days=40)
    with qtbot.waitSignal(window.session.evaluations_ready, timeout=20000):
        window.panel.as_of.setDate(earlier)
    assert window.session.as_of == earlier
    assert window.session.evaluations[patient_id].as_of == earlier
    shown = window.panel.shown_text().splitlines()
    assert "Eligible for discontinuation" not in shown
    assert f"Patient {patient_id}, evaluated as of {earlier.isoformat()}" in shown


def test_hide_identifiers_hides_names_in_list_and_header(window, registry):
    patient_id = next(s.patient_id for s in registry.summaries() if s.name)
    select(window, patient_id)
    name = registry.load_patient(patient_id).name
    assert name in window.view.header.text()
    commands.update_patient(window.session, patient_id, {"name": "Bianchi, Anna"})
    audit = window.view.audit_model
    texts = lambda: {audit.index(r, c).data() for r in range(audit.rowCount()) for c in range(7)}  # noqa: E731
    assert {name, "Bianchi, Anna"} <= texts()
    window.hide_names_action.trigger()
    assert window.browser.table.isColumnHidden(NAME_COLUMN)
    assert "Bianchi" not in window.view.header.text()
    assert not {name, "Bianchi, Anna"} & texts() and "(hidden)" in texts()


def test_week_summary_appears_at_start_up_and_counts_overdue_items(qtbot, registry, settings):
    from PySide6.QtWidgets import QDialog, QTextBrowser

    from desktop.ui.dialogs import week_items
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import RegistrySession

    session = RegistrySession(registry, today=lambda: TODAY)
    window = MainWindow(session, settings)  # the start-up summary is on by default
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(QDialog, "week_summary") is not None, timeout=20000)
    text = window.findChild(QDialog, "week_summary").findChild(QTextBrowser).toPlainText()
    overdue, _, critical = week_items(session, TODAY)
    items = [i for e in session.evaluations.values() for i in e.schedule]
    expected = sum(1 for i in items if i.status == "overdue" and i.current_course)
    assert len(overdue) == expected > 0
    assert f"Overdue MRD ({expected})" in text and f"Critical alerts ({len(critical)})" in text
    assert overdue[0] in text
    due_dates = [dt.date.fromisoformat(line.split(", due ")[1][:10]) for line in overdue]
    assert due_dates == sorted(due_dates)  # longest overdue first


def test_switching_to_a_new_empty_registry(window, tmp_path):
    assert window.switch_registry(tmp_path / "other.sqlite", create=True)
    assert window.browser.model.rowCount() == 0 and window.status_count.text() == "0 patients"
    assert window.windowTitle().endswith("other.sqlite")
    assert str(tmp_path / "other.sqlite") == window.recent.paths()[0]


def test_a_refused_registry_keeps_the_current_one(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    (tmp_path / "not-a-registry.sqlite").write_text("hello")
    path = window.session.path
    assert not window.switch_registry(tmp_path / "not-a-registry.sqlite")
    assert shown and "not-a-registry" in shown[0]
    assert window.session.path == path and window.browser.model.rowCount() == DEMO_COUNT


def test_add_cycle_through_the_form_updates_chart_panel_and_list_at_once(qtbot, window, registry):
    patient_id = first_with(window, lambda e: e.state.state == "on_therapy" and e.eligibility.status != "eligible")
    select(window, patient_id)
    bars = window.view.charts.timeline.bars
    before = window.view.charts.timeline.count
    window.add_actions["cycles"].trigger()
    form = window.editing.current_dialog
    assert form is not None and form.kind == "cycles" and form.ok_button.isEnabled()
    form.ok_button.click()
    assert window.editing.current_dialog is None
    assert window.view.charts.timeline.count == before + 1 and window.view.charts.timeline.bars is bars
    assert len(registry.load_patient(patient_id).cycles) == before + 1
    cycles_detail = panel_criteria(window.panel)["min_cycles"][2]
    assert f"{window.session.evaluations[patient_id].state.cycles_started} cycles" in cycles_detail
    assert "Add cycle" in window.undo_action.text()


def test_an_invalid_form_entry_saves_nothing(qtbot, window, registry):
    patient_id = window.browser.model.rows[1].patient_id
    select(window, patient_id)
    before = registry.load_patient(patient_id)
    window.add_actions["counts"].trigger()
    form = window.editing.current_dialog
    form.fields["anc"].line.setText("150")
    form.fields["platelets"].line.setText("45")
    form.fields["hemoglobin"].line.setText("9")
    assert not form.ok_button.isEnabled() and "between 0 and 100" in form.fields["anc"].error.text()
    form.accept()  # Enter on an invalid form
    assert form.isVisible() and "between 0 and 100" in form.fields["anc"].error.text()
    form.reject()
    assert registry.load_patient(patient_id) == before and not window.session.undo_stack.canUndo()


def test_a_change_by_another_program_reloads_the_list(qtbot, window, registry, demo_patients):
    from desktop.store import Registry

    assert not window.session.check_for_changes()
    with Registry.open(registry.path) as other:  # a second VenTrack, or the CLI
        other.import_patients([demo_patients[0].model_copy(update={"patient_id": "ELSEWHERE-1"})], source="cli")
    with qtbot.waitSignal(window.session.evaluations_ready, timeout=20000):
        assert window.session.check_for_changes()
    assert window.browser.model.row_of("ELSEWHERE-1") is not None
    assert window.status_count.text() == f"{DEMO_COUNT + 1} patients"
    assert not window.session.check_for_changes()  # once
