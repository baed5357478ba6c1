"""The worked examples of clinical-rules.md, kept in the project's own test data (tests/data/)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = DATA / "rules-examples.json"
EXPECTED = DATA / "rules-examples-expected.json"
EXAMPLES_AS_OF = "2024-10-01"
