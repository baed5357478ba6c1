"""No module of the app grows past MAX_LINES: a long module is split before it is merged (issue #18)."""

from __future__ import annotations

from pathlib import Path

MAX_LINES = 450
PACKAGE = Path(__file__).resolve().parents[2] / "desktop"


def test_no_module_is_over_the_limit() -> None:
    sizes = {path.relative_to(PACKAGE.parent): len(path.read_text(encoding="utf-8").splitlines())
             for path in PACKAGE.rglob("*.py")}  # fmt: skip
    assert len(sizes) > 100  # the whole package was read
    assert {str(path): n for path, n in sizes.items() if n > MAX_LINES} == {}
