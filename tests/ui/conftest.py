"""UI fixtures: a demo registry per test, isolated QSettings, a main window with its evaluation finished."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from desktop.demo import generate_patients
from desktop.store import Registry
from desktop.ui import main_thread_gc, wording, workers
from desktop.ui.eligibility_panel import EligibilityPanel
from desktop.ui.main_window import MainWindow
from desktop.ui.session import RegistrySession

TODAY = dt.date(2026, 6, 1)
DEMO_COUNT = 60


def panel_criteria(panel: EligibilityPanel) -> dict[str, tuple[str, str, str]]:
    """The criteria as the eligibility panel shows them: criterion id -> (mark, word, evidence), read from
    its text, where each criterion is a mark line, a "<name> — <word>" line and an evidence line."""
    lines = panel.shown_text().splitlines()
    names = {name: criterion for criterion, name in wording.CRITERIA.items()}
    shown = {}
    for n, line in enumerate(lines[:-2]):
        if line in wording.MARK.values() and " — " in lines[n + 1]:
            name, word = lines[n + 1].rsplit(" — ", 1)
            shown[names[name]] = (line, word, lines[n + 2])
    return shown


@pytest.fixture(scope="session", autouse=True)
def collect_garbage_on_the_gui_thread(qapp):
    """As the app does (`desktop.ui.app.create_application`): no Qt object collected from a worker thread."""
    main_thread_gc.install(qapp)


@pytest.fixture(autouse=True)
def synchronous_background_work(request):
    """Background tasks run at once on the GUI thread, so tests do not wait on signals; a test marked
    `threads` keeps Qt's thread pool (it checks what crosses threads: delivery, cancel, a responsive window)."""
    if request.node.get_closest_marker("threads"):
        yield
        return
    previous = workers.use_pool(workers.SynchronousPool())
    yield
    workers.use_pool(previous)


@pytest.fixture(scope="session")
def demo_patients():
    return generate_patients(DEMO_COUNT, seed=7, today=TODAY)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def registry(tmp_path, demo_patients):
    registry = Registry.open(tmp_path / "registry.sqlite", create=True)
    registry.import_patients(demo_patients, source="demo")
    yield registry
    registry.close()


def open_window(qtbot, registry, settings, today: dt.date = TODAY) -> MainWindow:
    """A shown main window whose registry-wide evaluation at `today` has finished (no start-up summary)."""
    settings.setValue("show_week_summary", False)
    session = RegistrySession(registry, today=lambda: today)
    with qtbot.waitSignal(session.evaluations_ready, timeout=20000):
        window = MainWindow(session, settings)
        qtbot.addWidget(window)
        window.show()
    return window


@pytest.fixture
def window(qtbot, registry, settings):
    return open_window(qtbot, registry, settings)
