"""XLSX layout of the registry (docs/tables.md): one sheet per table, written with xlsxwriter, read with
python-calamine (Rust's calamine: 15× faster than openpyxl's read-only mode on a 1,000-patient workbook).

Sheets have the table names and columns; the header row is bold and frozen; dates are date cells formatted
`yyyy-mm-dd`; text is written with `write_string` only, so no cell ever becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineError, CalamineWorkbook
from xlsxwriter.worksheet import Worksheet

from desktop.domain import InvalidData, Patient, Problem
from desktop.exchange.atomic_file import atomic_output
from desktop.exchange.compat_xlsx import ExactNumberSheet
from desktop.exchange.progress import PatientStream
from desktop.exchange.tables import TABLES, patient_rows
from desktop.exchange.tables_read import RawTable, patients_from_tables

MAX_ROWS = 1_048_576  # rows of an Excel sheet, header included
MAX_WIDTH = 50
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()  # serial 0 of the 1900 date system (xlsxwriter's default)


def _write(workbook: xlsxwriter.Workbook, patients: Iterable[Patient], progress: Callable[[int], None] | None) -> int:
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheets: dict[str, Worksheet] = {}
    widths: dict[str, list[int]] = {}
    next_row: dict[str, int] = {}
    for table, columns in TABLES.items():
        sheet = sheets[table] = workbook.add_worksheet(table, worksheet_class=ExactNumberSheet)
        sheet.freeze_panes(1, 0)
        for col, name in enumerate(columns):
            sheet.write_string(0, col, name, bold)
        widths[table] = [len(name) for name in columns]
        next_row[table] = 1
    stream = PatientStream(patients, progress)
    for patient in stream:
        for table, cells in patient_rows(patient):
            sheet, width, row = sheets[table], widths[table], next_row[table]
            if row >= MAX_ROWS:
                raise ValueError(f"the {table} sheet would exceed Excel's {MAX_ROWS:,} rows; export CSV instead")
            for col, cell in enumerate(cells):
                if cell is None:
                    continue
                if isinstance(cell, str):
                    sheet.write_string(row, col, cell)
                    size = len(cell)
                elif isinstance(cell, dt.date):  # the Excel serial number, date-formatted (write_datetime's own
                    sheet.write_number(row, col, cell.toordinal() - _EXCEL_EPOCH, date_format)  # conversion: 8%)
                    size = 10
                else:
                    sheet.write_number(row, col, cell)
                    size = len(repr(cell))
                if size > width[col]:
                    width[col] = size
            next_row[table] = row + 1
    for table, sheet in sheets.items():
        for col, size in enumerate(widths[table]):
            sheet.set_column(col, col, min(size, MAX_WIDTH) + 2)
    return stream.count


def write_xlsx_workbook(patients: Iterable[Patient], out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write the tables as one workbook at `out`; atomic, in xlsxwriter's constant-memory mode.

    Returns the number of patients. `progress(done)` may raise to cancel; `out` is then untouched.
    """
    out = Path(out)
    with (
        atomic_output(out) as tmp,
        tempfile.TemporaryDirectory(prefix="ventrack-xlsx-", ignore_cleanup_errors=True) as scratch,
    ):
        workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "tmpdir": scratch})
        try:
            count = _write(workbook, patients, progress)
        except BaseException:
            for sheet in workbook.worksheets():  # release the row files before the scratch folder goes
                handle = getattr(sheet, "row_data_fh", None)
                if handle is not None:
                    handle.close()
            raise
        workbook.close()
    return count


def read_xlsx_workbook(path: Path, today: dt.date | None = None) -> list[Patient]:
    """Read and validate a workbook in the tables layout; a missing sheet other than `patients` is empty.

    Date columns take date cells or ISO text; numbers are converted to the model's type. `InvalidData` lists
    every problem.
    """
    path = Path(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except FileNotFoundError:
        raise InvalidData([Problem(None, None, None, f"no such file: {path}")]) from None
    except (CalamineError, zipfile.BadZipFile, OSError, ValueError) as error:
        reason = f"{path.name} is not a readable .xlsx workbook ({error})"
        raise InvalidData([Problem(None, None, None, reason)]) from None
    try:
        problems: list[Problem] = []
        tables: dict[str, RawTable] = {}
        for title in workbook.sheet_names:
            label = f"sheet {title}"
            table = title.lower()
            if table not in TABLES:
                sheets = ", ".join(TABLES)
                problems.append(Problem(None, label, None, f"unknown sheet (a registry workbook has {sheets})"))
                continue
            try:
                rows = iter(workbook.get_sheet_by_name(title).to_python(skip_empty_area=False))
            except CalamineError as error:
                problems.append(Problem(None, label, None, f"cannot be read ({error})"))
                continue
            tables[table] = RawTable(label, next(rows, ()), rows)
        return patients_from_tables(tables, today, problems)
    finally:
        workbook.close()
