"""UI fixtures: a demo registry per test, isolated QSettings, a main window with its evaluation finished."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from desktop.demo import generate_patients
from desktop.store import Registry
from desktop.ui.main_window import MainWindow
from desktop.ui.session import RegistrySession

TODAY = dt.date(2026, 6, 1)
DEMO_COUNT = 60


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


def open_window(qtbot, registry, settings) -> MainWindow:
    """A shown main window whose registry-wide evaluation has finished (no start-up summary)."""
    settings.setValue("show_week_summary", False)
    session = RegistrySession(registry, today=lambda: TODAY)
    with qtbot.waitSignal(session.evaluations_ready, timeout=20000):
        window = MainWindow(session, settings)
        qtbot.addWidget(window)
        window.show()
    return window


@pytest.fixture
def window(qtbot, registry, settings):
    return open_window(qtbot, registry, settings)
