"""The `reminders` command (docs/cli.md "Reading"): tests due, as text or JSON, and an .ics file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fertilitytracker.cli import EXIT_FAILED, EXIT_OK, add_command, print_json
from fertilitytracker.core import clock
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.validation import parse_date
from fertilitytracker.storage.files import refuse_journal_target
from fertilitytracker.storage.journal import Journal


def register(commands: Any) -> None:
    """Add `reminders [--json] [--today D] [--ics OUT.ics]` to the command tree."""
    reminders = add_command(
        commands,
        "reminders",
        "tests due from the monitoring rules and the whole history; --ics also writes them "
        "and the dose schedule as an iCalendar file",
    )
    reminders.add_argument("--json", action="store_true", help="print one JSON document")
    reminders.add_argument("--today", metavar="D", help="judge the windows on this date")
    reminders.add_argument("--ics", metavar="OUT.ics", help="also write an iCalendar file")
    reminders.set_defaults(handler=_reminders)


def _ics_target(text: str) -> Path:
    target = Path(text).expanduser()
    if target.is_dir():
        raise InputError("ics", f"{target} is a folder: give a file name such as reminders.ics")
    if not target.parent.is_dir():
        raise InputError("ics", f"the folder {target.parent} does not exist")
    return target


def _reminders(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.ics import write_ics
    from fertilitytracker.services.reminders import describe_test, due_tests_for, reminders_json

    today = parse_date(args.today, "today") if args.today else clock.today()
    target = _ics_target(args.ics) if args.ics else None
    if target is not None:
        refuse_journal_target(target, journal.path, "ics")
    history = journal.history()
    tests = due_tests_for(journal, today, history)
    if target is not None:
        try:
            write_ics(target, tests, history.regimens, clock.now())
        except OSError as error:
            print(
                f"fertilitytracker: {target} could not be written ({error.strerror})",
                file=sys.stderr,
            )
            return EXIT_FAILED
    if args.json:
        print_json(reminders_json(tests))
        return EXIT_OK
    if not tests:
        print(f"No tests due as of {today}.")
    for test in tests:
        print(describe_test(test))
    if target is not None:
        print(f"Calendar written to {target}.")
    return EXIT_OK
