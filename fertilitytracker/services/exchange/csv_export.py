"""The app's own CSV: its columns, formula-safe cells, and the export writer.

The app's CSV holds every kind of record in ONE file, one row per record, with a
`record_type` column (`lab_result`, `semen_analysis`, `dexa_scan`, `regimen`, `regimen_step`,
`dose`, `symptom`, `target`) and the union of the columns in `COLUMNS`; a row fills only the
columns of its kind. One file sorts and filters in any spreadsheet and streams on import; a zip
of one file per kind would not open with a double click. Lab results keep the value as entered
(`value`, `comparator`, `unit`) and in the canonical unit (`value_canonical`,
`unit_canonical`); the lab's range and targets are canonical (`*_canonical`), exactly as
stored. Dates are ISO, numbers use a decimal point with full precision, and text cells that a
spreadsheet would run as a formula (starting with = + - @, tab or CR) carry a leading `'`,
removed again on import. Numbers are never altered: a T-score of -1.5 stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.records import Regimen
from fertilitytracker.services.exchange.builders import DATED_RECORDS, LAB_FIELDS, STEP_FIELDS
from fertilitytracker.services.exchange.files import (
    private_output,
)
from fertilitytracker.services.exchange.plan import JournalSnapshot

# Each column of the app's CSV, in order, with what its cells hold: a number is written by repr
# (full precision, never quoted), any other cell as text.
COLUMN_TYPES: dict[str, type] = {
    "record_type": str,
    "date": date,
    "time": time,
    "analyte": str,
    "value": float,
    "comparator": str,
    "unit": str,
    "value_canonical": float,
    "unit_canonical": str,
    "lab_low_canonical": float,
    "lab_high_canonical": float,
    "method": str,
    "volume_ml": float,
    "concentration_m_per_ml": float,
    "total_motility_pct": float,
    "progressive_motility_pct": float,
    "normal_morphology_pct": float,
    "abstinence_days": int,
    "t_score": float,
    "site": str,
    "bmd_g_cm2": float,
    "medication": str,
    "med_class": str,
    "regimen_start": date,
    "stop": date,
    "dose": float,
    "dose_unit": str,
    "schedule": str,
    "status": str,
    "symptom": str,
    "severity": int,
    "note": str,
    "target_low_canonical": float,
    "target_high_canonical": float,
    "source": str,
}
COLUMNS: tuple[str, ...] = tuple(COLUMN_TYPES)
NUMERIC_COLUMNS = frozenset(name for name, kind in COLUMN_TYPES.items() if kind in (int, float))
RECORD_TYPES = (
    "target",
    "regimen",
    "regimen_step",
    "dose",
    "lab_result",
    "semen_analysis",
    "dexa_scan",
    "symptom",
)
# The record types of the dated records (builders.DATED_RECORDS, by History field).
DATED_TYPES: dict[str, str] = {
    "semen_analysis": "semen",
    "dexa_scan": "dexa",
    "symptom": "symptoms",
}
# A row holds each field of a dated record, a lab result (builders.LAB_FIELDS), a regimen step
# (builders.STEP_FIELDS) or a dose in the column of its name, but where this names another.
FIELD_COLUMNS: dict[str, str] = {
    "name": "symptom",
    "unit": "dose_unit",
    "entered_value": "value",
    "entered_unit": "unit",
    "lab_low": "lab_low_canonical",
    "lab_high": "lab_high_canonical",
}
MISSING_CELLS = frozenset({"", "na", "n/a", "-", "–", "null", "none"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- spreadsheet formula neutralisation ------------------------------------------------------


def _needs_quote(text: str) -> bool:
    """Whether `text` gets a protective `'`: a formula start, or a `'` that hides one."""
    index = 0
    while index < len(text) and text[index] == "'":
        index += 1
    return index < len(text) and text[index] in _FORMULA_STARTS


def neutralise(text: str) -> str:
    """The cell text a spreadsheet will not run as a formula (reversible by `unquote_cell`)."""
    return "'" + text if _needs_quote(text) else text


def unquote_cell(text: str) -> str:
    """The text `neutralise` was given: its protective leading `'` removed."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


# --- export ----------------------------------------------------------------------------------


def _cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    if column in NUMERIC_COLUMNS:
        return value  # numbers are written by repr: full precision, never quoted
    if isinstance(value, date | time):
        return value.isoformat() if isinstance(value, date) else value.strftime("%H:%M")
    return neutralise(str(value))


def csv_rows(snapshot: JournalSnapshot) -> Iterator[dict[str, Any]]:
    """Every record as a row of the app's CSV (dicts keyed by `COLUMNS`)."""
    history = snapshot.history
    for target in history.targets:
        yield {
            "record_type": "target",
            "analyte": target.analyte,
            "target_low_canonical": target.low,
            "target_high_canonical": target.high,
            "unit_canonical": get_analyte(target.analyte).canonical_unit,
            "source": target.source,
            "date": target.set_on,
        }
    names = {}
    for regimen in history.regimens:
        names[regimen.id] = regimen
        yield _regimen_row(
            "regimen",
            regimen,
            med_class=regimen.med_class,
            date=regimen.start,
            stop=regimen.stop,
            time=regimen.time_of_day,
        )
        for step in regimen.steps:
            yield _fields_row(_regimen_row("regimen_step", regimen), step, STEP_FIELDS)
    for dose in history.doses:
        owner = names[dose.regimen_id]
        at = {"date": dose.at.date(), "time": dose.at.time()}
        yield _fields_row(_regimen_row("dose", owner, **at), dose, ("status", "dose", "unit"))
    for draw in history.draws:
        for result in draw.results:
            yield _fields_row(
                {
                    "record_type": "lab_result",
                    "date": draw.date,
                    "time": draw.time,
                    "value_canonical": result.value,
                    "unit_canonical": get_analyte(result.analyte).canonical_unit,
                },
                result,
                LAB_FIELDS,
            )
    for record_type, section in DATED_TYPES.items():
        _, fields = DATED_RECORDS[section]
        for record in getattr(history, section):
            yield _fields_row({"record_type": record_type, "date": record.date}, record, fields)


def _regimen_row(record_type: str, regimen: Regimen, **cells: Any) -> dict[str, Any]:
    """A row of a regimen, a step or a dose of it: each names the regimen by its medication and
    start, as the reader finds it again."""
    return {
        "record_type": record_type,
        "medication": regimen.name,
        "regimen_start": regimen.start,
        **cells,
    }


def _fields_row(row: dict[str, Any], record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """`row` with each of the record's `fields` in its column (see FIELD_COLUMNS)."""
    for name in fields:
        row[FIELD_COLUMNS.get(name, name)] = getattr(record, name)
    return row


def write_csv(snapshot: JournalSnapshot, target: Path) -> int:
    """Write the app's CSV to `target` (UTF-8 with BOM, CRLF, created 0600); returns rows."""
    count = 0
    with private_output(target, newline="") as handle:
        handle.write("\ufeff")  # spreadsheets read UTF-8 only with the mark
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in csv_rows(snapshot):
            writer.writerow([_cell(column, row.get(column)) for column in COLUMNS])
            count += 1
    return count
