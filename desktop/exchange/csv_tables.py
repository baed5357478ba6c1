"""CSV layout of the registry (docs/tables.md): one file per table, in a folder or a `.zip`.

Files are UTF-8 with a byte-order mark (so Excel reads accents), comma-separated, ISO dates, with the header
row even when a table is empty. Writing is atomic and streams the patients once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import posixpath
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TextIO

from desktop.domain import InvalidData, Patient, Problem
from desktop.exchange.atomic_file import atomic_output
from desktop.exchange.progress import PatientStream
from desktop.exchange.tables import TABLES, Cell, patient_rows
from desktop.exchange.tables_read import RawTable, TableError, patients_from_tables

FILES: dict[str, str] = {table: f"{table}.csv" for table in TABLES}
_TABLE_OF_FILE = {name: table for table, name in FILES.items()}
ENCODING = "utf-8-sig"


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, float):
        return repr(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _write_tables(patients: Iterable[Patient], folder: Path, progress: Callable[[int], None] | None) -> int:
    """Every table file in `folder`, all open at once so the patients are read once."""
    with ExitStack() as stack:
        writers = {}
        for table, columns in TABLES.items():
            handle = stack.enter_context((folder / FILES[table]).open("w", encoding=ENCODING, newline=""))
            writer = csv.writer(handle)
            writer.writerow(columns)
            writers[table] = writer.writerow
        stream = PatientStream(patients, progress)
        for patient in stream:
            for table, row in patient_rows(patient):
                writers[table]([_text(cell) for cell in row])
    return stream.count


def write_csv_tables(patients: Iterable[Patient], out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write the table files into the folder `out`, or into a `.zip` when `out` ends in `.zip`; atomic.

    Returns the number of patients. `progress(done)` may raise to cancel; `out` is then untouched. An existing
    folder is replaced only when it holds nothing but table files (a previous export).
    """
    out = Path(out)
    if out.suffix.lower() == ".zip":
        with (
            atomic_output(out) as tmp,
            tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as scratch,
        ):
            count = _write_tables(patients, Path(scratch), progress)
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
                for name in FILES.values():
                    archive.write(Path(scratch) / name, name)
        return count
    if out.is_dir() and any(child.name not in _TABLE_OF_FILE for child in out.iterdir()):
        raise FileExistsError(f"{out} is a folder with other files in it; choose a new or empty folder")
    with atomic_output(out, directory=True) as folder:
        return _write_tables(patients, folder, progress)


def _csv_rows(handle: TextIO) -> Iterator[list[str]]:
    """Rows of a CSV text; `;` when the header has more of them than commas (Excel in some locales)."""
    try:
        first = handle.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        yield from csv.reader(itertools.chain([first], handle), delimiter=delimiter)
    except UnicodeDecodeError:
        raise TableError("not UTF-8 text (save it as 'CSV UTF-8')") from None
    except csv.Error as error:
        raise TableError(f"not a valid CSV file: {error}") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise TableError(f"cannot be read: {error}") from None


def _table(label: str, handle: TextIO, problems: list[Problem]) -> RawTable | None:
    rows = _csv_rows(handle)
    try:
        header = next(rows, [])
    except TableError as error:
        problems.append(Problem(None, label, None, str(error)))
        return None
    return RawTable(label, header, rows)


def _folder_members(folder: Path) -> list[tuple[str, Callable[[], TextIO]]]:
    """`(file name, opener)` of the CSV files in a folder."""
    children = sorted(child for child in folder.iterdir() if child.suffix.lower() == ".csv")
    return [(child.name, partial(child.open, encoding=ENCODING, newline="")) for child in children]


def _zip_members(archive: zipfile.ZipFile, problems: list[Problem]) -> list[tuple[str, Callable[[], TextIO]]]:
    """`(file name, opener)` of the CSV files beside the archive's `patients.csv` (at its root or in a folder)."""
    names = [
        name
        for name in archive.namelist()
        if name.lower().endswith(".csv") and not name.startswith("__MACOSX/")
        and not posixpath.basename(name).startswith("._")
    ]  # fmt: skip
    bases = sorted({posixpath.dirname(n) for n in names if posixpath.basename(n).lower() == FILES["patients"]})
    if len(bases) > 1:
        problems.append(Problem(None, None, None, f"the archive holds several patients.csv files: {bases}"))

    def opener(name: str) -> TextIO:
        return io.TextIOWrapper(archive.open(name), encoding=ENCODING, newline="")

    base = bases[0] if bases else ""
    return [(posixpath.basename(n), partial(opener, n)) for n in names if posixpath.dirname(n) == base]


def _open_tables(path: Path, stack: ExitStack, problems: list[Problem]) -> dict[str, RawTable]:
    """The tables in the folder or `.zip` at `path`, their files open on `stack`."""
    if path.is_dir():
        members = _folder_members(path)
    else:
        members = _zip_members(stack.enter_context(zipfile.ZipFile(path)), problems)
    tables: dict[str, RawTable] = {}
    for name, opener in members:
        table = _TABLE_OF_FILE.get(name.lower())
        if table is None:
            expected = ", ".join(FILES.values())
            problems.append(Problem(None, name, None, f"unknown table file (a registry has {expected})"))
            continue
        raw = _table(name, stack.enter_context(opener()), problems)
        if raw is not None:
            tables[table] = raw
    return tables


def read_csv_tables(path: Path, today: dt.date | None = None) -> list[Patient]:
    """Read and validate the tables in a folder, a `.zip`, or the folder of the given `patients.csv`.

    A missing table file other than `patients.csv` is an empty table. `InvalidData` lists every problem.
    """
    path = Path(path)
    if path.is_file() and path.name.lower() in _TABLE_OF_FILE:
        path = path.parent
    elif not path.exists():
        raise InvalidData([Problem(None, None, None, f"no such file or folder: {path}")])
    elif not path.is_dir() and path.suffix.lower() != ".zip":
        reason = f"{path.name}: expected a folder or .zip of table files (patients.csv, …) or a patients.csv"
        raise InvalidData([Problem(None, None, None, reason)])
    problems: list[Problem] = []
    with ExitStack() as stack:
        try:
            tables = _open_tables(path, stack, problems)
        except (zipfile.BadZipFile, OSError) as error:
            raise InvalidData([Problem(None, None, None, f"cannot read {path.name}: {error}")]) from None
        return patients_from_tables(tables, today, problems)
