"""Help → Clinical rules (the rules rendered from Markdown by Qt, with find), where the rules file is found in a
checkout and in the frozen app, About's versions, and the clinical parameters dialog (every list parameter,
groups that fit a 1366×768 screen, problems shown and OK disabled while invalid)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextTable
from PySide6.QtWidgets import QDialogButtonBox, QGroupBox

from desktop import APP_NAME, CONTRACT_VERSION, RULES_VERSION, __version__
from desktop.clinical.parameters import DEFAULT_PARAMETERS, LIST_PARAMETERS, PARAMETER_NAMES
from desktop.resources import clinical_rules_path, docs_dir
from desktop.ui import dialogs
from desktop.ui.parameters_dialog import ListEdit, ParametersDialog
from desktop.ui.rules_window import RulesWindow

ROOT = Path(__file__).resolve().parents[2]


def test_help_clinical_rules_opens_the_rules_rendered_in_a_window_of_their_own(qtbot, window):
    help_menu = next(m for m in (a.menu() for a in window.menuBar().actions()) if m and m.title() == "&Help")
    assert window.rules_action in help_menu.actions()
    window.rules_action.trigger()
    rules = window.findChild(RulesWindow)
    assert rules is not None and rules.isVisible() and rules.isWindow()
    assert rules.windowModality() == Qt.WindowModality.NonModal and window.isEnabled()
    text = rules.browser.toPlainText()
    assert text.startswith(f"VenTrack clinical rules (version {RULES_VERSION})")
    assert "## " not in text and "| --- |" not in text and "`" not in text  # Markdown rendered, not shown
    tables = [f for f in rules.browser.document().rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 2  # §1 parameters and §7 alerts
    assert tables[0].cellAt(0, 0).firstCursorPosition().block().text() == "name"
    assert tables[0].format().border() >= 1 and tables[0].rows() > 20
    assert rules.browser.verticalScrollBar().value() == 0  # opens at the top
    window.rules_action.trigger()  # asking again brings the same window to the front
    assert window.findChildren(RulesWindow) == [rules]


def test_the_rules_window_finds_text(qtbot):
    rules = RulesWindow()
    qtbot.addWidget(rules)
    with qtbot.waitActive(rules):
        rules.show()
        rules.activateWindow()
    rules.browser.setFocus()
    qtbot.keyClick(rules.browser, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert rules.find_edit.hasFocus()
    qtbot.keyClicks(rules.find_edit, "posaconazole")
    assert rules.browser.textCursor().selectedText() == "posaconazole"
    first = rules.browser.textCursor().selectionStart()
    count = int(rules.matches.text().split()[0])
    assert count >= 3 and len(rules.browser.extraSelections()) == count
    qtbot.keyClick(rules.find_edit, Qt.Key.Key_Return)
    assert rules.browser.textCursor().selectionStart() > first
    for _ in range(count - 1):
        rules.find_next()
    assert rules.browser.textCursor().selectionStart() == first  # wraps round
    rules.find_edit.setText("no such rule xyz")
    assert rules.matches.text() == "not found" and not rules.find_next()


def test_a_missing_rules_file_is_said_in_the_window(qtbot, tmp_path):
    rules = RulesWindow(path=tmp_path / "missing.md")
    qtbot.addWidget(rules)
    assert not rules.loaded
    assert "Clinical rules not found" in rules.browser.toPlainText()
    assert str(tmp_path / "missing.md") in rules.browser.toPlainText()


def test_the_rules_are_found_in_a_checkout_and_in_the_frozen_bundle(monkeypatch, tmp_path):
    assert clinical_rules_path() == ROOT / "docs" / "clinical-rules.md" and clinical_rules_path().is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert docs_dir() == tmp_path / "docs"
    assert clinical_rules_path() == tmp_path / "docs" / "clinical-rules.md"


def test_the_frozen_app_bundles_the_rules_and_the_contract_where_resources_look():
    spec = (ROOT / "packaging" / "ventrack.spec").read_text(encoding="utf-8")
    datas = re.search(r"datas=\[(.*?)\],\n", spec, re.S)
    assert datas is not None
    for name in ("clinical-rules.md", "contract.md"):
        assert f'(str(ROOT / "docs" / "{name}"), "docs")' in datas.group(1)
        assert (ROOT / "docs" / name).is_file()


def test_about_names_the_rules_and_contract_versions(window):
    box = dialogs.about(window, window.session)
    try:
        assert f"{APP_NAME} {__version__}" in box.text()
        assert f"Clinical rules version {RULES_VERSION}, contract version {CONTRACT_VERSION}." in box.text()
        assert "Help → Clinical rules shows the rules." in box.text()
        assert "Decision support, not a decision" in box.text()
    finally:
        box.close()


@pytest.fixture
def parameters(qtbot):
    dialog = ParametersDialog(DEFAULT_PARAMETERS)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def ok(dialog: ParametersDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_every_parameter_is_in_a_group_and_every_list_is_comma_separated(parameters):
    assert set(parameters.fields) == set(PARAMETER_NAMES)
    titles = [box.title() for box in parameters.findChildren(QGroupBox)]
    assert titles == ["MRD and eligibility", "Schedule and alerts", "Venetoclax dose (§8)"]
    assert parameters.lists == set(LIST_PARAMETERS)
    for name in LIST_PARAMETERS:
        field = parameters.fields[name]
        assert isinstance(field, ListEdit)
        assert field.text() == ", ".join(getattr(DEFAULT_PARAMETERS, name))
    assert ok(parameters).isEnabled() and parameters.result_params == DEFAULT_PARAMETERS


def test_a_drug_list_edit_is_kept_in_the_new_parameters(qtbot, parameters):
    field = parameters.fields["moderate_cyp3a_inhibitors"]
    field.setFocus()
    field.moveCursor(field.textCursor().MoveOperation.End)
    qtbot.keyClicks(field, ", Grapefruit Juice")
    assert ok(parameters).isEnabled()
    assert parameters.result_params.moderate_cyp3a_inhibitors[-1] == "grapefruit juice"
    parameters.fields["pgp_inhibitors"].setText("amiodarone\ncarvedilol")  # one per line works too
    assert parameters.result_params.pgp_inhibitors == ("amiodarone", "carvedilol")


def test_an_invalid_value_is_shown_with_its_field_and_ok_stays_disabled(qtbot, parameters):
    parameters.fields["strong_cyp3a_inhibitors"].setText("posaconazole, vori*conazole")
    assert not ok(parameters).isEnabled() and parameters.result_params is None
    problem = "Strong CYP3A inhibitors (strong_cyp3a_inhibitors): not generic drug names: ['vori*conazole']"
    assert parameters.error.isVisible() and parameters.error.text() == problem
    assert "border" in parameters.fields["strong_cyp3a_inhibitors"].styleSheet()
    parameters.fields["min_cycles"].setText("eight")
    assert parameters.error.text().splitlines() == [
        "Minimum cycles (min_cycles): expected a number, found 'eight'",
        problem,
    ]
    parameters.fields["strong_cyp3a_inhibitors"].setText("posaconazole, voriconazole")
    assert not ok(parameters).isEnabled() and "strong_cyp3a" not in parameters.error.text()
    assert parameters.fields["strong_cyp3a_inhibitors"].styleSheet() == ""
    parameters.fields["min_cycles"].setText("6")
    assert ok(parameters).isEnabled() and parameters.error.text() == ""
    assert parameters.result_params.min_cycles == 6
    parameters.restore_defaults()
    assert parameters.result_params == DEFAULT_PARAMETERS


def test_the_dialog_fits_a_1366_by_768_screen(parameters):
    content = parameters.scroller.widget().sizeHint()
    chrome = parameters.sizeHint().height() - parameters.scroller.sizeHint().height()
    assert content.width() + 40 <= 1366 and content.height() + chrome <= 768 - 60  # title bar and task bar
    screen = parameters.screen().availableGeometry()
    assert parameters.width() <= screen.width() and parameters.height() <= screen.height()


def test_every_name_of_a_list_is_in_view_without_scrolling(qtbot, parameters):
    parameters.resize(1300, 700)  # a 1366-pixel-wide screen
    qtbot.waitUntil(lambda: parameters.fields["pgp_inhibitors"].width() > 250)
    for name in LIST_PARAMETERS:
        field = parameters.fields[name]
        assert field.verticalScrollBar().maximum() == 0, name
    field = parameters.fields["high_risk_genes"]
    before = field.height()
    field.setText(", ".join(f"GENE{n}" for n in range(40)))  # a longer list: the field grows
    assert field.height() > before
