"""`ventrack outcomes --pdf` (contract v2) as a subprocess: a PDF whose text holds the figures of `outcomes --json`,
the framing note and page numbers; a destination that cannot be written: exit 1, one line, nothing written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from desktop.ui.outcomes_data import FRAMING

AS_OF = "2026-03-01"


def ventrack(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=120,
                          env=env)  # fmt: skip


def pdf_text(path) -> str:
    """The PDF's text in reading order (a table cell's lines together), runs of white space as one space
    (`.ci/run` installs poppler-utils)."""
    assert shutil.which("pdftotext"), "pdftotext not found: install poppler-utils"
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    db = tmp_path_factory.mktemp("outcomes") / "demo.sqlite"
    done = ventrack("demo", "--db", str(db), "--patients", "150", "--seed", "3", "--today", AS_OF)
    assert done.returncode == 0, done.stderr
    return db


def test_the_pdf_holds_the_figures_the_framing_note_and_page_numbers(registry, tmp_path):
    out = tmp_path / "outcomes.pdf"
    done = ventrack("outcomes", "--db", str(registry), "--as-of", AS_OF, "--pdf", str(out), "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)  # --json still prints the contract's object beside the PDF
    assert figures["as_of"] == AS_OF
    assert out.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(out)
    assert FRAMING in text
    assert f"as of {AS_OF}" in text and "150 patients in the registry" in text
    assert re.search(r"page 1 of (\d+)", text) and "Generated " in text
    for k, value in figures["mrd_negative_by_cycle"].items():
        negative, patients = value["negative"], value["patients"]
        assert f"MRD negative by the end of cycle {k} {negative}/{patients} {100 * negative / patients:.0f}%" in text
    for group, words in (("negative", "negative"), ("not_negative", "not negative")):
        os_value = figures["os_by_cycle4_mrd"][group]
        assert f"24 months, MRD {words} by cycle 4 {os_value['patients']} patients, " in text
    tfr = figures["tfr"]
    assert f"Treatment-free remission at 12 months {tfr['patients']} patients, {tfr['at_risk_12']} at risk" in text
    assert "Othman et al., Blood 2024" in text and "Number at risk" in text


def test_without_json_the_pdf_is_written_and_nothing_printed(registry, tmp_path):
    out = tmp_path / "quiet.pdf"
    done = ventrack("outcomes", "--db", str(registry), "--as-of", AS_OF, "--pdf", str(out))
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr.strip() == f"wrote the registry outcomes as of {AS_OF} to {out}"
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize("where", ["missing folder", "a folder", "missing registry"])
def test_a_bad_path_exits_1_with_one_line_and_writes_nothing(registry, tmp_path, where):
    out = {"missing folder": tmp_path / "no" / "such" / "o.pdf", "a folder": tmp_path,
           "missing registry": tmp_path / "o.pdf"}[where]  # fmt: skip
    db = tmp_path / "none.sqlite" if where == "missing registry" else registry
    before = sorted(tmp_path.iterdir())
    done = ventrack("outcomes", "--db", str(db), "--as-of", AS_OF, "--pdf", str(out))
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ventrack: error: "), done.stderr
    assert sorted(tmp_path.iterdir()) == before  # no PDF, no temporary file left beside it
