"""Every way in refuses a record exactly as the core's builder does (command line, import)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fertilitytracker.core import validation
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import import_file
from fertilitytracker.services.exchange.builders import dexa_item, semen_item, symptom_item
from fertilitytracker.services.journal import record_dexa, record_symptom
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
