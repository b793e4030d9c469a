"""The `report` and `profile` commands: the clinician summary as PDF (docs/cli.md).

Exit codes: 0 written; 2 refused input (a bad date, --from after --to, an unknown unit
system or page size, a path in a folder that does not exist or a path that is a folder);
1 when the file cannot be written (no permission, disk full). Nothing is left at the path
on failure.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fertilitytracker.cli import (
    EXIT_FAILED,
    EXIT_OK,
    add_command,
    cycle_collection_paused,
    print_json,
)
from fertilitytracker.core import clock
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.validation import parse_date
from fertilitytracker.storage.files import refuse_journal_target
from fertilitytracker.storage.journal import Journal


def register(commands: Any) -> None:
    """Add `report OUT.pdf [--from D] [--to D] [--units us|si]` to the command tree."""
    report = add_command(commands, "report", "write the clinician summary as a PDF")
    report.add_argument("output", metavar="OUT.pdf", help="the PDF file to write")
    report.add_argument("--from", dest="start", metavar="D", help="first day (YYYY-MM-DD)")
    report.add_argument("--to", dest="end", metavar="D", help="last day (default: today)")
    report.add_argument("--units", choices=("us", "si"), help="default: the journal setting")
    report.add_argument("--page-size", dest="page_size", choices=("A4", "Letter"), default="A4")
    report.add_argument("--json", action="store_true", help="print path and pages as JSON")
    # It only reads: opened read-only, as `labs` is (docs/design.md, storage).
    report.set_defaults(handler=_report, read_only=True)

    profile = add_command(
        commands, "profile", "the patient's name and date of birth printed on the report"
    )
    profile.add_argument("--name", metavar="NAME", help='the patient\'s name ("" clears it)')
    profile.add_argument(
        "--birth-date", dest="birth_date", metavar="D", help='YYYY-MM-DD ("" clears it)'
    )
    profile.add_argument("--json", action="store_true", help="print the profile as JSON")
    profile.set_defaults(handler=_profile)


def _profile(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.profile import get_profile, set_profile

    today = clock.today()
    if args.name is None and args.birth_date is None:
        shown = get_profile(journal)
    else:
        shown = set_profile(journal, today=today, name=args.name, birth_date=args.birth_date)
    age = shown.age_on(today)
    if args.json:
        print_json({"name": shown.name, "birth_date": shown.birth_date or None, "age": age})
    else:
        print(f"name: {shown.name or 'not set'}")
        birth = shown.birth_date or "not set"
        print(f"date of birth: {birth}" + (f" (age {age})" if age is not None else ""))
    return EXIT_OK


def _report(args: argparse.Namespace, journal: Journal) -> int:
    with cycle_collection_paused():
        return _write_report(args, journal)


def _write_report(args: argparse.Namespace, journal: Journal) -> int:
    # Imported here so that other commands never load reportlab.
    from fertilitytracker.services.report import ReportWriteError, write_report_with_pages

    start = parse_date(args.start, "from") if args.start else None
    end = parse_date(args.end, "to") if args.end else None
    if start and end and start > end:
        raise InputError("from", f"{start.isoformat()} is after --to {end.isoformat()}")
    refuse_journal_target(args.output, journal.path, "output")
    try:
        result = write_report_with_pages(
            journal,
            args.output,
            today=clock.today(),
            start=start,
            end=end,
            units=args.units,
            page_size=args.page_size,
        )
    except ReportWriteError as error:
        print(f"fertilitytracker: report: {error}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print_json({"path": str(result.path), "pages": result.pages, "bytes": result.size_bytes})
    else:
        pages = "page" if result.pages == 1 else "pages"
        print(f"wrote {result.path} ({result.pages} {pages})")
    return EXIT_OK
