"""The main window: patient list | patient view, eligibility dock, alerts dock, menus, toolbar, status bar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QProgressBar, QSplitter

from desktop import APP_NAME
from desktop.clinical.evaluation import PatientEvaluation
from desktop.store import PatientSummary, RegistryError, StoredPatient
from desktop.ui import dialogs, encryption_ui
from desktop.ui.alerts_view import AlertsPanel
from desktop.ui.editing import Editing
from desktop.ui.eligibility_panel import EligibilityPanel
from desktop.ui.findings import FindingMemory
from desktop.ui.notice import Notice
from desktop.ui.outcomes_view import show_outcomes
from desktop.ui.patient_browser import COMPACT_COLUMNS, PatientBrowser
from desktop.ui.patient_list import build_row
from desktop.ui.patient_view import PatientView
from desktop.ui.recent_registries import RecentRegistries
from desktop.ui.reports import summary_action
from desktop.ui.rules_window import show_rules
from desktop.ui.session import RegistrySession
from desktop.ui.transfer import Transfers
from desktop.ui.window_size import PANEL_WIDTH, default_window_size
from desktop.ui.workers import Progress, run_reported

#: What an action's shortcut may be given as.
Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class MainWindow(QMainWindow):
    """The window on one open registry (File → Open switches registries in place)."""

    def __init__(self, session: RegistrySession, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.session: RegistrySession = session
        self.summaries: dict[str, PatientSummary] = {}
        self.loaded = False
        self.findings = FindingMemory()
        self.week_summary_shown = False

        self.browser = PatientBrowser()
        self.view = PatientView()
        self.notice = Notice(self.view.tabs, below=self.view.tabs.tabBar())  # over the charts of its patient
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.view)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.setCentralWidget(self.splitter)
        self.panel = EligibilityPanel()
        self.alerts = AlertsPanel()
        self.panel_dock = self._dock("Discontinuation eligibility (TFR)", "eligibility_dock", self.panel)
        self.alerts_dock = self._dock("Alerts (all patients)", "alerts_dock", self.alerts)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.alerts_dock)

        self.status_path = QLabel()
        self.status_count = QLabel()
        self.status_schema = QLabel()
        self.status_progress = QProgressBar()
        self.status_progress.setMaximumWidth(180)
        self.status_progress.setFormat("evaluating %p%")
        self.status_progress.hide()
        for widget in (self.status_path, self.status_count, self.status_schema):
            self.statusBar().addPermanentWidget(widget)
        self.statusBar().addPermanentWidget(self.status_progress)

        self.undo_group = QUndoGroup(self)  # Edit → Undo / Redo follow the open registry's stack
        self.editing = Editing(self, self)
        self.transfers = Transfers(self, self)
        self._build_actions()
        self.browser.patient_selected.connect(self.show_patient)
        self.alerts.open_patient.connect(self.open_patient)
        self.panel.as_of_requested.connect(lambda date: self.session.set_as_of(date))
        self.view.records.add_requested.connect(self.editing.add_record)
        self.view.records.edit_requested.connect(self.editing.edit_record)
        self.view.records.delete_requested.connect(self.editing.delete_record)
        self.resize(default_window_size(self.screen().availableGeometry().size()))
        self._restore_state()
        self.attach(session)

    # ---- the registry ------------------------------------------------------------------------------

    def attach(self, session: RegistrySession) -> None:
        """Show a (newly) opened registry: list first, evaluation in the background."""
        self.session = session
        session.patient_changed.connect(self._patient_changed)
        session.patient_removed.connect(self._patient_removed)
        session.patient_renamed.connect(self._patient_renamed)
        session.evaluations_ready.connect(self._evaluations_ready)
        session.evaluation_progress.connect(self._evaluation_progress)
        session.failed.connect(lambda message: QMessageBox.warning(self, APP_NAME, message))
        session.as_of_changed.connect(self._as_of_changed)
        session.changed_elsewhere.connect(self._changed_elsewhere)
        self.undo_group.addStack(session.undo_stack)  # the old session's stack leaves the group with it
        self.undo_group.setActiveStack(session.undo_stack)
        self.setWindowTitle(f"{APP_NAME} — {session.path.name}")
        self.panel.set_as_of(session.as_of)
        self.status_path.setText(str(session.path))
        self.status_schema.setText(f"schema v{session.registry.schema_version}")
        self.view.show_patient(None, None)
        self.panel.show_evaluation(None)
        self.loaded = False
        self.reload()
        self.recent.remember(session.path)

    def reload(self) -> None:
        """Re-read the patient list and re-evaluate everyone (after opening or an import)."""
        self.summaries = {s.patient_id: s for s in self.session.summaries()}
        self._rebuild_rows()
        self.session.evaluate_all()
        self.loaded = True

    def _changed_elsewhere(self) -> None:
        """Another program wrote to the registry: show its data (undo history no longer applies)."""
        self.session.clear_history()
        self.reload()
        self.statusBar().showMessage("The registry was changed by another program: the list was reloaded.", 10000)

    def switch_registry(self, path: Path, *, create: bool = False) -> bool:
        """Close the current registry and open another; on failure keep the current one and say why."""
        try:
            registry = encryption_ui.open_registry(self, path, create=create)  # asks an encrypted one's passphrase
        except RegistryError as error:
            QMessageBox.critical(self, APP_NAME, f"Cannot open {path}:\n{error}")
            return False
        if registry is None:
            return False
        old = self.session
        old.close()
        old.deleteLater()
        self.attach(RegistrySession(registry))
        return True

    # ---- showing patients --------------------------------------------------------------------------

    def show_patient(self, patient_id: str) -> None:
        """Load, evaluate and show one patient (the list's current row)."""
        if not patient_id:
            self.view.show_patient(None, None)
            self.panel.show_evaluation(None)
            return
        stored = self.session.load(patient_id)
        self._display(stored, self.session.evaluate(stored.patient), previous=None)

    def _display(
        self, stored: StoredPatient, evaluation: PatientEvaluation, previous: PatientEvaluation | None
    ) -> None:
        """Show a loaded, evaluated patient in the view and the panel, laid out for one paint, then tell of any
        new finding (against `previous`, the evaluation shown before an edit)."""
        audit = self.session.registry.audit_log(stored.patient.patient_id, limit=500)
        self.view.show_patient(stored, evaluation, audit)
        self.panel.show_evaluation(evaluation)
        self._settle()
        self._notify(evaluation, previous)

    def _settle(self) -> None:
        """Lay out the new texts and chart ranges now, so a patient switch is painted once, in its final state.

        Otherwise the first paint shows the new texts in the old layout, and the layout it then triggers
        (wrapped labels growing, chart labels following the new ranges) paints the whole view a second time.
        """
        for _ in range(3):  # a layout pass can ask its parent for another one
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.view.charts.prepare_paint()

    def open_patient(self, patient_id: str) -> None:
        """Select a patient in the list (from an alert) and show it."""
        if self.browser.select_patient(patient_id):
            self.view.tabs.setCurrentWidget(self.view.follow_up)

    def _patient_changed(self, patient_id: str) -> None:
        previous = self._shown_evaluation(patient_id)
        stored = self.session.load(patient_id)
        self.summaries[patient_id] = PatientSummary.of(stored.patient)
        self.browser.model.upsert(build_row(self.summaries[patient_id], self.session.evaluations.get(patient_id),
                                            self.session.params))  # fmt: skip
        self._update_count()
        if self.browser.current_patient_id != patient_id:
            self.browser.select_patient(patient_id)
        else:
            self._display(stored, self.session.evaluations[patient_id], previous)
        self.alerts.show_alerts(self.session.evaluations.values())

    def _shown_evaluation(self, patient_id: str) -> PatientEvaluation | None:
        return self.view.evaluation if self.view.patient_id == patient_id else None

    def _patient_removed(self, patient_id: str) -> None:
        self.summaries.pop(patient_id, None)
        self.browser.model.remove(patient_id)
        self._update_count()
        if self.view.patient_id == patient_id:
            self.view.show_patient(None, None)
            self.panel.show_evaluation(None)
        self.alerts.show_alerts(self.session.evaluations.values())

    def _patient_renamed(self, old: str, new: str) -> None:
        self._patient_removed(old)

    def _rebuild_rows(self) -> None:
        current = self.browser.current_patient_id
        evaluations, params = self.session.evaluations, self.session.params
        self.browser.model.reset_rows(build_row(s, evaluations.get(i), params) for i, s in self.summaries.items())
        self._update_count()
        if current and current in self.summaries:
            self.browser.select_patient(current)

    def _evaluations_ready(self) -> None:
        self.status_progress.hide()
        self._rebuild_rows()
        self.alerts.show_alerts(self.session.evaluations.values())
        if self.view.patient_id and self.view.patient_id in self.session.evaluations:
            self.show_patient(self.view.patient_id)
        if (
            self.summaries  # an empty registry offers the demo first, with nothing to summarise
            and not self.week_summary_shown
            and self.settings.value("show_week_summary", True, type=bool)
        ):
            self.week_summary_shown = True
            QTimer.singleShot(0, lambda: dialogs.show_week_summary(self, self.session))

    def _evaluation_progress(self, done: int, total: int) -> None:
        self.status_progress.setMaximum(max(total, 1))
        self.status_progress.setValue(done)
        self.status_progress.setVisible(done < total)

    def _as_of_changed(self, as_of: dt.date) -> None:
        self.panel.set_as_of(as_of)
        self.statusBar().showMessage(f"Rules evaluated as of {as_of.isoformat()}", 5000)
        if self.view.patient_id:
            self.show_patient(self.view.patient_id)

    def _update_count(self) -> None:
        count = len(self.summaries)
        self.status_count.setText(f"{count:,} patients")
        self.view.set_registry_empty(count == 0)

    def _notify(self, evaluation: PatientEvaluation, previous: PatientEvaluation | None) -> None:
        """Pop up once per patient and finding (see `findings`): one notice at a time, however many patients."""
        fresh = self.findings.fresh(evaluation, previous)
        if fresh:
            self.notice.show_findings(evaluation.patient_id, fresh)

    # ---- actions -----------------------------------------------------------------------------------

    def _action(self, text: str | QAction, slot: object, shortcut: Shortcut = None, tip: str = "") -> QAction:
        """A window action with its shortcut and tips; `text` may be an action Qt made (undo, redo)."""
        action = text if isinstance(text, QAction) else QAction(text, self)
        text = action.text()
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or text.replace('&', '').rstrip('…')}" + (f" ({keys})" if keys else ""))
        action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        Key = QKeySequence.StandardKey
        a = self._action
        self.new_registry_action = a("&New registry…", self.new_registry, "Ctrl+Shift+N", "Create an empty registry")
        self.open_action = a("&Open registry…", self.open_registry, Key.Open, "Open another registry file")
        self.import_action = a("&Import…", self.transfers.import_dialog, "Ctrl+I",
                               "Import patients from JSON, CSV or XLSX (all or nothing, with a preview)")  # fmt: skip
        self.export_action = a("&Export…", self.transfers.export_dialog, "Ctrl+E",
                               "Export (JSON, CSV, XLSX, FHIR R4, REDCap), optionally de-identified")  # fmt: skip
        self.export_chart_action = a("Export &chart…", self.transfers.export_chart, "Ctrl+Shift+S",
                                     "Save the patient's charts as PNG or SVG")  # fmt: skip
        self.summary_action = a(summary_action.MENU_TEXT, lambda: summary_action.save_patient_summary(self), "Ctrl+P",
                                summary_action.TIP)  # fmt: skip
        self.encrypt_action = a("Encr&ypt registry…", lambda: encryption_ui.encrypt_open_registry(self), None,
                                "Encrypt this registry and its backups with a passphrase (SQLCipher)")  # fmt: skip
        self.quit_action = a("&Quit", self.close, Key.Quit)
        self.undo_action = a(self.undo_group.createUndoAction(self, "&Undo"), None, Key.Undo, "Undo the last change")
        self.redo_action = a(self.undo_group.createRedoAction(self, "&Redo"), None, Key.Redo, "Redo the change undone")
        self.filter_action = a("&Find patient", self._focus_filter, Key.Find, "Type to filter the patient list")
        self.new_patient_action = a("&New patient…", self.editing.new_patient, Key.New)
        self.edit_patient_action = a("&Edit patient…", self.editing.edit_patient, "Ctrl+Shift+E")
        self.delete_patient_action = a("&Delete patient…", self.editing.delete_patient, "Ctrl+Shift+Del")
        self.add_actions = {
            kind: a(f"Add {label}…", lambda _=False, k=kind: self.editing.add_record(k), f"Ctrl+{n}")
            for n, (kind, label) in enumerate(
                [("cycles", "&cycle"), ("mrd", "&MRD sample"), ("counts", "&blood count"), ("responses", "&response"),
                 ("adverse_events", "&adverse event"), ("events", "e&vent (stop, restart, HSCT…)"),
                 ("co_mutations", "c&o-mutation"), ("medications", "med&ication")], start=1)
        }  # fmt: skip
        self.hide_names_action = a("&Hide identifiers", self._toggle_names, "Ctrl+Shift+H",
                                   "De-identified view: hide names, MRN and birth dates")  # fmt: skip
        self.hide_names_action.setCheckable(True)
        self.reset_zoom_action = a("Reset chart &zoom", lambda: self.view.charts.reset_zoom(), "Ctrl+0",
                                   "Show the whole history again after zooming or panning")  # fmt: skip
        self.reevaluate_action = a("&Re-evaluate registry", lambda: self.session.evaluate_all(), Key.Refresh)
        self.today_action = a("Evaluate as of &today", lambda: self.session.set_as_of(self.session.today()), "Ctrl+T")
        self.week_action = a("This &week's follow-up…", lambda: dialogs.show_week_summary(self, self.session),
                             "Ctrl+W", "What is due or overdue this week")  # fmt: skip
        self.parameters_action = a("Clinical &parameters…", self._edit_parameters, None,
                                   "The rules' parameters of this registry (changes are audited)")  # fmt: skip
        self.rules_action = a("Clinical &rules", lambda: show_rules(self), QKeySequence.StandardKey.HelpContents,
                              "The clinical rules VenTrack implements (docs/clinical-rules.md)")  # fmt: skip
        self.about_action = a("&About VenTrack", lambda: dialogs.about(self, self.session), None)
        self.outcomes_action = a("&Outcomes…", lambda: show_outcomes(self), "Ctrl+Shift+O",
                                 "Registry outcomes (rules §9) beside the published figures")  # fmt: skip
        self._build_menus()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.new_registry_action, self.open_action])
        self.recent = RecentRegistries(file.addMenu("Open &recent"), self.settings, self.open_registry)
        file.addSeparator()
        file.addActions([self.import_action, self.export_action, self.export_chart_action, self.summary_action])
        file.addSeparator()
        file.addAction(self.encrypt_action)
        file.addSeparator()
        file.addAction(self.quit_action)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addAction(self.filter_action)
        patient = bar.addMenu("&Patient")
        patient.addActions([self.new_patient_action, self.edit_patient_action, self.delete_patient_action])
        patient.addSeparator()
        patient.addActions(list(self.add_actions.values()))
        view = bar.addMenu("&View")
        view.addActions([self.hide_names_action, self.reset_zoom_action, self.reevaluate_action, self.today_action,
                         self.week_action])  # fmt: skip
        view.addSeparator()
        view.addActions([self.panel_dock.toggleViewAction(), self.alerts_dock.toggleViewAction()])
        view.addSeparator()
        view.addAction(self.parameters_action)
        bar.addMenu("&Registry").addAction(self.outcomes_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.rules_action, self.about_action])
        tools = self.addToolBar("Main")
        tools.setObjectName("main_toolbar")
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tools.addActions([self.new_patient_action, self.add_actions["cycles"], self.add_actions["mrd"],
                          self.add_actions["counts"]])  # fmt: skip
        tools.addSeparator()
        tools.addActions([self.undo_action, self.redo_action])
        tools.addSeparator()
        tools.addActions([self.import_action, self.export_action])

    def _focus_filter(self) -> None:
        self.browser.filter.setFocus()
        self.browser.filter.selectAll()

    def _toggle_names(self, hide: bool) -> None:
        self.browser.set_hide_names(hide)
        self.view.set_hide_names(hide)

    def _edit_parameters(self) -> None:
        params = dialogs.edit_parameters(self, self.session.params)
        if params is not None and params != self.session.params:
            self.session.set_params(params)

    # ---- registries ------------------------------------------------------------------------------

    def new_registry(self) -> None:
        path = dialogs.ask_new_registry_path(self)
        if path is not None:
            self.switch_registry(path, create=True)

    def open_registry(self, path: Path | None = None) -> None:
        path = path or dialogs.ask_registry_path(self)
        if path is not None:
            self.switch_registry(path)

    # ---- window state ----------------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: object) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)  # type: ignore[arg-type]
        return dock

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        columns = self.settings.value("list/columns")  # QSettings gives one saved name as a string
        self.browser.set_visible_columns([columns] if isinstance(columns, str) else columns or COMPACT_COLUMNS)
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:  # first start: the list's columns in full, the rest to the charts (once the splitter has its width)
            self.splitter.setStretchFactor(1, 1)
            QTimer.singleShot(0, self._fit_list_columns)
            self.resizeDocks([self.panel_dock], [PANEL_WIDTH], Qt.Orientation.Horizontal)
            self.resizeDocks([self.alerts_dock], [170], Qt.Orientation.Vertical)

    def _fit_list_columns(self) -> None:
        listed = self.browser.columns_width()
        self.splitter.setSizes([listed, max(sum(self.splitter.sizes()) - listed, 1)])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("list/columns", self.browser.visible_columns())
        self.session.close()
        super().closeEvent(event)

    # ---- what Editing and Transfers may ask (host.WindowHost) ------------------------------------

    def current_patient_id(self) -> str | None:
        """The patient on screen, or None."""
        return self.view.patient_id

    def show_status(self, text: str, timeout_ms: int = 5000) -> None:
        """A message on the status line."""
        self.statusBar().showMessage(text, timeout_ms)

    def select_record(self, kind: str, record_id: int) -> None:
        """Show one record of the shown patient in its table."""
        self.view.records.select_record(kind, record_id)

    def export_charts(self, path: Path) -> None:
        """Save the shown patient's charts as PNG or SVG."""
        self.view.charts.export_image(path)

    def run_in_background(self, work: Callable[[Progress], Any], on_success: Callable[[Any], None], label: str) -> None:
        """Long work with a progress dialog; failures and refusals are shown, cancel says nothing changed."""
        run_reported(work, on_success, label=label, parent=self, show_status=self.show_status)
