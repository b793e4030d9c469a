"""The clinician report PDF: build the data from the journal, lay it out, write it safely.

Threading. The desktop app exports in a background task, and a SQLite connection stays in the
thread that opened it. So the work is split in two:

- in the UI thread (cheap): ``history = journal.history()`` and
  ``settings = report_settings(journal, units=...)``;
- in the worker: ``export_report(history, settings, path, today=..., start=..., end=...,
  page_size=..., progress=...)``, which is ``build_report_data`` + ``write_report_file``
  and touches neither the journal nor Qt.

``write_report(journal, path, ...)`` does all of it in the calling thread (the CLI uses it).

Errors. ``InputError`` (field ``from``/``to``/``units``/``page_size``/``output``) for refused
parameters and for a path whose folder does not exist or that is a folder; ``ReportWriteError``
when the file cannot be written (permissions, disk full). Either way no file, partial or
temporary, is left behind.
"""

# No `from __future__ import annotations`: typing.NamedTuple compiles each string annotation
# into a ForwardRef when it creates the class; evaluated ones it only checks (docs/design.md).
from datetime import date
from pathlib import Path
from typing import NamedTuple, TypedDict, Unpack

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import History, UnitSystem
from fertilitytracker.services.report.data import (
    ProgressCallback,
    ReportData,
    ReportSettings,
    build_report_data,
)
from fertilitytracker.services.report.render import PAGE_SIZES, PageSize, render_pdf
from fertilitytracker.storage.files import write_private_bytes
from fertilitytracker.storage.journal import Journal

# The report holds health data: only its owner may read it.
REPORT_FILE_MODE = 0o600


class ReportWriteError(OSError):
    """The report could not be written to the chosen place (nothing was left there)."""


class ReportResult(NamedTuple):
    """Where the report was written and how many pages it has."""

    path: Path
    pages: int
    size_bytes: int


def report_settings(journal: Journal, *, units: str | None = None) -> ReportSettings:
    """The report settings stored in `journal`; `units` ("us"/"si") overrides the unit setting.

    Call it in the thread that owns the journal, then hand the result to a worker.
    """
    from fertilitytracker.services.settings import get_setting, rule_offsets_setting

    chosen = units if units is not None else get_setting(journal, "unit_system")
    if chosen not in ("us", "si"):
        raise InputError("units", f"unknown unit system '{chosen}' (use us or si)")
    system: UnitSystem = "si" if chosen == "si" else "us"
    return ReportSettings(
        patient_name=str(get_setting(journal, "patient_name") or ""),
        patient_birth_date=str(get_setting(journal, "patient_birth_date") or ""),
        unit_system=system,
        who_edition=str(get_setting(journal, "who_edition")),
        rule_offsets=rule_offsets_setting(journal).stored,
    )


def check_output_path(path: Path | str) -> Path:
    """The report path made absolute, refused (InputError "output") when it cannot be a file.

    A missing folder or a path that is a folder is an input problem (CLI exit 2); a folder
    that exists but cannot be written shows up when writing, as ReportWriteError (exit 1).
    """
    target = Path(path).expanduser()
    if str(path).strip() == "":
        raise InputError("output", "a file name is required")
    if target.is_dir():
        raise InputError("output", f"{target} is a folder: give a file name such as report.pdf")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("output", f"the folder {folder} does not exist")
    return target.absolute()


def write_report_file(
    data: ReportData,
    path: Path | str,
    *,
    page_size: PageSize = "A4",
    progress: ProgressCallback | None = None,
) -> ReportResult:
    """Render `data` and write it to `path` atomically (temporary file, then rename), mode 0600.

    Thread-safe: it uses only `data` and the file system.
    """
    if page_size not in PAGE_SIZES:
        raise InputError("page_size", f"unknown page size '{page_size}' (use A4 or Letter)")
    target = check_output_path(path)
    pdf, pages = render_pdf(data, page_size=page_size, progress=progress)
    if progress is not None:
        progress(0.97, "writing the file")
    _write_atomically(target, pdf)
    if progress is not None:
        progress(1.0, "done")
    return ReportResult(path=target, pages=pages, size_bytes=len(pdf))


def _write_atomically(target: Path, content: bytes) -> None:
    """Write `content` to `target` through a temporary file beside it; never a partial file."""
    try:
        write_private_bytes(target, content)
    except OSError as error:
        raise ReportWriteError(f"cannot write {target}: {error.strerror or error}") from error


def export_report(
    history: History,
    settings: ReportSettings,
    path: Path | str,
    *,
    today: date,
    start: date | None = None,
    end: date | None = None,
    page_size: PageSize = "A4",
    progress: ProgressCallback | None = None,
) -> ReportResult:
    """Build and write the report from an already-read History (the worker-thread entry point).

    `progress(fraction, stage)` is called from the calling thread with 0 ≤ fraction ≤ 1.
    """
    # Refuse a bad path before the work, so the user hears at once.
    check_output_path(path)
    if progress is not None:
        progress(0.0, "starting")
    data = build_report_data(
        history, settings, today=today, start=start, end=end, progress=progress
    )
    return write_report_file(data, path, page_size=page_size, progress=progress)


class ReportOptions(TypedDict, total=False):
    """The optional keywords of `write_report_with_pages`, which `write_report` passes on."""

    start: date | None
    end: date | None
    units: str | None
    page_size: PageSize
    progress: ProgressCallback | None


def write_report(
    journal: Journal, path: Path | str, *, today: date, **options: Unpack[ReportOptions]
) -> Path:
    """Write the clinician report of `journal` to `path` (all in the calling thread)."""
    return write_report_with_pages(journal, path, today=today, **options).path


def write_report_with_pages(
    journal: Journal,
    path: Path | str,
    *,
    today: date,
    start: date | None = None,
    end: date | None = None,
    units: str | None = None,
    page_size: PageSize = "A4",
    progress: ProgressCallback | None = None,
) -> ReportResult:
    """As `write_report`, returning the path, the page count and the size."""
    settings = report_settings(journal, units=units)
    return export_report(
        journal.history(),
        settings,
        path,
        today=today,
        start=start,
        end=end,
        page_size=page_size,
        progress=progress,
    )


__all__ = [
    "PAGE_SIZES",
    "REPORT_FILE_MODE",
    "PageSize",
    "ProgressCallback",
    "ReportData",
    "ReportOptions",
    "ReportResult",
    "ReportSettings",
    "ReportWriteError",
    "build_report_data",
    "check_output_path",
    "export_report",
    "report_settings",
    "write_report",
    "write_report_file",
    "write_report_with_pages",
]
