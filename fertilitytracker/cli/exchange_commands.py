"""The `import`, `export` and `read-lab` commands (docs/cli.md): CSV, FHIR R4, the full JSON
backup, and lab results read from text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fertilitytracker.cli import EXIT_FAILED, EXIT_OK, add_command, print_json
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.validation import parse_date
from fertilitytracker.storage.files import refuse_journal_target
from fertilitytracker.storage.journal import Journal

FORMAT_CHOICES = ("csv", "fhir", "json")
IMPORT_FORMAT_CHOICES = (*FORMAT_CHOICES, "text")
DATE_ORDER_CHOICES = ("mdy", "dmy")
DATE_ORDER_HELP = "how to read dates like 03/04/2026: mdy (March 4) or dmy (3 April)"
# How many places of one skip reason are listed before "and N more".
SHOWN_PLACES = 5


def register(commands: Any) -> None:
    """Add `import` and `export` to the command tree."""
    importer = add_command(commands, "import", "add records from a file; a repeat adds nothing")
    importer.add_argument("file", metavar="FILE")
    importer.add_argument(
        "--format",
        choices=IMPORT_FORMAT_CHOICES,
        help="default: from the content; text reads lab results as printed (also a PDF)",
    )
    importer.add_argument("--date", help="text only: the draw date where the text prints none")
    importer.add_argument("--date-order", choices=DATE_ORDER_CHOICES, help=DATE_ORDER_HELP)
    importer.add_argument(
        "--dry-run", action="store_true", help="show what would be imported, write nothing"
    )
    importer.add_argument("--json", action="store_true", help="print the outcome as JSON")
    importer.set_defaults(handler=_import)

    reader = add_command(
        commands,
        "read-lab",
        "read lab results from text or a text PDF and print the proposed draws; writes nothing",
    )
    reader.add_argument("file", metavar="FILE", help="a .txt or .pdf file, or - for the input")
    reader.add_argument("--json", action="store_true")
    reader.add_argument("--date-order", choices=DATE_ORDER_CHOICES, help=DATE_ORDER_HELP)
    reader.set_defaults(journal_free_handler=_read_lab)

    exporter = add_command(commands, "export", "write the whole journal to a file")
    exporter.add_argument("out", metavar="OUT")
    exporter.add_argument(
        "--format", choices=FORMAT_CHOICES, help="default: from the name (.csv, .fhir.json, .json)"
    )
    exporter.set_defaults(handler=_export)


def _import(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.exchange import import_file

    draw_date = parse_date(args.date, "date") if args.date else None
    if draw_date is not None and args.format != "text" and not args.file.lower().endswith(".pdf"):
        raise InputError("date", "--date applies to --format text only")
    try:
        plan, _ = import_file(
            journal,
            Path(args.file),
            args.format,
            dry_run=args.dry_run,
            draw_date=draw_date,
            date_order=args.date_order,
        )
    except InputError as error:
        raise _with_cli_hint(error) from None
    if args.json:
        document = plan.to_json()
        document["written"] = not args.dry_run
        print_json(document)
        return EXIT_OK
    prefix = "would import: " if args.dry_run else ""
    print(f"{prefix}{plan.summary()}")
    for reason, places in plan.skipped_by_reason():
        shown = ", ".join(places[:SHOWN_PLACES])
        more = f" and {len(places) - SHOWN_PLACES} more" if len(places) > SHOWN_PLACES else ""
        print(f"  skipped {len(places)}: {reason} ({shown}{more})")
    if plan.unlisted_skipped:
        print(f"  skipped {plan.unlisted_skipped} more, not listed")
    for notice in plan.notices:
        print(f"  note: {notice}")
    return EXIT_OK


def _export(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.exchange import export_journal

    refuse_journal_target(Path(args.out), journal.path, "out")
    try:
        result = export_journal(journal, Path(args.out), args.format)
    except OSError as error:
        print(
            f"fertilitytracker: cannot write {args.out}: {error.strerror or error}", file=sys.stderr
        )
        return EXIT_FAILED
    print(result.summary())
    return EXIT_OK


def _with_cli_hint(error: InputError) -> InputError:
    """Say which option answers a date the text leaves open."""
    if error.field != "date":
        return error
    if "date order" in error.reason:
        return InputError("date", f"{error.reason} with --date-order mdy or dmy")
    if "no collection date" in error.reason:
        return InputError("date", f"{error.reason}; give it with --date YYYY-MM-DD")
    return error


def _read_lab(args: argparse.Namespace, _journal_path: Path) -> int:
    """`read-lab FILE|-`: print the draws the text proposes; the journal is not even opened."""
    from fertilitytracker.core.analytes import get_analyte
    from fertilitytracker.services.exchange.lab_files import read_lab_file, read_stream
    from fertilitytracker.services.exchange.lab_text import draw_json, read_lab_text

    text = read_stream(sys.stdin.buffer) if args.file == "-" else read_lab_file(Path(args.file))
    lab_text = read_lab_text(text, args.date_order)
    for draw in lab_text.draws:
        if draw.date_problem:
            raise _with_cli_hint(InputError("date", draw.date_problem))
    if args.json:
        print_json([draw_json(draw) for draw in lab_text.draws])
        return EXIT_OK
    for draw in lab_text.draws:
        when = draw.date.isoformat() if draw.date else "date not printed"
        when += f" {draw.time:%H:%M}" if draw.time else ""
        fasting = {True: ", fasting", False: ", not fasting", None: ""}[draw.fasting]
        print(f"Draw {when}{fasting}: {len(draw.results)} result(s)")
        for result in draw.results:
            value = f"{result.comparator or ''}{result.value:g} {result.unit}".strip()
            lab_range = _printed_range(result.lab_low, result.lab_high)
            flag = f"  lab flag {result.flag}" if result.flag else ""
            problem = f"  ! {result.problem}" if result.problem else ""
            name = get_analyte(result.analyte).name
            print(
                f"  line {result.line_number:>3}  {name:<22} {value:<14}{lab_range}{flag}{problem}"
            )
        for line in draw.not_read:
            print(f"  line {line.line_number:>3}  not read ({line.reason}): {line.line}")
    print("Nothing was written; `import FILE --format text` records these results.")
    return EXIT_OK


def _printed_range(low: float | None, high: float | None) -> str:
    from fertilitytracker.services.formatting import format_bounds

    bounds = format_bounds(low, high, lambda bound: f"{bound:g}", at_least="≥", at_most="≤")
    return f"  lab range {bounds}" if bounds else ""
