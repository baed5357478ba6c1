"""`ventrack import/export/check/demo/gui/--version` as subprocesses: messages, exit codes, atomicity."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import VERSION_LINE
from tests.builders import patient_dict


def ventrack(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=120,
                          env=env)  # fmt: skip


def write_doc(path: Path, *patients: dict, **top) -> Path:
    doc = {"format": "ventrack-registry", "version": 1, "patients": list(patients), **top}
    path.write_text(json.dumps(doc, default=str))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "r.sqlite"
    done = ventrack("import", str(write_doc(tmp_path / "seed.json", patient_dict("P0001"))), "--db", str(path))
    assert done.returncode == 0, done.stderr
    return path


def test_version():
    done = ventrack("--version")
    assert (done.returncode, done.stdout.strip()) == (0, VERSION_LINE)


def test_invalid_records_import_nothing_and_name_each_problem(tmp_path, db):
    bad = patient_dict("P0009")
    bad["mrd"][0]["abl1_copies"] = 0
    bad["counts"][0]["hemoglobin"] = 40
    good = [patient_dict(f"P01{n:02d}") for n in range(20)]
    before = digest(db)
    done = ventrack("import", str(write_doc(tmp_path / "bad.json", *good, bad)), "--db", str(db))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert "P0009: mrd[0]: abl1_copies: input should be greater than 0" in lines[0]
    assert "P0009: counts[0]: hemoglobin:" in lines[1]
    assert "nothing was changed" in lines[-1] and len(lines) == 3
    assert digest(db) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"format": "x", "version": 1, "patients": []}), "expected 'ventrack-registry'"),
        (json.dumps({"format": "ventrack-registry", "version": 9, "patients": []}), "unsupported version 9"),
    ],
)
def test_file_level_problems_are_one_line(tmp_path, db, content, message):
    source = tmp_path / "in.json"
    source.write_text(content)
    before = digest(db)
    done = ventrack("import", str(source), "--db", str(db))
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and message in done.stderr
    assert digest(db) == before


def test_unknown_fields_and_duplicate_ids(tmp_path, db):
    odd = {**patient_dict("P0002"), "favourite_colour": "blue"}
    done = ventrack("import", str(write_doc(tmp_path / "a.json", odd, patient_dict("P0003"), patient_dict("P0003"))),
                    "--db", str(db))  # fmt: skip
    assert done.returncode == 1
    assert "P0002: favourite_colour: unknown field" in done.stderr
    assert "P0003: patient_id: duplicate patient id" in done.stderr


@pytest.mark.parametrize("target", ["missing.json", "."])
def test_missing_file_or_directory(tmp_path, db, target):
    done = ventrack("import", str(tmp_path / target), "--db", str(db))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert ("no such file" if target != "." else "is a directory") in done.stderr


def test_bad_registries_are_refused_unchanged(tmp_path):
    source = write_doc(tmp_path / "ok.json", patient_dict("P0001"))
    text = tmp_path / "text.sqlite"
    text.write_text("not sqlite")
    done = ventrack("import", str(source), "--db", str(text))
    assert done.returncode == 1 and "not an SQLite database" in done.stderr and text.read_text() == "not sqlite"
    done = ventrack("check", "--db", str(tmp_path / "none.sqlite"))
    assert done.returncode == 1 and "no registry" in done.stderr
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.sqlite"
        locked.write_bytes(b"")
        locked.chmod(0)
        assert ventrack("check", "--db", str(locked)).returncode == 1


def test_invalid_file_into_a_new_registry_creates_no_file(tmp_path):
    bad = patient_dict("P1", diagnosis_date="2023-02-30")
    target = tmp_path / "new.sqlite"
    done = ventrack("import", str(write_doc(tmp_path / "b.json", bad)), "--db", str(target))
    assert done.returncode == 1 and not target.exists()


def test_export_import_export_round_trip(tmp_path, db):
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert ventrack("export", "--db", str(db), "--format", "json", "--out", str(first)).returncode == 0
    copy = tmp_path / "copy.sqlite"
    assert ventrack("import", str(first), "--db", str(copy)).returncode == 0
    assert ventrack("export", "--db", str(copy), "--format", "json", "--out", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    assert ventrack("check", "--db", str(copy)).returncode == 0


def test_export_to_a_missing_folder_fails_cleanly(tmp_path, db):
    done = ventrack("export", "--db", str(db), "--format", "json", "--out", str(tmp_path / "no" / "x.json"))
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_demo_is_reproducible_and_never_overwrites_real_data(tmp_path, db):
    exports = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite"
        args = ("--patients", "60", "--seed", "1", "--today", "2026-01-15")
        assert ventrack("demo", "--db", str(path), *args).returncode == 0
        assert ventrack("demo", "--db", str(path), *args).returncode == 0  # refilling a demo registry is fine
        out = tmp_path / f"{name}.json"
        assert ventrack("export", "--db", str(path), "--format", "json", "--out", str(out)).returncode == 0
        exports.append(out.read_bytes())
    assert exports[0] == exports[1]
    before = digest(db)
    done = ventrack("demo", "--db", str(db), "--patients", "5")
    assert done.returncode == 1 and "not demo data" in done.stderr and digest(db) == before


def test_gui_opens_offscreen_and_quits(db, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "data")}
    done = ventrack("gui", "--db", str(db), "--quit-after", "300", env=env)
    assert done.returncode == 0, done.stderr
    missing = tmp_path / "missing.sqlite"
    done = ventrack("gui", "--db", str(missing), "--quit-after", "300", env=env)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and not missing.exists()


def test_the_splash_shows_before_pyside_builds_the_qt_namespace():
    """The first window must not wait for PySide to build every `Qt` enum (it does so on first use)."""
    script = (
        "import sys, PySide6.QtCore as core\n"
        "from desktop.ui.app import create_application, show_splash\n"
        "splash = show_splash(create_application())\n"
        "print(splash.isVisible(), 'Qt' in vars(core))\n"
        "from PySide6.QtCore import Qt\n"
        "print('Qt' in vars(core))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "True"]  # shown, not built yet; the check itself is live
