"""The `import` and `export` commands (docs/cli.md): CSV, FHIR R4 and the full JSON backup."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fertilitytracker.cli import EXIT_FAILED, EXIT_OK, add_command, print_json
from fertilitytracker.storage.files import refuse_journal_target
from fertilitytracker.storage.journal import Journal

FORMAT_CHOICES = ("csv", "fhir", "json")
# How many places of one skip reason are listed before "and N more".
SHOWN_PLACES = 5


def register(commands: Any) -> None:
    """Add `import` and `export` to the command tree."""
    importer = add_command(commands, "import", "add records from a file; a repeat adds nothing")
    importer.add_argument("file", metavar="FILE")
    importer.add_argument("--format", choices=FORMAT_CHOICES, help="default: from the content")
    importer.add_argument(
        "--dry-run", action="store_true", help="show what would be imported, write nothing"
    )
    importer.add_argument("--json", action="store_true", help="print the outcome as JSON")
    importer.set_defaults(handler=_import)

    exporter = add_command(commands, "export", "write the whole journal to a file")
    exporter.add_argument("out", metavar="OUT")
    exporter.add_argument(
        "--format", choices=FORMAT_CHOICES, help="default: from the name (.csv, .fhir.json, .json)"
    )
    exporter.set_defaults(handler=_export)


def _import(args: argparse.Namespace, journal: Journal) -> int:
    from fertilitytracker.services.exchange import import_file

    plan, _ = import_file(journal, Path(args.file), args.format, dry_run=args.dry_run)
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
