"""Compatibility module (xlsxwriter 3.3): number cells written with every digit.

xlsxwriter writes numbers as `%.16G`, which loses a few doubles (0.1 + 0.2 comes back as 0.3). It relies on
xlsxwriter's internal `Worksheet._xml_number_element(number, attributes)` and its file handle `fh`.
pyproject.toml pins xlsxwriter below 3.4; the upgrade canary is tests/unit/exchange/test_tables.py's exact round
trip (a VAF of 0.1 + 0.2 must come back as itself).
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet


class ExactNumberSheet(Worksheet):
    """A worksheet that keeps every digit of a number (xlsxwriter writes `%.16G`, which loses a few doubles):
    `repr` is the shortest text that reads back as the same double, and valid `xsd:double` (`1e-05`)."""

    def _xml_number_element(self, number: Any, attributes: Any = ()) -> None:
        if len(attributes) == 1:  # the cell reference alone: the common case, written without a join
            self.fh.write(f'<c r="{attributes[0][1]}"><v>{number!r}</v></c>')
            return
        attr = "".join(f' {key}="{value}"' for key, value in attributes)  # cell reference and style index
        self.fh.write(f"<c{attr}><v>{number!r}</v></c>")
