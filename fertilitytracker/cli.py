"""The command line (../shared/CLI.md is its contract): argparse over the services, no Qt."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from fertilitytracker import __version__
from fertilitytracker.core import clock
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.validation import parse_date, parse_datetime, parse_time
from fertilitytracker.paths import journal_path
from fertilitytracker.storage.database import JournalError
from fertilitytracker.storage.journal import Journal

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2


class _Refused(Exception):
    """Argument parsing refused the command line."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2, as CLI.md promises."""

    def error(self, message: str) -> NoReturn:
        raise _Refused(f"{self.prog}: {message}")


def _add_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"fertilitytracker {__version__}")


def _sub(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    _add_version(parser)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree."""
    parser = _Parser(
        prog="fertilitytracker",
        description="Journal of hormone therapy for male infertility. No command opens the app.",
    )
    _add_version(parser)
    parser.add_argument("--db", metavar="PATH", help="the journal file to use")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    med = _sub(commands, "med", "start, change, stop or list medication regimens")
    med_commands = med.add_subparsers(dest="med_command", metavar="ACTION", parser_class=_Parser)
    med_commands.required = True
    start = _sub(med_commands, "start", "begin a regimen")
    start.add_argument("name")
    start.add_argument("--dose", required=True)
    start.add_argument("--unit", required=True)
    start.add_argument("--schedule", required=True)
    start.add_argument("--date", required=True)
    start.add_argument("--time", help="time of day for the dose reminder, HH:MM")
    start.set_defaults(handler=_med_start)
    change = _sub(med_commands, "change", "a dose or schedule change from a date on")
    change.add_argument("name")
    change.add_argument("--date", required=True)
    change.add_argument("--dose")
    change.add_argument("--unit")
    change.add_argument("--schedule")
    change.set_defaults(handler=_med_change)
    stop = _sub(med_commands, "stop", "end a regimen (no longer taken from --date on)")
    stop.add_argument("name")
    stop.add_argument("--date", required=True)
    stop.set_defaults(handler=_med_stop)
    listing = _sub(med_commands, "list", "list the regimens")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_med_list)

    dose = _sub(commands, "dose", "log one dose taken (or skipped)")
    dose.add_argument("name")
    dose.add_argument("--at", help="YYYY-MM-DDTHH:MM (default: now)")
    dose.add_argument("--dose")
    dose.add_argument("--unit")
    dose.add_argument("--skipped", action="store_true")
    dose.set_defaults(handler=_dose)

    lab = _sub(commands, "lab", "results of one blood draw: DATE ANALYTE VALUE UNIT ...")
    lab.add_argument("date")
    lab.add_argument("triples", nargs="+", metavar="ANALYTE VALUE UNIT")
    lab.add_argument("--time")
    lab.add_argument("--method", help="e.g. LC-MS/MS or immunoassay")
    lab.set_defaults(handler=_lab)

    semen = _sub(commands, "semen", "one semen analysis")
    semen.add_argument("date")
    semen.add_argument("--volume", required=True, metavar="ML")
    semen.add_argument("--concentration", required=True, metavar="M_PER_ML")
    semen.add_argument("--motility", metavar="PCT", help="total motility")
    semen.add_argument("--progressive", metavar="PCT")
    semen.add_argument("--morphology", metavar="PCT")
    semen.add_argument("--abstinence", metavar="DAYS")
    semen.set_defaults(handler=_semen)

    dexa = _sub(commands, "dexa", "one bone density scan")
    dexa.add_argument("date")
    dexa.add_argument("--t-score", required=True, dest="t_score")
    dexa.add_argument("--site")
    dexa.add_argument("--bmd", metavar="G_CM2")
    dexa.set_defaults(handler=_dexa)

    target = _sub(commands, "target", "a clinician's target range (- for an open end)")
    target.add_argument("analyte")
    target.add_argument("low")
    target.add_argument("high")
    target.add_argument("unit")
    target.set_defaults(handler=_target)

    symptom = _sub(commands, "symptom", "a symptom, severity 0 (none) to 10 (worst)")
    symptom.add_argument("date")
    symptom.add_argument("name")
    symptom.add_argument("severity")
    symptom.add_argument("--note")
    symptom.set_defaults(handler=_symptom)

    labs = _sub(commands, "labs", "every draw, oldest first, with derived values and flags")
    labs.add_argument("--json", action="store_true")
    labs.add_argument("--units", choices=("us", "si"))
    labs.set_defaults(handler=_labs)

    doses = _sub(commands, "doses", "logged doses and adherence per regimen")
    doses.add_argument("--json", action="store_true")
    doses.add_argument("--from", dest="start")
    doses.add_argument("--to", dest="end")
    doses.set_defaults(handler=_doses)

    check = _sub(commands, "check", "integrity and foreign-key check of the journal")
    check.set_defaults(handler=_check)

    demo = _sub(commands, "demo", "fill an empty journal with a demo treatment course")
    demo.set_defaults(handler=_demo)
    return parser


# --- handlers: each takes the parsed args and an open journal, returns an exit code ----------


def _med_start(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import start_regimen

    change = start_regimen(
        journal,
        args.name,
        args.dose,
        args.unit,
        args.schedule,
        parse_date(args.date, "date"),
        parse_time(args.time, "time") if args.time else None,
    )
    print(change.summary)
    return EXIT_OK


def _med_change(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import change_regimen

    change = change_regimen(
        journal, args.name, parse_date(args.date, "date"), args.dose, args.unit, args.schedule
    )
    print(change.summary)
    return EXIT_OK


def _med_stop(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import stop_regimen

    print(stop_regimen(journal, args.name, parse_date(args.date, "date")).summary)
    return EXIT_OK


def _med_list(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.views import regimen_json

    regimens = [regimen_json(regimen) for regimen in journal.regimens.all()]
    if args.json:
        _print_json(regimens)
        return EXIT_OK
    if not regimens:
        print("No medications recorded.")
    for item in regimens:
        stop = f" until {item['stop']}" if item["stop"] else ""
        print(
            f"{item['name']} ({item['class']}): {item['dose']:g} {item['unit']}"
            f" {item['schedule']}, from {item['start']}{stop}"
        )
        for step in item["changes"]:  # type: ignore[attr-defined]
            print(f"  changed {step['date']}: {step['dose']:g} {step['unit']} {step['schedule']}")
    return EXIT_OK


def _dose(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import log_dose

    at = parse_datetime(args.at, "at") if args.at else clock.now()
    change = log_dose(journal, args.name, at, args.dose, args.unit, args.skipped)
    print(change.summary)
    return EXIT_OK


def _lab(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import ResultInput, record_draw

    day = parse_date(args.date, "date")
    if len(args.triples) % 3:
        raise InputError("results", "give each result as ANALYTE VALUE UNIT")
    entries = [
        ResultInput(args.triples[i], args.triples[i + 1], args.triples[i + 2], method=args.method)
        for i in range(0, len(args.triples), 3)
    ]
    draw_time = parse_time(args.time, "time") if args.time else None
    print(record_draw(journal, day, entries, draw_time).summary)
    return EXIT_OK


def _semen(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import build_semen, record_semen

    analysis = build_semen(
        parse_date(args.date, "date"),
        args.volume,
        args.concentration,
        args.motility,
        args.progressive,
        args.morphology,
        args.abstinence,
    )
    print(record_semen(journal, analysis).summary)
    return EXIT_OK


def _dexa(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import record_dexa

    change = record_dexa(journal, parse_date(args.date, "date"), args.t_score, args.site, args.bmd)
    print(change.summary)
    return EXIT_OK


def _target(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import set_target

    change = set_target(journal, args.analyte, args.low, args.high, args.unit, clock.today())
    print(change.summary)
    return EXIT_OK


def _symptom(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.journal import record_symptom

    change = record_symptom(
        journal, parse_date(args.date, "date"), args.name, args.severity, args.note
    )
    print(change.summary)
    return EXIT_OK


def _labs(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.settings import unit_system, who_edition
    from fertilitytracker.services.views import all_draw_views, draw_view_json

    system = args.units or unit_system(journal)
    views = all_draw_views(journal.history(), system, who_edition(journal))
    if args.json:
        _print_json([draw_view_json(view) for view in views])
        return EXIT_OK
    if not views:
        print("No results recorded.")
    for view in views:
        print(f"{view.date.isoformat()} ({view.kind})")
        for result in view.results:
            comparator = result.comparator or ""
            print(
                f"  {result.name:<28} {comparator}{result.value:.4g} {result.unit:<8}"
                f" {result.flag.replace('_', ' ')}"
            )
        for key, derived in view.derived.items():
            if key.endswith("_si"):
                continue
            shown = f"{derived.value:.3g}" if derived.value is not None else "—"
            print(f"  {derived.label:<28} {shown} {derived.unit}")
    return EXIT_OK


def _doses(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.views import doses_json

    start = parse_date(args.start, "from") if args.start else None
    end = parse_date(args.end, "to") if args.end else None
    if start and end and start > end:
        raise InputError("from", "the start of the period is after its end")
    summary = doses_json(journal.history(), clock.today(), start, end)
    if args.json:
        _print_json(summary)
        return EXIT_OK
    for item in summary["regimens"]:  # type: ignore[attr-defined]
        share = "—" if item["adherence"] is None else f"{item['adherence']:.0%}"
        print(
            f"{item['name']}: {item['taken']} taken, {item['skipped']} skipped,"
            f" {item['missed']} missed of {item['expected']} expected ({share})"
        )
    return EXIT_OK


def _check(args: argparse.Namespace, journal: Journal) -> int:
    problems = journal.check()
    if problems:
        print(f"{journal.path}: {len(problems)} problem(s) found:")
        for problem in problems:
            print(f"  {problem}")
        return EXIT_FAILED
    print(f"{journal.path}: the journal is healthy (integrity and foreign keys checked).")
    return EXIT_OK


def _demo(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.demo import fill_demo

    if not journal.is_empty():
        raise InputError("journal", "demo data goes only into an empty journal")
    print(fill_demo(journal, clock.today()).summary)
    return EXIT_OK


def _print_json(document: object) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def _fail(code: int, message: str) -> int:
    print(message, file=sys.stderr)
    return code


def run(argv: Sequence[str]) -> int:
    """Parse `argv` and run the command; returns the exit code (CLI.md)."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except _Refused as refusal:
        return _fail(EXIT_REFUSED, str(refusal))
    handler: Callable[[argparse.Namespace, Journal], int] | None = getattr(args, "handler", None)
    if handler is None:
        from fertilitytracker.gui.launch import launch

        return launch(journal_path(args.db))
    try:
        journal = Journal.open(journal_path(args.db))
    except JournalError as error:
        return _fail(EXIT_FAILED, f"fertilitytracker: {error}")
    try:
        return handler(args, journal)
    except InputError as error:
        return _fail(EXIT_REFUSED, f"fertilitytracker: {error.field}: {error.reason}")
    except JournalError as error:
        return _fail(EXIT_FAILED, f"fertilitytracker: {error}")
    except Exception as error:  # the last guard: a user never sees a traceback
        if os.environ.get("FERTILITYTRACKER_DEBUG"):
            raise
        return _fail(
            EXIT_FAILED,
            f"fertilitytracker: unexpected error ({type(error).__name__}: {error});"
            " set FERTILITYTRACKER_DEBUG=1 for details",
        )
    finally:
        journal.close()
