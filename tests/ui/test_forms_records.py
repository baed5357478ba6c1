"""RecordDialog (desktop.ui.forms): defaults, exact records, messages beside the field, edit mode, keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from desktop.domain import (
    RECORD_KINDS,
    AdverseEvent,
    BloodCount,
    CoMutation,
    Cycle,
    Event,
    MrdSample,
    Patient,
    Response,
    validate_patient,
)
from desktop.ui.forms import RecordDialog
from tests.builders import D0, day, make_patient, patient_dict
from tests.ui.conftest import TODAY


@pytest.fixture
def patient():
    return make_patient("P1", cycles=3)


def with_cycles(cycles: list[dict]) -> Patient:
    data = patient_dict("P1")
    data["cycles"] = cycles
    return validate_patient(data, TODAY)


def open_dialog(qtbot, kind, patient, record=None, show=False) -> RecordDialog:
    dialog = RecordDialog(kind, patient, record, today=TODAY)
    qtbot.addWidget(dialog)
    if show:
        dialog.show()
        dialog.activateWindow()
        qtbot.waitActive(dialog)
    return dialog


def type_into(qtbot, dialog, name, text):
    """Replace a field's text by typing, as a user would."""
    field = dialog.fields[name]
    field.line.selectAll()
    qtbot.keyClicks(field.line, text)


def message(dialog, name) -> str:
    label = dialog.fields[name].error
    return label.text() if label.isVisibleTo(dialog) else ""


# ---- defaults -----------------------------------------------------------------------------------------


def test_a_new_cycle_follows_the_last_one(qtbot):
    cycles = [
        {"number": 1, "start_date": day(6), "regimen": "VEN-AZA", "venetoclax_dose_mg": 400.0,
         "venetoclax_days": 28, "hma_days": 7},
        {"number": 2, "start_date": day(40), "regimen": "VEN-DEC", "venetoclax_dose_mg": 100.0,
         "venetoclax_days": 14, "hma_days": 5},
    ]  # fmt: skip
    dialog = open_dialog(qtbot, "cycles", with_cycles(cycles))
    values = {name: field.read()[0] for name, field in dialog.fields.items()}
    assert values == {"number": 3, "start_date": day(40 + 28), "regimen": "VEN-DEC", "venetoclax_dose_mg": 100.0,
                      "venetoclax_days": 14, "hma_days": 5}  # fmt: skip
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.record() == Cycle(number=3, start_date=day(68), regimen="VEN-DEC", venetoclax_dose_mg=100.0,
                                    venetoclax_days=14, hma_days=5)  # fmt: skip


def test_the_first_cycle_starts_today_with_the_standard_regimen(qtbot):
    dialog = open_dialog(qtbot, "cycles", make_patient("P1", cycles=0))
    assert dialog.record() == Cycle(number=1, start_date=TODAY, regimen="VEN-AZA", venetoclax_dose_mg=400.0,
                                    venetoclax_days=28, hma_days=7)  # fmt: skip


def test_a_next_cycle_is_never_dated_in_the_future(qtbot):
    recent = with_cycles([{"number": 1, "start_date": TODAY - dt.timedelta(days=10), "regimen": "VEN-AZA"}])
    dialog = open_dialog(qtbot, "cycles", recent)
    assert dialog.fields["start_date"].read()[0] == TODAY
    assert dialog.fields["number"].read()[0] == 2
    assert dialog.fields["venetoclax_dose_mg"].line.text() == ""  # not recorded in cycle 1: not invented


def test_new_mrd_sample_is_dated_today_with_the_last_specimen(qtbot):
    mrd = [{"date": day(62), "specimen": "BM", "npm1_copies": 12.0, "abl1_copies": 84000.0},
           {"date": day(90), "specimen": "PB", "npm1_copies": 0.0, "abl1_copies": 50000.0}]  # fmt: skip
    dialog = open_dialog(qtbot, "mrd", make_patient("P1", mrd=mrd))
    assert dialog.fields["date"].read()[0] == TODAY
    assert dialog.fields["specimen"].read()[0] == "PB"
    assert not dialog.ok_button.isEnabled()


@pytest.mark.parametrize("kind", [k for k in RECORD_KINDS if k not in ("cycles", "co_mutations")])
def test_dated_records_start_today_and_ask_before_shouting(qtbot, patient, kind):
    dialog = open_dialog(qtbot, kind, patient)
    assert dialog.fields["start_date" if kind == "medications" else "date"].read()[0] == TODAY
    assert not dialog.ok_button.isEnabled()  # something required is still empty
    assert all(message(dialog, name) == "" for name in dialog.fields)  # nothing typed yet: no red messages
    assert dialog.summary.text().startswith("To fill in:")


def test_a_choice_is_never_made_for_the_clinician(qtbot, patient):
    for kind, name in (("responses", "category"), ("events", "type"), ("adverse_events", "grade")):
        dialog = open_dialog(qtbot, kind, patient)
        assert dialog.fields[name].combo.currentIndex() == -1


# ---- valid entries return exact records ----------------------------------------------------------------


def test_a_blood_count_with_optional_fields_left_empty(qtbot, patient):
    dialog = open_dialog(qtbot, "counts", patient)
    type_into(qtbot, dialog, "anc", "0.4")
    type_into(qtbot, dialog, "platelets", "35")
    type_into(qtbot, dialog, "hemoglobin", "8,1")  # a decimal comma is read as a decimal mark
    dialog.ok_button.click()
    assert dialog.record() == BloodCount(date=TODAY, anc=0.4, platelets=35.0, hemoglobin=8.1)
    assert dialog.record().wbc is None and dialog.record().blasts_pct is None


def test_each_kind_returns_its_record(qtbot, patient):
    entries = {
        "co_mutations": ({"gene": "tp53", "vaf": "0.12"}, CoMutation(gene="TP53", vaf=0.12)),
        "mrd": ({"npm1_copies": "12", "abl1_copies": "84000"},
                MrdSample(date=TODAY, specimen="BM", npm1_copies=12.0, abl1_copies=84000.0)),
        "adverse_events": ({"term": "Sepsis"}, AdverseEvent(date=TODAY, term="Sepsis", grade=3)),
    }  # fmt: skip
    for kind, (texts, expected) in entries.items():
        dialog = open_dialog(qtbot, kind, patient)
        for name, text in texts.items():
            type_into(qtbot, dialog, name, text)
        if kind == "adverse_events":
            dialog.fields["grade"].write(3)
        dialog.ok_button.click()
        assert dialog.result() == QDialog.DialogCode.Accepted, kind
        assert dialog.record() == expected
    response = open_dialog(qtbot, "responses", patient)
    response.fields["category"].write("CRi")
    assert response.record() == Response(date=TODAY, category="CRi")
    event = open_dialog(qtbot, "events", patient)
    event.fields["type"].write("discontinuation")
    assert event.record() == Event(date=TODAY, type="discontinuation")


def test_a_regimen_outside_the_list_is_kept_as_typed(qtbot, patient):
    dialog = open_dialog(qtbot, "cycles", patient)
    type_into(qtbot, dialog, "regimen", "VEN-AZA + gilteritinib")
    assert dialog.record().regimen == "VEN-AZA + gilteritinib"


# ---- invalid entries: message beside the field, OK disabled ---------------------------------------------


def test_anc_out_of_range_is_named_beside_anc_with_its_unit(qtbot, patient):
    dialog = open_dialog(qtbot, "counts", patient)
    type_into(qtbot, dialog, "anc", "150")
    type_into(qtbot, dialog, "platelets", "35")
    type_into(qtbot, dialog, "hemoglobin", "1")
    assert message(dialog, "anc") == "ANC must be between 0 and 100 ×10⁹/L"
    assert message(dialog, "hemoglobin") == "Hemoglobin must be between 2 and 25 g/dL"
    assert message(dialog, "platelets") == ""
    assert not dialog.ok_button.isEnabled()
    assert "ANC" in dialog.summary.text() and "Hemoglobin" in dialog.summary.text()
    type_into(qtbot, dialog, "anc", "1.5")
    type_into(qtbot, dialog, "hemoglobin", "9")
    assert message(dialog, "anc") == "" and dialog.ok_button.isEnabled()


def test_a_dose_limit_says_which_bound_is_excluded(qtbot, patient):
    dialog = open_dialog(qtbot, "cycles", patient)
    type_into(qtbot, dialog, "venetoclax_dose_mg", "0")
    assert message(dialog, "venetoclax_dose_mg") == "Venetoclax dose must be more than 0 and at most 1,200 mg/day"
    type_into(qtbot, dialog, "venetoclax_days", "35")
    assert message(dialog, "venetoclax_days") == "Venetoclax days must be between 0 and 28 days"


def test_a_date_before_the_diagnosis_is_flagged_on_the_date(qtbot, patient):
    dialog = open_dialog(qtbot, "mrd", patient)
    type_into(qtbot, dialog, "npm1_copies", "0")
    type_into(qtbot, dialog, "abl1_copies", "50000")
    assert dialog.ok_button.isEnabled()
    dialog.fields["date"].write(D0 - dt.timedelta(days=3))
    assert message(dialog, "date") == f"Date: {D0 - dt.timedelta(days=3)} is before the diagnosis date {D0}"
    assert not dialog.ok_button.isEnabled()


def test_a_date_problem_shows_while_another_field_is_wrong(qtbot, patient):
    dialog = open_dialog(qtbot, "mrd", patient)
    dialog.fields["date"].write(D0 - dt.timedelta(days=1))
    type_into(qtbot, dialog, "npm1_copies", "-3")
    type_into(qtbot, dialog, "abl1_copies", "50000")
    assert message(dialog, "npm1_copies") == "NPM1 copies must be at least 0 copies"
    assert "before the diagnosis date" in message(dialog, "date")
    assert dialog.summary.text() == "2 problems to fix before saving (Date, NPM1 copies)."


def test_a_future_date_is_flagged_on_the_start_date(qtbot, patient):
    dialog = open_dialog(qtbot, "cycles", patient)
    future = TODAY + dt.timedelta(days=1)
    dialog.fields["start_date"].write(future)
    assert message(dialog, "start_date") == f"Start date: {future} is in the future (today is {TODAY})"
    assert not dialog.ok_button.isEnabled()


def test_a_duplicate_cycle_number_is_flagged_on_the_number(qtbot, patient):
    dialog = open_dialog(qtbot, "cycles", patient)
    type_into(qtbot, dialog, "number", "2")
    started = patient.cycles[1].start_date
    assert message(dialog, "number") == f"Cycle 2 is already recorded (started {started}); the next free number is 4"
    assert not dialog.ok_button.isEnabled()


def test_a_thousands_separator_is_not_read_as_a_decimal_comma(qtbot, patient):
    dialog = open_dialog(qtbot, "mrd", patient)
    type_into(qtbot, dialog, "npm1_copies", "0")
    type_into(qtbot, dialog, "abl1_copies", "84,000")
    assert message(dialog, "abl1_copies") == "ABL1 copies: write 84000 or 84.000 (no thousands separator)"
    assert not dialog.ok_button.isEnabled()
    type_into(qtbot, dialog, "abl1_copies", "84000")
    assert dialog.record().abl1_copies == 84000.0


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_no_text_is_clipped(qtbot, patient, kind):
    dialog = open_dialog(qtbot, kind, patient, show=True)
    dialog.touched.update(dialog.fields)
    dialog.revalidate()  # every "required" message showing: the widest the form gets
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), label.text()


def test_a_lower_case_gene_is_upper_cased_as_typed(qtbot, patient):
    dialog = open_dialog(qtbot, "co_mutations", patient)
    type_into(qtbot, dialog, "gene", "flt3-itd")
    assert dialog.fields["gene"].line.text() == "FLT3-ITD"
    type_into(qtbot, dialog, "gene", "FLT3 ITD")
    assert message(dialog, "gene") == "Gene: use upper-case letters, digits and '-' only (e.g. FLT3-ITD)"


def test_a_cleared_required_field_says_it_is_required(qtbot, patient):
    dialog = open_dialog(qtbot, "cycles", patient)
    type_into(qtbot, dialog, "regimen", "")
    dialog.fields["regimen"].line.clear()
    assert message(dialog, "regimen") == "Regimen is required"


# ---- MRD: live ratio and adequacy ---------------------------------------------------------------------


def test_mrd_ratio_is_shown_live_and_low_abl1_warns_without_blocking(qtbot, patient):
    dialog = open_dialog(qtbot, "mrd", patient)
    type_into(qtbot, dialog, "npm1_copies", "12")
    type_into(qtbot, dialog, "abl1_copies", "84000")
    assert dialog.preview.ratio.text().startswith("<b>0.0143 %</b> · low-level positive")
    assert "log below the baseline (250 %)" in dialog.preview.ratio.text()
    assert dialog.preview.warning.isHidden()
    type_into(qtbot, dialog, "npm1_copies", "0")
    type_into(qtbot, dialog, "abl1_copies", "8500")
    assert dialog.preview.ratio.text() == "<b>NPM1 not detected</b> · inadequate"
    warning = dialog.preview.warning
    assert not warning.isHidden() and "below the adequacy threshold of 10,000" in warning.text()
    assert dialog.ok_button.isEnabled()  # a warning, not an error
    dialog.ok_button.click()
    assert dialog.record() == MrdSample(date=TODAY, specimen="BM", npm1_copies=0.0, abl1_copies=8500.0)


def test_a_message_that_wraps_grows_the_open_dialog_instead_of_covering_the_next_field(qtbot, patient):
    dialog = open_dialog(qtbot, "cycles", patient)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_into(qtbot, dialog, "number", "1")  # "Cycle 1 is already recorded (started …); the next free number is …"
    error = dialog.fields["number"].error
    assert error.heightForWidth(error.width()) > error.fontMetrics().height() * 1.5  # it wraps
    qtbot.wait(10)
    below = dialog.fields["start_date"].widget
    assert error.mapTo(dialog, error.rect().bottomLeft()).y() <= below.mapTo(dialog, below.rect().topLeft()).y()
    assert error.height() >= error.heightForWidth(error.width())


# ---- edit mode ------------------------------------------------------------------------------------------


def test_edit_mode_is_prefilled_and_replaces_the_record(qtbot, patient):
    original = patient.cycles[1]
    dialog = open_dialog(qtbot, "cycles", patient, original)
    assert dialog.windowTitle() == "Edit cycle — P1" and dialog.ok_button.text() == "Save"
    assert {n: f.read()[0] for n, f in dialog.fields.items()} == original.model_dump()
    assert dialog.ok_button.isEnabled()  # its own number is not a duplicate of itself
    type_into(qtbot, dialog, "venetoclax_dose_mg", "200")
    dialog.ok_button.click()
    assert dialog.record() == original.model_copy(update={"venetoclax_dose_mg": 200.0})


def test_edit_mode_still_refuses_the_number_of_another_cycle(qtbot, patient):
    dialog = open_dialog(qtbot, "cycles", patient, patient.cycles[1])
    type_into(qtbot, dialog, "number", "1")
    assert message(dialog, "number").startswith("Cycle 1 is already recorded")


def test_editing_an_optional_value_to_empty_gives_none(qtbot, patient):
    count = patient.counts[0]
    assert count.wbc is not None
    dialog = open_dialog(qtbot, "counts", patient, count)
    dialog.fields["wbc"].line.clear()
    dialog.ok_button.click()
    assert dialog.record() == count.model_copy(update={"wbc": None})


def test_every_kind_opens_in_edit_mode_valid_and_unchanged(qtbot):
    full = make_patient("P1", events=[{"date": day(400), "type": "discontinuation"}],
                        medications=[{"name": "posaconazole", "start_date": day(6), "end_date": day(60)}])  # fmt: skip
    for kind in RECORD_KINDS:
        record = getattr(full, kind)[0]
        dialog = open_dialog(qtbot, kind, full, record)
        assert dialog.valid, (kind, dialog.problems)
        assert dialog.record() == record


# ---- keyboard -------------------------------------------------------------------------------------------


def test_typing_a_count_and_enter_accepts(qtbot, patient):
    dialog = open_dialog(qtbot, "counts", patient, show=True)
    assert dialog.focusWidget() is dialog.fields["date"].editor
    for text in ("0.4", "35", "8.1"):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.focusWidget(), text)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.record() == BloodCount(date=TODAY, anc=0.4, platelets=35.0, hemoglobin=8.1)


@pytest.mark.parametrize("typed", ["2025-03-04", "20250304", "2025-3-4"])
def test_typing_a_date_in_the_date_field(qtbot, patient, typed):
    dialog = open_dialog(qtbot, "events", patient, show=True)
    qtbot.keyClicks(dialog.fields["date"].editor, typed)
    qtbot.keyClick(dialog.fields["date"].editor, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "d")  # a closed list jumps to the first match
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Enter)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.record() == Event(date=dt.date(2025, 3, 4), type="discontinuation")


def test_enter_in_an_editable_list_accepts(qtbot, patient):
    dialog = open_dialog(qtbot, "co_mutations", patient, show=True)
    assert dialog.focusWidget() in (dialog.fields["gene"].editor, dialog.fields["gene"].line)
    qtbot.keyClicks(dialog.fields["gene"].line, "npm1")
    qtbot.keyClick(dialog.fields["gene"].line, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.record() == CoMutation(gene="NPM1")


def test_enter_on_an_invalid_entry_goes_to_the_first_problem(qtbot, patient):
    dialog = open_dialog(qtbot, "counts", patient, show=True)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.focusWidget() is dialog.fields["anc"].editor
    assert message(dialog, "anc") == "ANC is required"


def test_escape_cancels(qtbot, patient):
    dialog = open_dialog(qtbot, "counts", patient, show=True)
    type_into(qtbot, dialog, "anc", "0.4")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_every_label_has_a_mnemonic_and_a_buddy(qtbot, patient, kind):
    dialog = open_dialog(qtbot, kind, patient)
    keys = []
    for field in dialog.fields.values():
        label = dialog.form.labelForField(field.widget)
        assert "&" in label.text() and label.buddy() is field.focus_chain()[0]
        keys.append(label.text()[label.text().index("&") + 1].lower())
    assert len(keys) == len(set(keys)), keys
