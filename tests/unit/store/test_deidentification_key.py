"""The registry's de-identification secret: created once, kept, never audited, printed or exported."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
from typing import Any

import pytest

from desktop.cli import build_parser
from desktop.exchange.deidentify import Deidentifier
from desktop.store import Registry, RegistryError
from desktop.store.connection import transaction
from desktop.store.repository import DEIDENTIFICATION_KEY_SETTING
from tests.builders import make_patient

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def registry(tmp_path):
    with Registry.open(tmp_path / "r.sqlite", create=True) as opened:
        yield opened


def _audit_text(registry: Registry) -> str:
    return "\n".join(str(dataclasses.astuple(entry)) for entry in registry.audit_log())


def test_key_is_32_random_bytes_created_once_and_stable_across_reopen(tmp_path):
    path = tmp_path / "r.sqlite"
    with Registry.open(path, create=True) as registry:
        assert registry.get_setting(DEIDENTIFICATION_KEY_SETTING) is None  # not created before first use
        key = registry.deidentification_key()
        assert isinstance(key, bytes) and len(key) == 32
        assert registry.deidentification_key() == key
        assert registry.get_setting(DEIDENTIFICATION_KEY_SETTING) == key.hex()
    with Registry.open(path) as reopened:
        assert reopened.deidentification_key() == key
        pseudonym = Deidentifier(reopened.deidentification_key(), TODAY).pseudonym("P1")
    with Registry.open(path) as again:
        assert Deidentifier(again.deidentification_key(), TODAY).pseudonym("P1") == pseudonym


def test_two_registries_have_different_keys(tmp_path):
    with Registry.open(tmp_path / "a.sqlite", create=True) as a, Registry.open(tmp_path / "b.sqlite", create=True) as b:
        assert a.deidentification_key() != b.deidentification_key()


def test_creation_is_audited_without_the_key(registry):
    registry.add_patient(make_patient("P1"), today=TODAY)
    key = registry.deidentification_key()
    registry.deidentification_key()
    entries = [e for e in registry.audit_log() if e.field == DEIDENTIFICATION_KEY_SETTING]
    assert len(entries) == 1  # created once, reads are not audited
    [entry] = entries
    assert (entry.action, entry.record, entry.old_value) == ("create_setting", "settings", None)
    assert entry.new_value == "created"
    text = _audit_text(registry)
    assert key.hex() not in text and key.hex().upper() not in text


def test_replacing_all_patients_keeps_the_key(registry):
    key = registry.deidentification_key()
    registry.replace_all_patients([make_patient("P2")], source="test")
    assert registry.deidentification_key() == key


def test_first_use_inside_a_transaction_is_refused_and_nothing_is_stored(registry):
    with pytest.raises(RegistryError, match="outside a transaction"), transaction(registry.conn):
        registry.deidentification_key()
    assert registry.get_setting(DEIDENTIFICATION_KEY_SETTING) is None
    key = registry.deidentification_key()
    with transaction(registry.conn):  # once created it is only read: fine inside a transaction
        assert registry.deidentification_key() == key


def damage_key(registry: Registry, value: str) -> None:
    registry.conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (DEIDENTIFICATION_KEY_SETTING, value)
    )


def test_the_key_is_never_set_through_the_audited_settings(registry):
    with pytest.raises(ValueError, match="never set"):
        registry.set_setting(DEIDENTIFICATION_KEY_SETTING, "ab" * 32)
    assert registry.get_setting(DEIDENTIFICATION_KEY_SETTING) is None


def test_a_damaged_key_is_an_error_not_silently_replaced(registry):
    damage_key(registry, "not hex")
    with pytest.raises(RegistryError, match="damaged"):
        registry.deidentification_key()
    damage_key(registry, "ab" * 16)  # 16 bytes: too short
    with pytest.raises(RegistryError, match="damaged"):
        registry.deidentification_key()
    assert registry.get_setting(DEIDENTIFICATION_KEY_SETTING) == "ab" * 16


def _ask_key(path: str, start: Any, out: Any) -> None:
    with Registry.open(path) as registry:
        start.wait(30)
        out.put(registry.deidentification_key().hex())


def test_two_programs_asking_at_once_get_the_same_key(registry):
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    out = context.Queue()
    askers = [context.Process(target=_ask_key, args=(str(registry.path), start, out)) for _ in range(3)]
    for asker in askers:
        asker.start()
    start.set()
    keys = {out.get(timeout=60) for _ in askers}
    for asker in askers:
        asker.join(60)
        assert asker.exitcode == 0
    assert keys == {registry.deidentification_key().hex()}
    assert sum(e.field == DEIDENTIFICATION_KEY_SETTING for e in registry.audit_log()) == 1


@pytest.mark.parametrize("extra", [[], ["--json"], ["--set", "min_cycles=4"]])
def test_ventrack_settings_never_prints_the_key(registry, capsys, extra):
    key = registry.deidentification_key().hex()
    args = build_parser().parse_args(["settings", "--db", str(registry.path), *extra])
    assert args.func(args) == 0
    captured = capsys.readouterr()
    assert key not in captured.out + captured.err
    assert key not in _audit_text(registry)
