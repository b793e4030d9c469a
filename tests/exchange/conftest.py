"""Shared fixtures of the exchange tests: real journals in tmp_path and comparable readings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fertilitytracker.core.records import History
from fertilitytracker.services.demo import fill_demo
from fertilitytracker.services.json_views import draw_view_json
from fertilitytracker.services.views import all_draw_views
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY

SHARED_FHIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "fhir"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
R4_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def observation(
    code: str,
    value: float | None,
    unit_code: str,
    *,
    id: str | None = None,
    status: str = "final",
    when: str = "2026-01-05T08:30:00+01:00",
    unit: str | None = None,
    comparator: str | None = None,
    category: str = "laboratory",
    **extra: Any,
) -> dict[str, Any]:
    """An Observation shaped as in the R4 specification's examples."""
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": status,
        "category": [{"coding": [{"system": R4_CATEGORY, "code": category}]}],
        "code": {"coding": [{"system": LOINC, "code": code, "display": f"LOINC {code}"}]},
        "subject": {"reference": "Patient/example"},
        "effectiveDateTime": when,
        **extra,
    }
    if id is not None:
        resource["id"] = id
    if value is not None:
        quantity: dict[str, Any] = {"value": value, "system": UCUM, "code": unit_code}
        quantity["unit"] = unit if unit is not None else unit_code
        if comparator:
            quantity["comparator"] = comparator
        resource["valueQuantity"] = quantity
    return resource


@pytest.fixture
def other_journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "other.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def demo_journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "demo.sqlite3")
    fill_demo(opened, TODAY)
    yield opened
    opened.close()


def readings(journal: Journal) -> list[dict[str, object]]:
    """What `labs --json` prints for the journal (the level at which round trips must agree)."""
    return [draw_view_json(view) for view in all_draw_views(journal.history())]


def without_state(draws: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Readings without each estradiol's `over_suppression` (it depends on the regimens)."""
    return [
        {
            **draw,
            "results": [
                {key: value for key, value in result.items() if key != "over_suppression"}
                for result in draw["results"]
            ],
        }
        for draw in draws
    ]


def without_dose_hours(readings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`labs --json` without the hours since each dose, which only medications can give."""
    return [
        {**draw, "context": {**draw["context"], "hours_since_last_dose": None}}
        if "context" in draw
        else draw
        for draw in readings
    ]


def _without_ids(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
        return dataclasses.replace(value, **_fields_without_ids(value, names))
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a record: a named tuple
        return value._replace(**_fields_without_ids(value, value._fields))
    if isinstance(value, tuple):
        return tuple(_without_ids(item) for item in value)
    return value


def _fields_without_ids(record: Any, names: Iterable[str]) -> dict[str, Any]:
    changes = {name: _without_ids(getattr(record, name)) for name in names}
    for name in ("id", "regimen_id"):
        if name in changes:
            changes[name] = None
    return changes


def comparable(history: History) -> History:
    """The history with every database id blanked (ids differ between journals)."""
    regimen_names = {regimen.id: regimen.name for regimen in history.regimens}
    stripped: History = _without_ids(history)
    # A dose's regimen is compared by name instead of by id.
    doses = tuple(
        stripped_dose._replace(unit=f"{stripped_dose.unit}|{regimen_names[dose.regimen_id]}")
        for stripped_dose, dose in zip(stripped.doses, history.doses, strict=True)
    )
    return dataclasses.replace(stripped, doses=doses)
