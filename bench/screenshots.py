"""Screenshots of the real app for visual review (run under a display, e.g. `xvfb-run -s "-screen 0 1600x1000x24"`).

    .venv/bin/python bench/screenshots.py [--out screenshots] [--patients 200]

Writes main_window.png, negative_run.png, eligible_panel.png, critical_alert.png, first_run.png,
validation_error.png, week_summary.png and big_registry.png (10,000 patients with --big).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services.demo_registry import write_demo_registry
from desktop.store import Registry
from desktop.ui.app import create_application
from desktop.ui.main_window import MainWindow
from desktop.ui.session import RegistrySession


def settle(app: QApplication, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def shoot(app: QApplication, widget: QWidget, path: Path) -> None:
    """Grab the screen area of the window (dialogs and pop-ups included)."""
    settle(app)
    screen = app.primaryScreen()
    pixmap = screen.grabWindow(0)
    pixmap.save(str(path))
    print(f"wrote {path}")


def open_window(app: QApplication, db: Path, settings: QSettings) -> MainWindow:
    window = MainWindow(RegistrySession(Registry.open(db)), settings)
    window.setGeometry(0, 0, 1600, 1000)
    window.show()
    while window.session.evaluating:
        app.processEvents()
    settle(app)
    return window


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--big", action="store_true", help="also a 10,000-patient registry")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    app = create_application()
    work = Path(tempfile.mkdtemp())
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("show_week_summary", False)

    empty = work / "empty.sqlite"
    Registry.open(empty, create=True).close()
    window = open_window(app, empty, settings)
    shoot(app, window, out / "first_run.png")
    window.close()

    db = work / "demo.sqlite"
    write_demo_registry(db, args.patients, 1, dt.date.today())
    window = open_window(app, db, settings)
    evaluations = window.session.evaluations
    shoot(app, window, out / "main_window.png")

    negative = next(  # a negative run on someone not (yet) eligible: the eligible patient has its own shot
        p
        for p, e in sorted(evaluations.items())
        if len(e.mrd.negative_run()) >= 4 and e.eligibility.status != "eligible"
    )
    window.browser.select_patient(negative)
    window.notice.hide()
    shoot(app, window, out / "negative_run.png")

    eligible = next(p for p, e in sorted(evaluations.items()) if e.eligibility.status == "eligible")
    window.browser.select_patient(eligible)
    shoot(app, window, out / "eligible_panel.png")
    window.notice.hide()

    critical = next(p for p, e in sorted(evaluations.items()) if any(a.severity == "critical" for a in e.alerts))
    window.browser.select_patient(critical)
    shoot(app, window, out / "critical_alert.png")
    window.notice.hide()
    window.view.tabs.setCurrentWidget(window.view.follow_up)
    shoot(app, window, out / "critical_follow_up.png")
    window.view.tabs.setCurrentIndex(0)

    window.editing.add_record("mrd")
    dialog = window.editing.current_dialog
    dialog.fields["npm1_copies"].line.setText("-5")
    dialog.fields["abl1_copies"].line.setText("8500")
    shoot(app, window, out / "validation_error.png")
    dialog.reject()
    window.editing.add_record("counts")
    dialog = window.editing.current_dialog
    dialog.fields["anc"].line.setText("150")
    dialog.fields["platelets"].line.setText("45")
    dialog.fields["hemoglobin"].line.setText("9.1")
    shoot(app, window, out / "validation_counts.png")
    dialog.reject()
    window.editing.add_record("cycles")
    shoot(app, window, out / "form_cycle_add.png")
    window.editing.current_dialog.reject()

    from desktop.ui import dialogs

    summary = dialogs.show_week_summary(window, window.session)
    shoot(app, window, out / "week_summary.png")
    summary.close()
    window.close()

    if args.big:
        big = work / "big.sqlite"
        write_demo_registry(big, 10_000, 1, dt.date.today())
        window = open_window(app, big, settings)
        window.browser.filter.setText("VT-0999")
        shoot(app, window, out / "big_registry.png")
        window.close()


if __name__ == "__main__":
    sys.exit(main())
