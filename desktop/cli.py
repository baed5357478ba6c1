"""The `ventrack` command (contract.md). Thin: parses arguments, calls services, prints.

Exit status: 0 success, 1 a failed command (one line per problem on standard error), 2 bad usage or an
unexpected error (one line; the traceback goes to the log file only).
With `--json`, standard output carries only JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from desktop import VERSION_LINE, __version__
from desktop.services.parallel import default_jobs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: `export --format` choices (desktop.services.transfer.EXPORT_FORMATS; not imported here, for start-up time).
EXPORT_FORMATS = ("json", "csv", "xlsx", "fhir", "fhir-ndjson", "redcap")
#: Above this many patients a FHIR Bundle is too large for most tools: the export says to use Bulk Data.
BULK_FHIR_FROM = 500
log = logging.getLogger("desktop.cli")


class CommandError(Exception):
    """A command failed; the message is one line for the user."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Bad usage: one line, exit 2 (argparse would print the whole usage first)."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def iso_date(text: str) -> dt.date:
    """An argparse type for YYYY-MM-DD dates."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (expected a real date as YYYY-MM-DD)") from None


def positive_int(text: str) -> int:
    """An argparse type for counts ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}")
    return value


def default_registry_path() -> Path:
    """The default registry in the user data folder (created by the app on first run)."""
    from desktop.services.locations import default_registry

    return default_registry()


# ---- commands --------------------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.ui.app import run_app

    if args.db and not Path(args.db).exists():  # refused before any window, like every other command
        raise CommandError(f"no registry at {args.db} (create one with `ventrack demo` or `ventrack import`)")

    return run_app(Path(args.db) if args.db else None, quit_after_ms=args.quit_after)


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.services.demo_registry import write_demo_registry

    count = write_demo_registry(Path(args.db), args.patients, args.seed, args.today or dt.date.today())
    _info(f"wrote {count} demo patients (seed {args.seed}) to {args.db}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from desktop.services.transfer import import_file

    plan = import_file(
        Path(args.file), Path(args.db), replace=args.replace, dry_run=args.dry_run, progress=_progress_bar("import")
    )
    verb = "would import" if args.dry_run else "imported"
    _info(f"{verb} {len(plan.patients)} patients ({len(plan.added)} new, {len(plan.replaced)} replaced) into {args.db}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.services.transfer import export_registry

    count = export_registry(
        Path(args.db),
        args.format,
        Path(args.out),
        progress=_progress_bar("export"),
        deidentify=args.deidentify,
        jobs=args.jobs,
    )
    _info(f"exported {count} {'de-identified ' if args.deidentify else ''}patients to {args.out}")
    if args.format == "fhir" and count > BULK_FHIR_FROM and Path(args.out).suffix == ".json":
        _info(f"for more than {BULK_FHIR_FROM} patients, --format fhir-ndjson (FHIR Bulk Data) is the format to use")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from desktop.services.checking import check_registry
    from desktop.store import Registry

    with Registry.open(args.db) as registry:
        problems = check_registry(registry)
        count = registry.count_patients()
    if args.json:
        _print_json({"sound": not problems, "problems": [problem.to_json() for problem in problems]})
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        _info(f"{len(problems)} problem(s) in {args.db}")
        return EXIT_FAILED
    print(f"{args.db}: sound ({count} patients)", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    """`eligibility`, `schedule` and `alerts`: evaluate the rules at --as-of and print JSON or a table."""
    from desktop import cli_reports
    from desktop.services import evaluation
    from desktop.store import Registry

    as_of = args.as_of or dt.date.today()
    with Registry.open(args.db) as registry:
        if args.patient is not None and not registry.has_patient(args.patient):
            raise CommandError(f"no patient {args.patient!r} in {args.db}")
        params = evaluation.load_parameters(registry)
        if args.patient is not None or not args.json:
            ids = None if args.patient is None else [args.patient]
            items = evaluation.command_items(args.command, evaluation.patient_facts(registry, as_of, params, ids))
    if args.json and args.patient is None:
        _print_json_list(evaluation.registry_json_body(Path(args.db), args.command, as_of, params, args.jobs))
    elif args.json:
        _print_json(items)
    else:
        tables = {"eligibility": cli_reports.eligibility_table, "schedule": cli_reports.schedule_table,
                  "alerts": cli_reports.alerts_table}  # fmt: skip
        print(f"{args.command} as of {as_of.isoformat()}")
        print(tables[args.command](items))
    return EXIT_OK


def cmd_outcomes(args: argparse.Namespace) -> int:
    """`outcomes`: the registry's outcomes (clinical-rules §9) beside the published figures."""
    from desktop import cli_reports
    from desktop.services.outcomes import registry_outcomes
    from desktop.store import Registry

    as_of = args.as_of or dt.date.today()
    if args.pdf:  # Qt is imported for the PDF only (offscreen without a display: `pdf_pages.ensure_application`)
        from desktop.ui.app import write_outcomes_report

        output = write_outcomes_report(Path(args.db), as_of, Path(args.pdf))
        _info(f"wrote the registry outcomes as of {as_of.isoformat()} to {args.pdf}")
    else:
        with Registry.open(args.db) as registry:
            output = registry_outcomes(registry, as_of).to_json()
    if args.json:
        _print_json(output)
    elif not args.pdf:
        print(cli_reports.outcomes_table(output))
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    """Show or change the registry's clinical parameters (changes are audited)."""
    from desktop.clinical.parameters import DEFAULT_PARAMETERS, InvalidParameters, Parameters
    from desktop.services import evaluation
    from desktop.store import Registry

    with Registry.open(args.db) as registry:
        params = evaluation.load_parameters(registry)
        if args.reset or args.set:
            values = DEFAULT_PARAMETERS.to_dict() if args.reset else params.to_dict()
            for assignment in args.set or ():
                name, _, text = assignment.partition("=")
                values[name.strip()] = _parameter_value(text.strip())
            try:
                params = Parameters.from_dict(values)
            except InvalidParameters as error:
                raise CommandError(str(error)) from None
            evaluation.save_parameters(registry, params)
            _info("clinical parameters saved (recorded in the audit log)")
    if args.json:
        _print_json(params.to_dict())
    else:
        for name, value in params.to_dict().items():
            default = DEFAULT_PARAMETERS.to_dict()[name]
            print(f"{name:<28} {value!s:<24} {'' if value == default else f'(default {default})'}".rstrip())
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """`report`: one patient's summary as a PDF. Qt is imported here only: no other command loads it."""
    from desktop.ui.app import write_patient_summary

    as_of = args.as_of or dt.date.today()
    pages = write_patient_summary(
        Path(args.db), args.patient, Path(args.out), as_of, hide_identifiers=args.hide_identifiers
    )
    if pages is None:
        raise CommandError(f"no patient {args.patient!r} in {args.db}; nothing was written")
    _info(f"wrote the summary of {args.patient} as of {as_of.isoformat()} ({pages} pages) to {args.out}")
    return EXIT_OK


def _parameter_value(text: str) -> Any:
    """A parameter value from `--set NAME=VALUE`: a number, or a comma-separated gene list."""
    import json  # here and in _print_json, not at the top: `ventrack gui` starts without it

    try:
        return json.loads(text)
    except ValueError:
        return [part.strip() for part in text.split(",") if part.strip()]


# ---- helpers ---------------------------------------------------------------------------------------


def _info(message: str) -> None:
    print(message, file=sys.stderr)


def _progress_bar(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress bar on standard error when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def _print_json(value: Any) -> None:
    """JSON on standard output; a list gets one compact element per line (C encoder: fast for 10,000 rows)."""
    import json

    if isinstance(value, list):
        _print_json_list(",\n".join(json.dumps(item, ensure_ascii=False) for item in value))
    else:
        sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1) + "\n")


def _print_json_list(body: str) -> None:
    """A JSON list on standard output from its elements, one per line joined by `,\\n` (`[]` when none)."""
    sys.stdout.write(f"[\n{body}\n]\n" if body else "[]\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `ventrack`."""
    parser = _Parser(prog="ventrack", description="VenTrack: venetoclax-HMA registry and decision support.")
    parser.add_argument("--version", action="version", version=VERSION_LINE)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    gui = sub.add_parser("gui", help="open the desktop app")
    gui.add_argument("--db", help="registry file (default: the registry in the user data folder)")
    gui.add_argument("--quit-after", type=positive_int, metavar="MS", help=argparse.SUPPRESS)  # smoke tests only
    gui.set_defaults(func=cmd_gui)

    demo = sub.add_parser("demo", help="write a registry of synthetic, clinically plausible patients")
    demo.add_argument("--db", required=True, help="registry file (created if absent)")
    demo.add_argument("--patients", type=positive_int, default=200, help="number of patients (default 200)")
    demo.add_argument("--seed", type=int, default=1, help="random seed: same seed, same registry (default 1)")
    demo.add_argument("--today", type=iso_date, help="date the demo is anchored to (default: today)")
    demo.add_argument("--encrypt", action="store_true", help="create an encrypted registry (SQLCipher)")
    demo.set_defaults(func=cmd_demo)

    imp = sub.add_parser("import", help="import a registry file, all or nothing")
    imp.add_argument(
        "file", help="registry file: .json (exchange file or FHIR Bundle), .ndjson, .csv/.zip/folder, .xlsx"
    )
    imp.add_argument("--db", required=True, help="registry file (created if absent)")
    imp.add_argument("--replace", action="store_true", help="replace patients whose id is already in the registry")
    imp.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    imp.add_argument("--encrypt", action="store_true", help="create the registry encrypted (SQLCipher)")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export the registry")
    exp.add_argument("--db", required=True, help="registry file")
    exp.add_argument(
        "--format",
        required=True,
        choices=EXPORT_FORMATS,
        help="json: exchange file v2; csv: tables in a folder or .zip; xlsx: workbook; "
        "fhir: R4 Bundle (.json), .ndjson or bulk-data folder; fhir-ndjson: FHIR Bulk Data folder; "
        "redcap: dictionary + data in a folder or .zip",
    )
    exp.add_argument("--out", required=True, help="output file or folder (replaced atomically)")
    exp.add_argument(
        "--deidentify",
        action="store_true",
        help="pseudonymisation with date shifting (not HIPAA Safe Harbor): no names, MRNs or birth dates; "
        "pseudonymous ids; each patient's dates moved back 1-180 days",
    )
    exp.add_argument("--jobs", type=positive_int, default=default_jobs(), metavar="N",
                     help=f"processes writing fhir-ndjson (default: the cores, here {default_jobs()})")  # fmt: skip
    exp.set_defaults(func=cmd_export)

    for name, what in (
        ("eligibility", "treatment-free-remission eligibility, one result per patient"),
        ("schedule", "MRD follow-up schedule items"),
        ("alerts", "active alerts"),
    ):
        command = sub.add_parser(name, help=what)
        command.add_argument("--db", required=True, help="registry file")
        command.add_argument("--patient", metavar="ID", help="only this patient")
        command.add_argument("--as-of", type=iso_date, metavar="DATE", help="evaluate at DATE (default: today)")
        command.add_argument("--json", action="store_true", help="print JSON only (contract.md)")
        command.add_argument("--jobs", type=positive_int, default=default_jobs(), metavar="N",
                             help="processes for the registry-wide --json (default: the cores, here "
                             f"{default_jobs()}); the output is the same")  # fmt: skip
        command.set_defaults(func=cmd_evaluate)

    outcomes = sub.add_parser("outcomes", help="registry outcomes (clinical-rules §9) beside the published figures")
    outcomes.add_argument("--db", required=True, help="registry file")
    outcomes.add_argument("--as-of", type=iso_date, metavar="DATE", help="compute at DATE (default: today)")
    outcomes.add_argument("--json", action="store_true", help="print JSON only (contract.md)")
    outcomes.add_argument("--pdf", metavar="FILE", help="write the outcomes report as a PDF (contract v2)")
    outcomes.set_defaults(func=cmd_outcomes)

    settings = sub.add_parser("settings", help="show or change the registry's clinical parameters (audited)")
    settings.add_argument("--db", required=True, help="registry file")
    settings.add_argument("--set", action="append", metavar="NAME=VALUE", help="change a parameter (repeatable)")
    settings.add_argument("--reset", action="store_true", help="restore the defaults of clinical-rules.md")
    settings.add_argument("--json", action="store_true", help="print the parameters as JSON")
    settings.set_defaults(func=cmd_settings)

    from desktop.cli_passphrase import add_commands

    add_commands(sub)

    check = sub.add_parser("check", help="integrity and consistency check; exit 0 when sound")
    check.add_argument("--db", required=True, help="registry file")
    check.add_argument("--json", action="store_true", help="print {sound, problems} as JSON")
    check.set_defaults(func=cmd_check)

    report = sub.add_parser("report", help="a patient's summary as a PDF, for the clinic or the tumour board")
    report.add_argument("--db", required=True, help="registry file")
    report.add_argument("--patient", required=True, metavar="ID", help="the patient")
    report.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF file to write (replaced atomically)")
    report.add_argument("--as-of", type=iso_date, metavar="DATE", help="evaluate at DATE (default: today)")
    report.add_argument("--hide-identifiers", action="store_true", help="no name, MRN or birth date in the PDF")
    report.set_defaults(func=cmd_report)
    return parser


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a command runs: the rules, imports and exports allocate millions of
    objects and make no reference cycles, and the collections cost 30-40% of their time (measured on 10,000
    patients). The collector is restored afterwards (the GUI has its own policy, `ui.main_thread_gc`)."""
    enabled = gc.isenabled()
    gc.freeze()  # what start-up made is never traced again
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `ventrack` with `argv` (default: the process arguments); return the exit status."""
    os.umask(0o077)  # every file VenTrack creates (registry, backups, exports, logs) is readable by its owner only
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui", *(argv or sys.argv[1:])])
    if args.command != "gui":  # the GUI configures logging once its first window is up
        from desktop.services.logging_setup import configure_logging

        configure_logging()
    log.info("ventrack %s %s", __version__, " ".join(argv if argv is not None else sys.argv[1:]))
    try:
        if args.command != "gui":  # the app asks for a passphrase in a dialog
            from desktop.cli_passphrase import prepare

            prepare(args)
            with cyclic_gc_paused():
                return int(args.func(args))
        return int(args.func(args))
    except KeyboardInterrupt:
        print("ventrack: interrupted; nothing was changed", file=sys.stderr)
    except Exception as error:  # the known failures are reported in one line each, the rest in one line + the log
        return _report_failure(error)
    return EXIT_FAILED


def _report_failure(error: Exception) -> int:
    """Print a failed command's reason (one line per problem); anything else is an unexpected error.

    The domain and store are imported here, not at the top, so `ventrack gui` starts without them.
    """
    from desktop.domain import InvalidData
    from desktop.store import RegistryError

    if isinstance(error, InvalidData):
        log.info("refused: %s", error)
        if len(error.problems) == 1 and error.problems[0].patient_id is None:
            print(f"ventrack: error: {error.problems[0].reason}; nothing was changed", file=sys.stderr)
            return EXIT_FAILED
        for problem in error.problems:
            print(f"ventrack: {problem}", file=sys.stderr)
        print(f"ventrack: error: {len(error.problems)} problem(s); nothing was changed", file=sys.stderr)
    elif isinstance(error, RegistryError | CommandError):
        log.info("failed: %s", error)
        print(f"ventrack: error: {error}", file=sys.stderr)
    elif isinstance(error, OSError):
        print(f"ventrack: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
    else:
        return _report_unexpected(error)
    return EXIT_FAILED


def _report_unexpected(error: Exception) -> int:
    """A bug, not a failure the command explains: one line on standard error, the traceback in the log; exit 2."""
    from desktop.services.logging_setup import configure_logging

    path = configure_logging()  # already configured, except for `gui` failing before its first window
    if path is not None:  # without a log file, logging's last resort would print the traceback on the terminal
        log.error("unexpected error", exc_info=error)
    message = " ".join(str(error).split()) or "no message"
    where = f"details in {path}" if path else "no log file could be written"
    print(f"ventrack: unexpected error: {type(error).__name__}: {message}; {where}", file=sys.stderr)
    return EXIT_USAGE
