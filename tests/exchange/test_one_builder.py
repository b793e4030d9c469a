"""Every way in refuses a record exactly as the core's builder does (command line, import)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fertilitytracker.core import validation
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import import_file
from fertilitytracker.services.exchange.builders import dexa_item, semen_item, symptom_item
from fertilitytracker.services.operations import record_dexa, record_symptom
from fertilitytracker.storage.journal import Journal

DAY = date(2026, 1, 5)


def _reason(call) -> InputError:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("core", "record", "item"),
    [
        (
            lambda: validation.build_dexa(DAY, "11"),
            lambda j: record_dexa(j, DAY, "11"),
            lambda: dexa_item("line 2", DAY, "11"),
        ),
        (
            lambda: validation.build_symptom(DAY, "fatigue", "12"),
            lambda j: record_symptom(j, DAY, "fatigue", "12"),
            lambda: symptom_item("line 2", DAY, "fatigue", "12"),
        ),
        (
            lambda: validation.build_semen(DAY, "3", "20", "40", "50"),
            None,
            lambda: semen_item("line 2", DAY, "3", "20", "40", "50"),
        ),
    ],
)
def test_the_same_refusal_whichever_way_in(core, record, item, journal: Journal) -> None:  # type: ignore[no-untyped-def]
    expected = _reason(core)
    if record is not None:
        recorded = _reason(lambda: record(journal))
        assert (recorded.field, recorded.reason) == (expected.field, expected.reason)
    imported = _reason(item)
    assert imported.field == "line 2"  # the place in the file
    assert imported.inner_field == expected.field  # and what was wrong there, as data
    assert imported.reason == f"{expected.field}: {expected.reason}"
    assert journal.is_empty()


def test_an_imported_lab_result_names_its_analyte_as_data(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "labs.csv"
    path.write_text(
        "kind,date,analyte,value,unit\nlab,2026-01-05,estradiol,30,pg/dL\n", encoding="utf-8"
    )
    error = _reason(lambda: import_file(journal, path, "csv"))
    assert error.analyte == "estradiol"
    assert error.inner_field == "unit"
    assert journal.is_empty()


def test_an_imported_estradiol_with_a_one_sided_lab_range_keeps_the_warning(
    journal: Journal, tmp_path: Path
) -> None:
    """The issue's FHIR case: E2 `<18.4 pmol/L`, referenceRange with only `high`, on anastrozole."""
    import json

    from fertilitytracker.services.operations import start_regimen

    from .conftest import UCUM, observation, readings

    start_regimen(journal, "anastrozole", "1", "mg", "daily", date(2025, 12, 1))
    reference = {"high": {"value": 143, "unit": "pmol/L", "system": UCUM}}
    resource = observation(
        "14715-7",
        18.4,
        "pmol/L",
        comparator="<",
        when="2026-01-05T08:30:00",
        referenceRange=[reference],
    )
    path = tmp_path / "obs.json"
    path.write_text(json.dumps(resource), encoding="utf-8")
    import_file(journal, path, "fhir")
    (estradiol,) = readings(journal)[0]["results"]
    assert estradiol["range_source"] == "lab"  # the lab's high end is in force
    assert estradiol["target_low"] == pytest.approx(10)  # its missing low end: the default
    assert estradiol["flag"] == "low"  # <5.01 pg/mL is below 10 whatever its true value
    assert estradiol["over_suppression"] == "below_floor"
