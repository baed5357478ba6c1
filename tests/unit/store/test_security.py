"""Encrypted registries, owner-only files and a busy registry (contract v2)."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.domain import MrdSample
from desktop.store import PassphraseNeeded, Registry, RegistryBusy, WrongPassphrase, keys, list_backups
from desktop.store.encryption import decrypt_registry, encrypt_registry
from tests.builders import day, make_patient

PASSPHRASE = "correct horse 'battery' staple"
SAMPLE = MrdSample(date=day(90), specimen="PB", npm1_copies=0.0, abl1_copies=50_000.0)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_beside(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.is_file()]


@pytest.fixture(autouse=True)
def forget_passphrases(tmp_path):
    yield
    for path in tmp_path.rglob("*.sqlite"):
        keys.forget(path)


def fill(path: Path, **open_args: object) -> None:
    with Registry.open(path, create=True, **open_args) as registry:  # type: ignore[arg-type]
        registry.import_patients([make_patient("SECRET-ID-1")], "a")
        registry.import_patients([make_patient("SECRET-ID-2")], "b")  # a backup first: the registry has a patient


def test_an_encrypted_registry_leaves_no_readable_byte_beside_it(tmp_path):
    path = tmp_path / "enc.sqlite"
    fill(path, passphrase=PASSPHRASE)
    with Registry.open(path) as registry:  # the passphrase is remembered in this process's memory only
        assert registry.encrypted and registry.count_patients() == 2
        registry.add_record("SECRET-ID-1", "mrd", SAMPLE)  # a WAL and SHM exist while it is open
        for file in files_beside(path):
            data = file.read_bytes()
            assert not data.startswith(b"SQLite format 3"), file.name
            assert b"SECRET-ID" not in data, file.name
    assert list_backups(path) and all(keys.looks_encrypted(b) for b in list_backups(path))


def test_a_wrong_or_missing_passphrase_changes_nothing(tmp_path):
    path = tmp_path / "enc.sqlite"
    fill(path, passphrase=PASSPHRASE)
    keys.forget(path)
    before = {file.name: digest(file) for file in files_beside(path)}
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        Registry.open(path, passphrase="not it")
    with pytest.raises(PassphraseNeeded, match="passphrase"):
        Registry.open(path)
    assert {file.name: digest(file) for file in files_beside(path)} == before
    with Registry.open(path, passphrase=PASSPHRASE) as registry:
        assert registry.count_patients() == 2


def test_encrypt_and_decrypt_in_place_round_trip(tmp_path):
    path = tmp_path / "plain.sqlite"
    fill(path)
    with Registry.open(path) as registry:
        patients = [registry.load_patient(pid) for pid in registry.patient_ids()]
    plain_backups = list_backups(path)
    assert plain_backups and not keys.looks_encrypted(plain_backups[0])
    assert encrypt_registry(path, PASSPHRASE) == len(plain_backups)
    assert keys.looks_encrypted(path) and all(keys.looks_encrypted(b) for b in list_backups(path))
    assert not [f for f in files_beside(path) if b"SECRET-ID" in f.read_bytes()]  # no readable copy behind
    keys.forget(path)
    with Registry.open(path, passphrase=PASSPHRASE) as registry:
        assert [registry.load_patient(pid) for pid in registry.patient_ids()] == patients
        assert registry.schema_version > 0 and registry.integrity_problems() == []
    kept = decrypt_registry(path, PASSPHRASE)
    assert not keys.looks_encrypted(path) and keys.looks_encrypted(kept)  # decrypt keeps an encrypted backup
    with Registry.open(path) as registry:
        assert [registry.load_patient(pid) for pid in registry.patient_ids()] == patients


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_registry_wal_and_backups_are_owner_only(tmp_path):
    path = tmp_path / "r.sqlite"
    fill(path)
    with Registry.open(path) as registry:
        registry.add_record("SECRET-ID-1", "mrd", SAMPLE)
        made = [path, path.with_name("r.sqlite-wal"), path.with_name("r.sqlite-shm"), *list_backups(path)]
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made), [oct(p.stat().st_mode) for p in made]
    old = tmp_path / "old.sqlite"
    fill(old)
    old.chmod(0o644)  # a registry made by an earlier VenTrack
    Registry.open(old).close()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


HOLD_THE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def test_a_busy_registry_is_reported_after_the_timeout_and_nothing_changes(tmp_path):
    path = tmp_path / "r.sqlite"
    fill(path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(path), "20"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with Registry.open(path, timeout=0.3) as registry:
            started = time.monotonic()
            with pytest.raises(RegistryBusy, match="the registry is busy: another VenTrack is writing; nothing"):
                registry.add_record("SECRET-ID-1", "mrd", SAMPLE)
            assert time.monotonic() - started < 5
            assert registry.load_patient("SECRET-ID-1").mrd == make_patient("SECRET-ID-1").mrd  # reads go on
    finally:
        holder.kill()
        holder.wait()


def test_random_bytes_may_be_encrypted_text_is_not(tmp_path):
    random_file, text_file = tmp_path / "random.sqlite", tmp_path / "text.sqlite"
    random_file.write_bytes(os.urandom(4096))
    text_file.write_text("patient_id,name\nP1,Rossi\n")
    assert keys.looks_encrypted(random_file) and not keys.looks_encrypted(text_file)
    with pytest.raises(PassphraseNeeded):
        Registry.open(random_file)
    with pytest.raises(WrongPassphrase):
        Registry.open(random_file, passphrase="any")
