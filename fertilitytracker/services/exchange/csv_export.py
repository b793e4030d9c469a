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
from fertilitytracker.services.exchange.files import (
    private_output,
)
from fertilitytracker.services.exchange.plan import JournalSnapshot
from fertilitytracker.services.views import SEMEN_FIELDS

COLUMNS: tuple[str, ...] = (
    "record_type",
    "date",
    "time",
    "analyte",
    "value",
    "comparator",
    "unit",
    "value_canonical",
    "unit_canonical",
    "lab_low_canonical",
    "lab_high_canonical",
    "method",
    "volume_ml",
    "concentration_m_per_ml",
    "total_motility_pct",
    "progressive_motility_pct",
    "normal_morphology_pct",
    "abstinence_days",
    "t_score",
    "site",
    "bmd_g_cm2",
    "medication",
    "med_class",
    "regimen_start",
    "stop",
    "dose",
    "dose_unit",
    "schedule",
    "status",
    "symptom",
    "severity",
    "note",
    "target_low_canonical",
    "target_high_canonical",
    "source",
)
NUMERIC_COLUMNS = frozenset(
    {
        "value",
        "value_canonical",
        "lab_low_canonical",
        "lab_high_canonical",
        "volume_ml",
        "concentration_m_per_ml",
        "total_motility_pct",
        "progressive_motility_pct",
        "normal_morphology_pct",
        "abstinence_days",
        "t_score",
        "bmd_g_cm2",
        "dose",
        "severity",
        "target_low_canonical",
        "target_high_canonical",
    }
)
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
        yield {
            "record_type": "regimen",
            "medication": regimen.name,
            "med_class": regimen.med_class,
            "date": regimen.start,
            "regimen_start": regimen.start,
            "stop": regimen.stop,
            "time": regimen.time_of_day,
        }
        for step in regimen.steps:
            yield {
                "record_type": "regimen_step",
                "medication": regimen.name,
                "regimen_start": regimen.start,
                "date": step.date,
                "dose": step.dose,
                "dose_unit": step.unit,
                "schedule": step.schedule,
            }
    for dose in history.doses:
        owner = names[dose.regimen_id]
        yield {
            "record_type": "dose",
            "medication": owner.name,
            "regimen_start": owner.start,
            "date": dose.at.date(),
            "time": dose.at.time(),
            "status": dose.status,
            "dose": dose.dose,
            "dose_unit": dose.unit,
        }
    for draw in history.draws:
        for result in draw.results:
            analyte = get_analyte(result.analyte)
            yield {
                "record_type": "lab_result",
                "date": draw.date,
                "time": draw.time,
                "analyte": result.analyte,
                "value": result.entered_value,
                "comparator": result.comparator,
                "unit": result.entered_unit,
                "value_canonical": result.value,
                "unit_canonical": analyte.canonical_unit,
                "lab_low_canonical": result.lab_low,
                "lab_high_canonical": result.lab_high,
                "method": result.method,
            }
    for analysis in history.semen:
        row: dict[str, Any] = {"record_type": "semen_analysis", "date": analysis.date}
        for _, attribute in SEMEN_FIELDS:
            row[attribute] = getattr(analysis, attribute)
        row["abstinence_days"] = analysis.abstinence_days
        yield row
    for scan in history.dexa:
        yield {
            "record_type": "dexa_scan",
            "date": scan.date,
            "t_score": scan.t_score,
            "site": scan.site,
            "bmd_g_cm2": scan.bmd_g_cm2,
        }
    for entry in history.symptoms:
        yield {
            "record_type": "symptom",
            "date": entry.date,
            "symptom": entry.name,
            "severity": entry.severity,
            "note": entry.note,
        }


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
