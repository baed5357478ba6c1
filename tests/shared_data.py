"""Locating the steering repository's shared/ folder (specs and worked examples) beside this checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLES = SHARED / "examples" / "rules-examples.json"
EXPECTED = SHARED / "examples" / "rules-examples-expected.json"


def require_examples() -> Path:
    """The worked-examples exchange file, or skip the test when shared/ is not beside the checkout."""
    if not EXAMPLES.exists():
        pytest.skip(f"worked examples not found at {EXAMPLES}")
    return EXAMPLES
