"""One open registry in the app: the repository, the rules' parameters and date, the undo stack, signals.

Every edit goes through here as an undoable command (see `commands.py`), is written in one transaction by the
repository (with its audit entry), and is announced with `patient_changed`, so every view refreshes from the
same source. Registry-wide evaluation runs in the background on its own connection (WAL lets it read while
the GUI thread writes), shared with helper processes on the other cores for a large registry.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from desktop.clinical.evaluation import PatientEvaluation, evaluate_patient
from desktop.clinical.parameters import Parameters
from desktop.domain import Patient
from desktop.services import evaluation as evaluation_service
from desktop.services.evaluation_helpers import EvaluationHelpers, useful_workers
from desktop.store import PatientSummary, Registry, StoredPatient
from desktop.ui import main_thread_gc
from desktop.ui.workers import Cancelled, Progress, Task, run_task

WATCH_INTERVAL_MS = 2000
log = logging.getLogger(__name__)


class RecordIds:
    """Where a record lives now: undoing a delete re-creates the record under a new table id, and every
    command that refers to the old id must follow it."""

    def __init__(self) -> None:
        self._moved: dict[tuple[str, int], int] = {}

    def moved(self, kind: str, old_id: int, new_id: int) -> None:
        """Record that the record first known as `old_id` now has `new_id`."""
        self._moved[(kind, old_id)] = new_id

    def current(self, kind: str, record_id: int) -> int:
        """The id the record first known as `record_id` has now."""
        return self._moved.get((kind, record_id), record_id)


#: How long an edit in the app waits for another VenTrack's write (a blink), before the form says it is busy.
WRITE_WAIT_S = 0.3


class RegistrySession(QObject):
    """The open registry and what the app knows about it.

    Signals: `patient_changed(id)` after an edit of that patient (or its creation), `patient_removed(id)`,
    `patient_renamed(old, new)`, `evaluations_ready()` after a registry-wide evaluation, `reloaded()` after an
    import replaced many patients, `as_of_changed(date)`, `failed(message)` when an undo or redo was refused.
    """

    patient_changed = Signal(str)
    patient_removed = Signal(str)
    patient_renamed = Signal(str, str)
    evaluations_ready = Signal()
    evaluation_progress = Signal(int, int)
    reloaded = Signal()
    as_of_changed = Signal(object)
    failed = Signal(str)
    changed_elsewhere = Signal()

    def __init__(self, registry: Registry, today: Callable[[], dt.date] = dt.date.today):
        super().__init__()
        self.registry = registry
        registry.set_busy_timeout(WRITE_WAIT_S)  # a write never freezes the window: a busy one is said in place
        self.today = today
        self.params: Parameters = evaluation_service.load_parameters(registry)
        self.as_of: dt.date = today()
        self.undo_stack = QUndoStack(self)
        self.record_ids = RecordIds()
        self.evaluations: dict[str, PatientEvaluation] = {}
        self._evaluation_task: Task | None = None
        self.helpers: EvaluationHelpers | None = None  # processes sharing the evaluation of a large registry
        self._start_helpers_if_useful()  # they start in the background while the window fills
        self._gc_holds: list[Callable[[], None]] = []  # one per evaluation not yet ended (`main_thread_gc.hold`)
        self._generation = 0
        self._data_version = registry.data_version()
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_INTERVAL_MS)
        self._watch.timeout.connect(self.check_for_changes)
        self._watch.start()

    @property
    def path(self) -> Path:
        """The registry file."""
        return self.registry.path

    def check_for_changes(self) -> bool:
        """Whether another program (a second VenTrack, the CLI) changed the registry since the last look;
        if so, `changed_elsewhere` is emitted once."""
        version = self.registry.data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        self.changed_elsewhere.emit()
        return True

    def accept_changes(self) -> None:
        """Take the registry as it is now as the baseline (after this app's own background writes)."""
        self._data_version = self.registry.data_version()

    def close(self) -> None:
        """Cancel background work and close the registry."""
        self._watch.stop()
        if self._evaluation_task is not None:
            self._evaluation_task.cancel()
            self._evaluation_task.done.wait(10)
        if self.helpers is not None:
            self.helpers.close()
        for release in self._gc_holds:  # their results may never be delivered now
            release()
        self.undo_stack.clear()
        self.registry.close()

    def clear_history(self) -> None:
        """Forget undo history (after an import replaced patients wholesale)."""
        self.undo_stack.clear()
        self.record_ids = RecordIds()

    # ---- reading -------------------------------------------------------------------------------

    def summaries(self) -> list[PatientSummary]:
        """One summary per patient, sorted by id."""
        return self.registry.summaries()

    def load(self, patient_id: str) -> StoredPatient:
        """A patient with its record ids."""
        return self.registry.load_stored_patient(patient_id)

    def evaluate(self, patient: Patient) -> PatientEvaluation:
        """Evaluate one fully loaded patient at the session's date, and remember the result."""
        result = evaluate_patient(patient, self.as_of, self.params)
        self.evaluations[patient.patient_id] = result
        return result

    def set_as_of(self, as_of: dt.date) -> None:
        """Replay the rules at another date (re-evaluates the registry in the background)."""
        if as_of != self.as_of:
            self.as_of = as_of
            self.as_of_changed.emit(as_of)
            self.evaluate_all()

    def set_params(self, params: Parameters) -> None:
        """Store new clinical parameters (audited) and re-evaluate."""
        evaluation_service.save_parameters(self.registry, params)
        self.params = params
        self.evaluate_all()

    def evaluate_all(self) -> Task:
        """Evaluate every patient in the background; `evaluations_ready` when done (a newer run wins)."""
        if self._evaluation_task is not None:
            self._evaluation_task.cancel()
        self._generation += 1
        generation, path, as_of, params = self._generation, self.registry.path, self.as_of, self.params
        helpers = self._start_helpers_if_useful()
        started = time.perf_counter()

        def work(progress: Progress) -> dict[str, PatientEvaluation]:
            with Registry.open(path) as reader:
                if helpers is not None:  # they join in once started
                    return helpers.evaluate_registry(reader, as_of, params, progress)
                return evaluation_service.evaluate_registry(reader, as_of, params, progress=progress)

        held = main_thread_gc.hold()  # millions of young objects, no cycles: no collection until it ends
        self._gc_holds.append(held)

        def release_gc() -> None:
            held()
            if held in self._gc_holds:
                self._gc_holds.remove(held)

        def done(results: dict[str, PatientEvaluation]) -> None:
            release_gc()
            log.info("evaluated %d patients as of %s in %.2f s", len(results), as_of, time.perf_counter() - started)
            if generation == self._generation:
                self.evaluations = results
                self._evaluation_task = None
                self.evaluations_ready.emit()

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._evaluation_task = None
                self.failed.emit(f"Evaluating the registry failed: {error}")

        def ended(error: BaseException) -> None:
            release_gc()
            if not isinstance(error, Cancelled):  # a newer evaluation replaced this one
                failed(error)

        task = run_task(work, done, ended, on_progress=self.evaluation_progress.emit, start=False)
        self._evaluation_task = task  # before it starts: a synchronous pool finishes it inside `start`
        return task.start()

    def _start_helpers_if_useful(self) -> EvaluationHelpers | None:
        """The helper processes, started once the registry is large enough to be worth them."""
        if self.helpers is None:
            workers = useful_workers(self.registry.count_patients())
            if workers:
                self.helpers = EvaluationHelpers(workers)
        return self.helpers

    @property
    def evaluating(self) -> bool:
        """Whether a registry-wide evaluation is running."""
        return self._evaluation_task is not None

    def refresh_patient(self, patient_id: str) -> None:
        """Re-evaluate one patient after a change and announce it."""
        if self.registry.has_patient(patient_id):
            self.evaluate(self.registry.load_patient(patient_id))
            self.patient_changed.emit(patient_id)
        else:
            self.evaluations.pop(patient_id, None)
            self.patient_removed.emit(patient_id)
