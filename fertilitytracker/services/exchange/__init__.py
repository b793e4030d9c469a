"""Import and export of the journal: CSV, FHIR R4, the full JSON backup and lab report text.

An import is planned first (what would be added, what is already recorded, what is skipped and
why; nothing written), then written in one transaction. `import_file` streams both (stream.py):
its dry run is the desktop's preview and `import --dry-run`, and it writes for the desktop and
the command line alike. `plan_file` plans a whole file in memory and `apply_plan` writes such a
plan. `export_journal` writes the whole journal in one format, readable only by its owner.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange.apply import apply_plan
from fertilitytracker.services.exchange.csv_export import write_csv
from fertilitytracker.services.exchange.csv_format import open_csv
from fertilitytracker.services.exchange.fhir import is_fhir, read_fhir
from fertilitytracker.services.exchange.fhir_write import write_fhir
from fertilitytracker.services.exchange.files import check_import_file, load_json_file
from fertilitytracker.services.exchange.json_backup import is_backup, read_backup, write_backup
from fertilitytracker.services.exchange.plan import (
    ImportPlan,
    Item,
    JournalSnapshot,
    ParsedImport,
    PlanRow,
    Skipped,
    plan_import,
)
from fertilitytracker.services.exchange.stream import (
    ImportCancelled,
    cycle_collector_paused,
    stream_import,
)
from fertilitytracker.services.operations import Change
from fertilitytracker.storage.files import refuse_journal_target
from fertilitytracker.storage.journal import Journal

Format = Literal["csv", "fhir", "json"]
FORMATS: tuple[Format, ...] = ("csv", "fhir", "json")
# Lab report text (or a text-layer PDF) is read, never written.
IMPORT_FORMATS: tuple[str, ...] = (*FORMATS, "text")


def _check_format(format: str | None) -> Format | None:
    if format is None:
        return None
    if format not in FORMATS:
        raise InputError("format", f"'{format}' is not one of {', '.join(FORMATS)}")
    return format


def export_format_for(path: Path, format: str | None = None) -> Format:
    """The export format: `format` when given, else from the name (.csv, .fhir.json, .json)."""
    chosen = _check_format(format)
    if chosen is not None:
        return chosen
    name = path.name.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".fhir.json") or name.endswith(".fhir"):
        return "fhir"
    if name.endswith(".json"):
        return "json"
    raise InputError(
        "format", f"cannot tell the format from '{path.name}'; use --format csv, fhir or json"
    )


def read_file(
    path: Path | str,
    format: str | None = None,
    *,
    draw_date: date | None = None,
    date_order: str | None = None,
) -> ParsedImport:
    """Read and validate a file (no journal needed); refuses it whole with InputError.

    For lab report text (`format` "text", or a PDF), `draw_date` dates the results the text
    prints no collection date for, and `date_order` ("mdy"/"dmy") reads dates like 03/04/2026.
    """
    with open_file(path, format, draw_date=draw_date, date_order=date_order) as (parsed, items):
        parsed.items.extend(items)
    return parsed


@contextlib.contextmanager
def open_file(
    path: Path | str,
    format: str | None = None,
    *,
    draw_date: date | None = None,
    date_order: str | None = None,
) -> Iterator[tuple[ParsedImport, Iterator[Item]]]:
    """A file's items as a stream (a CSV is read row by row while they are taken; the other
    formats are read whole first). Skipped entries and notices gather in the ParsedImport."""
    path = Path(path)
    if format == "text" or (format is None and path.suffix.lower() == ".pdf"):
        whole = _read_lab_text_file(path, draw_date, date_order)
    else:
        chosen = _check_format(format)
        check_import_file(path)
        if chosen == "csv" or (chosen is None and not _looks_like_json(path)):
            with open_csv(path) as opened:
                yield opened
            return
        whole = _read_json_file(path, chosen)
    items, whole.items = whole.items, []
    yield whole, iter(items)


def _read_json_file(path: Path, chosen: Format | None) -> ParsedImport:
    document = load_json_file(path)
    if chosen == "fhir" or (chosen is None and is_fhir(document)):
        return read_fhir(document)
    if chosen == "json" or (chosen is None and is_backup(document)):
        return read_backup(document)
    raise InputError("file", f"{path.name} is neither a Fertility Tracker backup nor FHIR JSON")


def _read_lab_text_file(path: Path, draw_date: date | None, date_order: str | None) -> ParsedImport:
    from fertilitytracker.services.exchange.lab_files import read_lab_file
    from fertilitytracker.services.exchange.lab_text import (
        check_date_order,
        parsed_import,
        read_lab_text,
        with_date,
    )

    lab_text = read_lab_text(read_lab_file(path), check_date_order(date_order))
    return parsed_import(with_date(lab_text, draw_date))


def _looks_like_json(path: Path) -> bool:
    if path.name.lower().endswith(".json"):
        return True
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"["))


def plan_file(
    path: Path | str,
    snapshot: JournalSnapshot,
    format: str | None = None,
    *,
    draw_date: date | None = None,
    date_order: str | None = None,
) -> ImportPlan:
    """What importing `path` would do to the journal of `snapshot`; nothing is written.

    Safe to run off the UI thread: it reads only the file and the snapshot.
    """
    path = Path(path)
    parsed = read_file(path, format, draw_date=draw_date, date_order=date_order)
    return plan_import(parsed, snapshot, path.name)


def import_file(
    journal: Journal,
    path: Path | str,
    format: str | None = None,
    *,
    dry_run: bool = False,
    draw_date: date | None = None,
    date_order: str | None = None,
    expected: str | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[int], None] = lambda _entries: None,
) -> tuple[ImportPlan, Change | None]:
    """Plan and (unless `dry_run`) write an import in one transaction, streamed (stream.py):
    the plan returned counts every entry and lists the first ones.

    The desktop previews with a dry run and imports with `expected`, the preview's `outcome`
    (an import that would differ from its preview writes nothing); `cancelled` and `progress`
    are asked and told between entries (stream.py)."""
    path = Path(path)
    opened = open_file(path, format, draw_date=draw_date, date_order=date_order)
    with cycle_collector_paused(), opened as (parsed, items):
        return stream_import(
            journal,
            path.name,
            parsed,
            items,
            dry_run=dry_run,
            expected=expected,
            cancelled=cancelled,
            progress=progress,
        )


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    format: Format
    count: int  # rows (CSV), resources (FHIR) or records (JSON)

    def summary(self) -> str:
        what = {"csv": "rows", "fhir": "FHIR resources", "json": "records"}[self.format]
        return f"wrote {self.path} ({self.count} {what}, {self.format})"


def export_snapshot(
    snapshot: JournalSnapshot, path: Path | str, format: str | None = None
) -> ExportResult:
    """Write a snapshot of the journal to `path` (0600; safe off the UI thread)."""
    path = Path(path)
    chosen = export_format_for(path, format)
    writer = {"csv": write_csv, "fhir": write_fhir, "json": write_backup}[chosen]
    count = writer(snapshot, path)
    return ExportResult(path, chosen, count)


def export_journal(journal: Journal, path: Path | str, format: str | None = None) -> ExportResult:
    """Write the whole journal to `path` in `format` (else chosen by the file name).

    Refuses (InputError "out") a path that is the journal or one of its backups.
    """
    refuse_journal_target(Path(path), journal.path, "out")
    return export_snapshot(JournalSnapshot.of(journal), path, format)


__all__ = [
    "FORMATS",
    "IMPORT_FORMATS",
    "ExportResult",
    "Format",
    "ImportCancelled",
    "ImportPlan",
    "JournalSnapshot",
    "ParsedImport",
    "PlanRow",
    "Skipped",
    "apply_plan",
    "export_format_for",
    "export_journal",
    "export_snapshot",
    "import_file",
    "plan_file",
    "read_file",
]
