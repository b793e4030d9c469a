"""The full JSON backup: every record and setting, versioned, restorable into an empty journal.

Format (version 1)::

    {"format": "fertilitytracker-backup", "version": 1, "app_version": "0.1.0",
     "schema": ["0001_initial", ...],          # the journal's migrations when written
     "settings": {"unit_system": "si", ...},
     "targets":  [{"analyte", "low", "high", "source", "set_on"}],      # canonical unit
     "regimens": [{"name", "class", "time_of_day", "stop",
                   "steps": [{"date", "dose", "unit", "schedule"}],
                   "doses": [{"at", "status", "dose", "unit"}]}],
     "draws":    [{"date", "time", "fasting", "results": [{"analyte", "value", "comparator",
                   "entered_value", "entered_unit", "lab_low", "lab_high", "method"}]}],
     "semen":    [{"date", "volume_ml", "concentration_m_per_ml", "total_motility_pct",
                   "progressive_motility_pct", "normal_morphology_pct", "abstinence_days"}],
     "dexa":     [{"date", "t_score", "site", "bmd_g_cm2"}],
     "symptoms": [{"date", "name", "severity", "note"}]}

`value`, `lab_low` and `lab_high` are canonical; a result is rebuilt from `entered_value` and
`entered_unit` exactly as the command line builds it, so the canonical value comes out
bit-identical. Numbers are written with Python's shortest round-trip repr.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from fertilitytracker import __version__
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange.builders import (
    DATED_RECORDS,
    STEP_FIELDS,
    dated_item,
    day_of,
    dose_item,
    located,
    optional_time,
    own_lab_item,
    regimen_item,
    target_item,
)
from fertilitytracker.services.exchange.files import private_output
from fertilitytracker.services.exchange.plan import JournalSnapshot, ParsedImport
from fertilitytracker.storage.migrations import known_migration_names

BACKUP_FORMAT = "fertilitytracker-backup"
BACKUP_VERSION = 1
# The sections of dated records (semen, dexa, symptoms) are those of builders.DATED_RECORDS,
# written and read alike: the date, then each field under the record attribute's name.
_SECTIONS = ("targets", "regimens", "draws", *DATED_RECORDS)
# A draw's result, named as the record's attributes: the canonical value besides what
# builders.LAB_FIELDS reads back (the value is rebuilt from the entered one).
_RESULT_KEYS = (
    "analyte",
    "value",
    "comparator",
    "entered_value",
    "entered_unit",
    "lab_low",
    "lab_high",
    "method",
)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def build_backup(snapshot: JournalSnapshot) -> dict[str, Any]:
    """The backup document of a journal snapshot."""
    history = snapshot.history
    doses_by_regimen: dict[Any, list[dict[str, Any]]] = {}
    for dose in history.doses:
        doses_by_regimen.setdefault(dose.regimen_id, []).append(
            {
                "at": dose.at.isoformat(timespec="minutes"),
                "status": dose.status,
                "dose": dose.dose,
                "unit": dose.unit,
            }
        )
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "app_version": __version__,
        "schema": list(snapshot.schema),
        "settings": dict(snapshot.settings),
        "targets": [
            {
                "analyte": target.analyte,
                "low": target.low,
                "high": target.high,
                "source": target.source,
                "set_on": _iso(target.set_on),
            }
            for target in history.targets
        ],
        "regimens": [
            {
                "name": regimen.name,
                "class": regimen.med_class,
                "time_of_day": regimen.time_of_day.strftime("%H:%M")
                if regimen.time_of_day
                else None,
                "stop": _iso(regimen.stop),
                "steps": [
                    {
                        "date": step.date.isoformat(),
                        "dose": step.dose,
                        "unit": step.unit,
                        "schedule": step.schedule,
                    }
                    for step in regimen.steps
                ],
                "doses": doses_by_regimen.get(regimen.id, []),
            }
            for regimen in history.regimens
        ],
        "draws": [
            {
                "date": draw.date.isoformat(),
                "time": draw.time.strftime("%H:%M") if draw.time else None,
                "fasting": draw.fasting,
                "results": [
                    {key: getattr(result, key) for key in _RESULT_KEYS} for result in draw.results
                ],
            }
            for draw in history.draws
        ],
        **{
            section: [
                {
                    "date": record.date.isoformat(),
                    **{name: getattr(record, name) for name in fields},
                }
                for record in getattr(history, section)
            ]
            for section, (_, fields) in DATED_RECORDS.items()
        },
    }


def write_backup(snapshot: JournalSnapshot, target: Path) -> int:
    """Write the backup to `target` (created 0600); returns the number of records written."""
    document = build_backup(snapshot)
    with private_output(target) as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1, allow_nan=False)
        handle.write("\n")
    history = snapshot.history
    return (
        len(history.regimens)
        + len(history.doses)
        + sum(len(draw.results) for draw in history.draws)
        + len(history.semen)
        + len(history.dexa)
        + len(history.symptoms)
        + len(history.targets)
    )


def is_backup(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == BACKUP_FORMAT


def _entries(raw: Any, where: str, entry: str, field: str = "") -> list[tuple[str, dict[str, Any]]]:
    """The objects of a list, each with where it is ("draws entry 3 result 2")."""
    if not isinstance(raw, list):
        raise InputError(where, f"{field}: must be a list" if field else "must be a list")
    records = []
    for index, record in enumerate(raw, start=1):
        here = f"{entry} {index}"
        if not isinstance(record, dict):
            raise InputError(here, "must be an object")
        records.append((here, record))
    return records


def _records(document: dict[str, Any], section: str) -> list[tuple[str, dict[str, Any]]]:
    return _entries(document.get(section, []), section, f"{section} entry")


def read_backup(document: Any) -> ParsedImport:
    """Validate a backup document into records (any unreadable entry refuses the whole file)."""
    if not is_backup(document):
        raise InputError("file", f'not a Fertility Tracker backup (no "format": "{BACKUP_FORMAT}")')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InputError("version", "the backup has no format version")
    if version > BACKUP_VERSION:
        raise InputError(
            "version",
            f"the backup is format version {version}; this app reads up to {BACKUP_VERSION}"
            " (update the app)",
        )
    schema = document.get("schema", [])
    if not isinstance(schema, list):
        raise InputError("schema", "must be a list of migration names")
    unknown = sorted(set(map(str, schema)) - known_migration_names())
    if unknown:
        raise InputError(
            "schema",
            f"the backup was written by a newer version (schema {', '.join(unknown)});"
            " update the app to restore it",
        )
    parsed = ParsedImport("json")
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        raise InputError("settings", "must be an object")
    parsed.settings = dict(settings)

    for where, record in _records(document, "targets"):
        parsed.items.append(
            target_item(
                where,
                record.get("analyte"),
                record.get("low"),
                record.get("high"),
                record.get("source"),
                record.get("set_on"),
            )
        )
    for where, record in _records(document, "regimens"):
        steps = record.get("steps")
        if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
            raise InputError(where, "steps: must be a list of objects")
        item = regimen_item(
            where,
            record.get("name"),
            [tuple(map(step.get, STEP_FIELDS)) for step in steps],
            record.get("stop"),
            record.get("time_of_day"),
        )
        parsed.items.append(item)
        doses = record.get("doses", [])
        for dose_where, dose in _entries(doses, where, f"{where} dose", "doses"):
            parsed.items.append(
                dose_item(
                    dose_where,
                    item.regimen,
                    dose.get("at"),
                    dose.get("status"),
                    dose.get("dose"),
                    dose.get("unit"),
                )
            )
    for where, record in _records(document, "draws"):
        with located(where):
            day = day_of(record.get("date"), "date")
            draw_time = optional_time(record.get("time"), "time")
            fasting = record.get("fasting")
            if fasting is not None and not isinstance(fasting, bool):
                raise InputError("fasting", "must be true, false or null")
        results = record.get("results")
        for result_where, result in _entries(results, where, f"{where} result", "results"):
            parsed.items.append(
                replace(own_lab_item(result_where, day, result.get, draw_time), fasting=fasting)
            )
    for section in DATED_RECORDS:
        for where, record in _records(document, section):
            parsed.items.append(dated_item(section, where, record.get))
    ignored = sorted(
        key
        for key in document
        if key not in (*_SECTIONS, "format", "version", "app_version", "schema", "settings")
    )
    if ignored:
        parsed.notices.append(f"unknown sections ignored: {', '.join(ignored)}")
    return parsed
