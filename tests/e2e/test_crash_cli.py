"""An unexpected error in a command (a bug, simulated by patching a service to raise): one line on standard error
naming the error and the log file, exit 2, the traceback in the log only; known failures keep exit 1."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.store import Registry
from tests.builders import make_patient

#: Patches `module.function` to raise, then runs `ventrack ARGS` through `desktop.cli.main` (no hook in the app).
SCRIPT = """
import sys
import importlib
import desktop.cli as cli

module = importlib.import_module(sys.argv[1])

def broken(*args, **kwargs):
    raise ZeroDivisionError("simulated bug in " + sys.argv[2])

setattr(module, sys.argv[2], broken)
sys.exit(cli.main(sys.argv[3:]))
"""
LINE = re.compile(r"ventrack: unexpected error: ZeroDivisionError: simulated bug in (\w+); details in (\S+)")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "registry.sqlite"
    with Registry.open(path, create=True) as registry:
        registry.import_patients([make_patient("P0001")], "test")
    return path


def run(tmp_path: Path, module: str, function: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("VENTRACK_PASSPHRASE", None)
    command = [sys.executable, "-c", SCRIPT, module, function, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize(
    ("module", "function", "command"),
    [
        ("desktop.services.transfer", "export_registry", ["export", "--format", "json", "--out", "OUT"]),
        ("desktop.services.evaluation", "command_json_lines", ["eligibility", "--json"]),
    ],
)
def test_an_unexpected_error_is_one_line_exit_2_and_the_traceback_is_logged(db, tmp_path, module, function, command):
    args = [str(tmp_path / "out.json") if a == "OUT" else a for a in command]
    done = run(tmp_path, module, function, *args, "--db", str(db))
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # not even with --json
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    match = LINE.fullmatch(lines[0])
    assert match and match.group(1) == function, lines[0]
    log = Path(match.group(2))
    assert log == tmp_path / "state" / "VenTrack" / "log" / "ventrack.log"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and ", in broken\n" in text  # the frame that raised
    assert re.search(r'desktop/cli\.py", line \d+, in cmd_(export|evaluate)', text)
    assert f"ZeroDivisionError: simulated bug in {function}" in text
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_a_known_failure_is_still_exit_1_without_a_traceback(db, tmp_path):
    """`check` on a missing registry: a RegistryError, reported as before."""
    done = run(tmp_path, "desktop.services.transfer", "export_registry", "check", "--db", str(tmp_path / "none.db"))
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1 and "unexpected" not in done.stderr
    log = tmp_path / "state" / "VenTrack" / "log" / "ventrack.log"
    assert "Traceback" not in log.read_text(encoding="utf-8")
