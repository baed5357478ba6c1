"""The patient list model and proxy: rows from summaries and evaluations, sort, filter, in-place updates."""

from __future__ import annotations

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt

from desktop.clinical.evaluation import evaluate_patient
from desktop.clinical.parameters import DEFAULT_PARAMETERS
from desktop.store import PatientSummary
from desktop.ui.patient_list import COLUMNS, PATIENT_ID_ROLE, PatientFilterProxy, PatientTableModel, build_row
from tests.ui.conftest import TODAY


def rows_of(patients, evaluated=True):
    return [
        build_row(PatientSummary.of(p), evaluate_patient(p, TODAY) if evaluated else None, DEFAULT_PARAMETERS)
        for p in patients
    ]


def test_rows_carry_the_evaluation_in_words(demo_patients):
    patient = demo_patients[0]
    evaluation = evaluate_patient(patient, TODAY)
    row = build_row(PatientSummary.of(patient), evaluation, DEFAULT_PARAMETERS)
    assert row.texts[0] == patient.patient_id and row.texts[COLUMNS.index("Cycles")] == str(len(patient.cycles))
    assert row.eligible == (evaluation.eligibility.status == "eligible")
    assert row.on_therapy == (evaluation.state.state == "on_therapy")
    pending = [i for i in evaluation.schedule if i.status != "done" and i.current_course]
    if pending:
        assert min(i.due_date for i in pending).isoformat() in row.texts[COLUMNS.index("Next MRD due")]
    unevaluated = build_row(PatientSummary.of(patient), None, DEFAULT_PARAMETERS)
    assert unevaluated.texts[COLUMNS.index("Eligibility")] == "…" and not unevaluated.eligible


def test_sort_keeps_the_selection_on_the_same_patient(qtbot, demo_patients):
    model = PatientTableModel()
    model.reset_rows(rows_of(demo_patients[:20]))
    chosen = model.rows[3].patient_id
    persistent = model.index(3, 0)
    from PySide6.QtCore import QPersistentModelIndex

    keep = QPersistentModelIndex(persistent)
    model.sort(COLUMNS.index("Cycles"), Qt.SortOrder.DescendingOrder)
    cycles = [r.keys[COLUMNS.index("Cycles")] for r in model.rows]
    assert cycles == sorted(cycles, reverse=True)
    assert model.rows[keep.row()].patient_id == chosen


def test_upsert_and_remove_change_one_row(qtbot, demo_patients):
    model = PatientTableModel()
    rows = rows_of(demo_patients[:10])
    model.reset_rows(rows[:9])
    model.upsert(rows[9])
    assert model.rowCount() == 10 and model.row_of(rows[9].patient_id) is not None
    model.remove(rows[0].patient_id)
    assert model.rowCount() == 9 and model.row_of(rows[0].patient_id) is None
    assert all(model.row_of(r.patient_id) == n for n, r in enumerate(model.rows))


def test_filter_text_matches_id_name_or_regimen_in_any_case(qtbot, demo_patients):
    model = PatientTableModel()
    model.reset_rows(rows_of(demo_patients))
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    named = next(p for p in demo_patients if p.name)
    surname = named.name.split(",")[0]
    proxy.set_text(surname.upper())
    shown = {proxy.index(r, 0).data() for r in range(proxy.rowCount())}
    assert named.patient_id in shown
    assert shown == {p.patient_id for p in demo_patients if surname.casefold() in (p.name or "").casefold()}
    proxy.set_text("VEN-LDAC")
    assert {proxy.index(r, 0).data() for r in range(proxy.rowCount())} == {
        p.patient_id for p in demo_patients if p.cycles and max(p.cycles, key=lambda c: c.number).regimen == "VEN-LDAC"
    }
    proxy.set_text("")
    proxy.set_chips(["critical"])
    critical = {p.patient_id for p in demo_patients
                if any(a.severity == "critical" for a in evaluate_patient(p, TODAY).alerts)}  # fmt: skip
    assert {proxy.index(r, 0).data() for r in range(proxy.rowCount())} == critical


def test_one_multi_data_call_gives_what_data_gives_for_every_role(qtbot, demo_patients):
    model = PatientTableModel()
    model.reset_rows(rows_of(demo_patients[:40]))
    proxy = PatientFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("aza")  # a filtered proxy: its rows are not the source's
    assert 0 < proxy.rowCount() < model.rowCount()
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole,
             Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole, PATIENT_ID_ROLE]  # fmt: skip
    coloured = 0
    for row in range(proxy.rowCount()):
        for column in range(len(COLUMNS)):
            index = proxy.index(row, column)
            for role in roles:
                role_data = QModelRoleData(role)
                proxy.multiData(index, QModelRoleDataSpan(role_data))
                assert role_data.data() == proxy.data(index, role), (row, column, role)
            coloured += proxy.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    assert coloured  # the comparison covered brushes, not only empty values


def _coloured_pixels(image, rect):
    """Pixels of a cell that are clearly coloured (not the grey of text, grid and alternate rows)."""
    count = 0
    for x in range(rect.left() + 2, rect.right() - 1):
        for y in range(rect.top() + 2, rect.bottom() - 1):
            colour = image.pixelColor(x, y)
            count += (
                max(colour.red(), colour.green(), colour.blue()) - min(colour.red(), colour.green(), colour.blue()) > 60
            )
    return count


def test_a_cell_without_a_colour_is_painted_in_the_text_colour_after_coloured_ones(qtbot, demo_patients):
    """The view hands each cell's role values to the model in one call: a cell with no colour of its own
    must not keep the colour of the cell painted before it."""
    from desktop.ui.patient_browser import PatientBrowser

    browser = PatientBrowser()
    qtbot.addWidget(browser)
    browser.resize(900, 600)
    browser.model.reset_rows(rows_of(demo_patients[:30]))
    browser.show()
    qtbot.waitExposed(browser)
    image = browser.table.viewport().grab().toImage()
    eligibility = COLUMNS.index("Eligibility")
    rows = range(browser.proxy.rowCount())
    cells = [
        (
            browser.table.visualRect(browser.proxy.index(r, 0)),
            browser.table.visualRect(browser.proxy.index(r, eligibility)),
        )
        for r in rows
    ]
    cells = [
        (id_rect, status_rect)
        for id_rect, status_rect in cells
        if id_rect.isValid() and id_rect.bottom() < image.height()
    ]
    assert len(cells) >= 10
    assert sum(_coloured_pixels(image, status) for _, status in cells) > 0  # eligibility is coloured
    assert [_coloured_pixels(image, id_rect) for id_rect, _ in cells] == [0] * len(cells)  # patient ids never


def test_first_start_shows_the_compact_columns_in_full_and_remembers_a_choice(qtbot, tmp_path, demo_patients, settings):
    from desktop.store import Registry
    from desktop.ui.patient_browser import COMPACT_COLUMNS
    from tests.ui.conftest import open_window

    path = tmp_path / "columns.sqlite"
    with Registry.open(path, create=True) as registry:
        registry.import_patients(demo_patients[:20], source="demo")
    window = open_window(qtbot, Registry.open(path), settings)
    browser = window.browser
    assert browser.visible_columns() == [c for c in COLUMNS if c in COMPACT_COLUMNS]
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == browser.columns_width())  # every compact column in full
    assert window.splitter.sizes()[1] >= 480  # and room left for the charts
    browser.set_visible_columns([*COMPACT_COLUMNS, "State"])
    window.close()
    again = open_window(qtbot, Registry.open(path), settings)
    assert again.browser.visible_columns() == [c for c in COLUMNS if c in (*COMPACT_COLUMNS, "State")]
    again.close()
