"""Encrypted registries, owner-only files and a busy registry through `ventrack` (contract v2)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.examples_data import EXAMPLES


def ventrack(*args: str, passphrase: str | None = None, state: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VENTRACK_PASSPHRASE"}
    if state is not None:
        env["XDG_STATE_HOME"] = str(state)
    if passphrase is not None:
        env["VENTRACK_PASSPHRASE"] = passphrase
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=120,
                          env=env, stdin=subprocess.DEVNULL)  # fmt: skip


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_an_encrypted_registry_end_to_end(tmp_path):
    folder = tmp_path / "clinic"
    folder.mkdir()
    db = folder / "registry.sqlite"
    made = ventrack("import", str(EXAMPLES), "--db", str(db), "--encrypt", passphrase="s3cret")
    assert made.returncode == 0, made.stderr
    for file in folder.iterdir():  # no SQLite header and no patient id in any file beside it
        data = file.read_bytes()
        assert not data.startswith(b"SQLite format 3") and b"EX-ELIGIBLE" not in data, file.name
    rows = ventrack("eligibility", "--db", str(db), "--as-of", "2024-10-01", "--json", passphrase="s3cret")
    assert rows.returncode == 0 and "EX-ELIGIBLE" in rows.stdout
    before = digests(folder)
    for wrong in ("guess", None):
        refused = ventrack("check", "--db", str(db), passphrase=wrong)
        assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert "passphrase" in refused.stderr.lower() or "VENTRACK_PASSPHRASE" in refused.stderr
    assert digests(folder) == before
    assert ventrack("decrypt", "--db", str(db), passphrase="s3cret").returncode == 0
    assert db.read_bytes().startswith(b"SQLite format 3")
    kept = [p for p in folder.iterdir() if "before-decrypt" in p.name]
    assert len(kept) == 1 and not kept[0].read_bytes().startswith(b"SQLite format 3")  # an encrypted backup
    assert ventrack("encrypt", "--db", str(db), passphrase="other").returncode == 0
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert ventrack("check", "--db", str(db), passphrase="other").returncode == 0
    assert ventrack("encrypt", "--db", str(db), passphrase="other").returncode == 1  # already encrypted


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_registry_and_identifiable_exports_are_owner_only(tmp_path):
    db = tmp_path / "r.sqlite"
    state = tmp_path / "state"
    assert ventrack("import", str(EXAMPLES), "--db", str(db), state=state).returncode == 0
    out = tmp_path / "out.xlsx"
    assert ventrack("export", "--db", str(db), "--format", "xlsx", "--out", str(out), state=state).returncode == 0
    csv_folder = tmp_path / "tables"
    assert ventrack("export", "--db", str(db), "--format", "csv", "--out", str(csv_folder)).returncode == 0
    logs = [p for p in (tmp_path / "state").rglob("ventrack.log*")]
    assert logs  # the commands above logged, under XDG_STATE_HOME
    made = [db, out, *csv_folder.iterdir(), *logs]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made), {p.name: oct(p.stat().st_mode) for p in made}


def test_a_busy_import_answers_in_one_line_and_changes_nothing(tmp_path):
    db = tmp_path / "r.sqlite"
    assert ventrack("import", str(EXAMPLES), "--db", str(db)).returncode == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another VenTrack writing
    try:
        started = time.monotonic()
        done = ventrack("import", str(EXAMPLES), "--db", str(db), "--replace")
        elapsed = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1 and elapsed < 15
    assert (
        done.stderr.strip() == "ventrack: error: the registry is busy: another VenTrack is writing; nothing was changed"
    )
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
