"""Commands that record to and read from the journal (docs/cli.md "Recording" and "Reading")."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fertilitytracker.cli import EXIT_OK, add_command, cycle_collection_paused, print_json
from fertilitytracker.core import clock
from fertilitytracker.core.errors import InputError
from fertilitytracker.storage.journal import Journal


def register(commands: Any) -> None:
    """Add the recording and reading commands to the command tree."""
    med = add_command(commands, "med", "start, change, stop or list medication regimens")
    med_commands = med.add_subparsers(dest="med_command", metavar="ACTION")
    med_commands.required = True
    start = add_command(med_commands, "start", "begin a regimen")
    start.add_argument("name")
    start.add_argument("--dose", required=True)
    start.add_argument("--unit", required=True)
    start.add_argument("--schedule", required=True)
    start.add_argument("--date", required=True)
    start.add_argument("--time", help="time of day for the dose reminder, HH:MM")
    start.set_defaults(handler=_med_start)
    change = add_command(med_commands, "change", "a dose or schedule change from a date on")
    change.add_argument("name")
    change.add_argument("--date", required=True)
    change.add_argument("--dose")
    change.add_argument("--unit")
    change.add_argument("--schedule")
    change.set_defaults(handler=_med_change)
    stop = add_command(med_commands, "stop", "end a regimen (no longer taken from --date on)")
    stop.add_argument("name")
    stop.add_argument("--date", required=True)
    stop.set_defaults(handler=_med_stop)
    listing = add_command(med_commands, "list", "list the regimens")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_med_list)

    dose = add_command(commands, "dose", "log one dose taken (or skipped)")
    dose.add_argument("name")
    dose.add_argument("--at", help="YYYY-MM-DDTHH:MM (default: now)")
    dose.add_argument("--dose")
    dose.add_argument("--unit")
    dose.add_argument("--skipped", action="store_true")
    dose.set_defaults(handler=_dose)

    lab = add_command(commands, "lab", "results of one blood draw: DATE ANALYTE VALUE UNIT ...")
    lab.add_argument("date")
    lab.add_argument("triples", nargs="+", metavar="ANALYTE VALUE UNIT")
    lab.add_argument("--time")
    lab.add_argument("--method", help="e.g. LC-MS/MS or immunoassay")
    lab.add_argument(
        "--fasting",
        action=argparse.BooleanOptionalAction,
        help="the patient had fasted before the draw (--no-fasting: had not)",
    )
    lab.set_defaults(handler=_lab)

    semen = add_command(commands, "semen", "one semen analysis")
    semen.add_argument("date")
    semen.add_argument("--volume", required=True, metavar="ML")
    semen.add_argument("--concentration", required=True, metavar="M_PER_ML")
    semen.add_argument("--motility", metavar="PCT", help="total motility")
    semen.add_argument("--progressive", metavar="PCT")
    semen.add_argument("--morphology", metavar="PCT")
    semen.add_argument("--abstinence", metavar="DAYS")
    semen.set_defaults(handler=_semen)

    dexa = add_command(commands, "dexa", "one bone density scan")
    dexa.add_argument("date")
    dexa.add_argument("--t-score", required=True, dest="t_score")
    dexa.add_argument("--site")
    dexa.add_argument("--bmd", metavar="G_CM2")
    dexa.set_defaults(handler=_dexa)

    target = add_command(commands, "target", "a clinician's target range (- for an open end)")
    target.add_argument("analyte")
    target.add_argument("low")
    target.add_argument("high")
    target.add_argument("unit")
    target.set_defaults(handler=_target)

    symptom = add_command(commands, "symptom", "a symptom, severity 0 (none) to 10 (worst)")
    symptom.add_argument("date")
    symptom.add_argument("name")
    symptom.add_argument("severity")
    symptom.add_argument("--note")
    symptom.set_defaults(handler=_symptom)

    labs = add_command(commands, "labs", "every draw, oldest first, with derived values and flags")
    labs.add_argument("--json", action="store_true")
    labs.add_argument("--units", choices=("us", "si"))
    labs.set_defaults(handler=_labs, read_only=True)

    doses = add_command(commands, "doses", "logged doses and adherence per regimen")
    doses.add_argument("--json", action="store_true")
    doses.add_argument("--from", dest="start")
    doses.add_argument("--to", dest="end")
    doses.set_defaults(handler=_doses)

    demo = add_command(commands, "demo", "fill an empty journal with a demo treatment course")
    demo.set_defaults(handler=_demo)


# --- handlers: each takes the parsed args and an open journal, returns an exit code ----------
# Each imports what it needs when it runs: a reading command (`labs --json`) pays for no
# parsing of dates, and no command for the services of another.


def _med_start(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.core.validation import parse_date, parse_time
    from fertilitytracker.services.operations import start_regimen

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
    from fertilitytracker.core.validation import parse_date
    from fertilitytracker.services.operations import change_regimen

    change = change_regimen(
        journal, args.name, parse_date(args.date, "date"), args.dose, args.unit, args.schedule
    )
    print(change.summary)
    return EXIT_OK


def _med_stop(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.core.validation import parse_date
    from fertilitytracker.services.operations import stop_regimen

    print(stop_regimen(journal, args.name, parse_date(args.date, "date")).summary)
    return EXIT_OK


def _med_list(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.json_views import regimen_json

    regimens = [regimen_json(regimen) for regimen in journal.regimens.all()]
    if args.json:
        print_json(regimens)
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
    from fertilitytracker.core.validation import parse_datetime
    from fertilitytracker.services.operations import log_dose

    at = parse_datetime(args.at, "at") if args.at else clock.now()
    change = log_dose(journal, args.name, at, args.dose, args.unit, args.skipped)
    print(change.summary)
    return EXIT_OK


def _lab(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.core.validation import parse_date, parse_time
    from fertilitytracker.services.operations import ResultInput, record_draw

    day = parse_date(args.date, "date")
    if len(args.triples) % 3:
        raise InputError("results", "give each result as ANALYTE VALUE UNIT")
    entries = [
        ResultInput(args.triples[i], args.triples[i + 1], args.triples[i + 2], method=args.method)
        for i in range(0, len(args.triples), 3)
    ]
    draw_time = parse_time(args.time, "time") if args.time else None
    print(record_draw(journal, day, entries, draw_time, fasting=args.fasting).summary)
    _warn_unit_slips(entries)
    return EXIT_OK


def _warn_unit_slips(entries: list[Any]) -> None:
    """A value that fits another unit far better is saved as given, with a warning on stderr."""
    from fertilitytracker.core.plausibility import check_typed_unit_fit

    for entry in entries:
        mismatch = check_typed_unit_fit(entry.analyte, str(entry.value), entry.unit)
        if mismatch is not None:
            print(f"warning: {mismatch.message()}", file=sys.stderr)


def _semen(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.core.validation import parse_date
    from fertilitytracker.services.operations import build_semen, record_semen

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
    from fertilitytracker.core.validation import parse_date
    from fertilitytracker.services.operations import record_dexa

    change = record_dexa(journal, parse_date(args.date, "date"), args.t_score, args.site, args.bmd)
    print(change.summary)
    return EXIT_OK


def _target(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.operations import set_target

    change = set_target(journal, args.analyte, args.low, args.high, args.unit, clock.today())
    print(change.summary)
    return EXIT_OK


def _symptom(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.core.validation import parse_date
    from fertilitytracker.services.operations import record_symptom

    change = record_symptom(
        journal, parse_date(args.date, "date"), args.name, args.severity, args.note
    )
    print(change.summary)
    return EXIT_OK


def _labs(args: argparse.Namespace, journal: Journal) -> int:
    with cycle_collection_paused():
        return _print_labs(args, journal)


def _print_labs(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.formatting import format_beside
    from fertilitytracker.services.json_views import draw_view_json, labs_json_text
    from fertilitytracker.services.result_words import DERIVED_LABELS, estradiol_caution, flag_words
    from fertilitytracker.services.settings import unit_system, who_edition
    from fertilitytracker.services.views import all_draw_views

    system = args.units or unit_system(journal)
    # Only what the draws and their context need (docs/clinical.md §8): neither symptoms nor
    # the dose log are read; the last dose before each draw is found through the index.
    history = journal.history(("regimens", "draws", "semen", "dexa", "targets"))
    last_taken = journal.labs.last_doses_taken()
    views = all_draw_views(history, system, who_edition(journal), last_taken)
    if args.json:
        if sys.stdout.isatty():
            print_json([draw_view_json(view) for view in views])  # indented for a person
        else:
            # The same document on one line, as print_json writes it for a program.
            sys.stdout.write(labs_json_text(views) + "\n")
        return EXIT_OK
    if not views:
        print("No results recorded.")
    for view in views:
        print(f"{view.date.isoformat()} ({view.kind})")
        for result in view.results:
            comparator = result.comparator or ""
            print(
                f"  {result.name:<30} {comparator}{result.value:.4g} {result.unit:<8}"
                f" {flag_words(result)}"
            )
            caution = estradiol_caution(result)
            if caution is not None:
                print(f"    ⚠ estradiol {caution}")
        for key, derived in view.derived.items():
            shown = "—"
            if derived.value is not None:
                # A ratio is never rounded across its reference (docs/clinical.md §3).
                shown = f"{format_beside(derived.value, derived.reference)} {derived.unit}"
            why = f" ({derived.reason})" if derived.value is None and derived.reason else ""
            notes = [derived.note] if derived.note else []
            if derived.below_reference:
                notes.append(f"below the reference {derived.reference:g}")
            if view.derived_flags.get(key) == "low":
                notes.append("below WHO lower reference limit")
            note = f" ({'; '.join(notes)})" if notes else ""
            print(f"  {DERIVED_LABELS.get(key, derived.label):<30} {shown}{why}{note}")
    return EXIT_OK


def _doses(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.core.validation import parse_date
    from fertilitytracker.services.json_views import doses_json

    start = parse_date(args.start, "from") if args.start else None
    end = parse_date(args.end, "to") if args.end else None
    if start and end and start > end:
        raise InputError("from", "the start of the period is after its end")
    summary = doses_json(journal.history(), clock.today(), start, end)
    if args.json:
        print_json(summary)
        return EXIT_OK
    for item in summary["regimens"]:  # type: ignore[attr-defined]
        share = "—" if item["adherence"] is None else f"{item['adherence']:.0%}"
        print(
            f"{item['name']}: {item['taken']} taken, {item['skipped']} skipped,"
            f" {item['missed']} missed of {item['expected']} expected ({share})"
        )
    return EXIT_OK


def _demo(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.demo import fill_demo

    if not journal.is_empty():
        raise InputError("journal", "demo data goes only into an empty journal")
    print(fill_demo(journal, clock.today()).summary)
    return EXIT_OK
