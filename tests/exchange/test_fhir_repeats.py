"""A bundle repeats dates and units across its Observations: each result still reads its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import read_file
from fertilitytracker.services.exchange.plan import LabItem

from .conftest import observation

STU3_CATEGORY = "http://hl7.org/fhir/observation-category"


def _read(tmp_path: Path, *resources: dict[str, Any]) -> Any:
    document = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{i}", "resource": r} for i, r in enumerate(resources)],
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return read_file(path)


def test_the_same_unit_text_is_read_for_each_analyte(tmp_path: Path) -> None:
    parsed = _read(
        tmp_path,
        observation("2986-8", 10.4, "nmol/L"),  # testosterone, converted to ng/dL
        observation("13967-5", 30, "nmol/L"),  # SHBG, whose own unit it is
        observation("2986-8", 12.0, "nmol/L", when="2026-01-12T08:30:00+01:00"),
    )
    results = {(i.day.isoformat(), i.result.analyte): i.result for i in parsed.items}
    assert results[("2026-01-05", "total_testosterone")].value == pytest.approx(299.9, abs=0.2)
    assert results[("2026-01-05", "shbg")].value == 30
    assert results[("2026-01-12", "total_testosterone")].value == pytest.approx(346.1, abs=0.2)
    assert {r.entered_unit for r in results.values()} == {"nmol/L"}


def test_a_unit_refused_for_a_later_analyte_names_its_entry(tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        _read(
            tmp_path,
            observation("13967-5", 30, "nmol/L"),
            observation("13967-5", 31, "nmol/L", when="2026-01-12"),
            observation("2986-8", 300, "pg/mL"),  # testosterone in pg/mL: not its unit
        )
    assert refused.value.field == "entry 3"
    assert "pg/mL" in refused.value.reason


def test_a_repeated_moment_gives_each_result_its_day_and_time(tmp_path: Path) -> None:
    parsed = _read(
        tmp_path,
        observation("2986-8", 400, "ng/dL", when="2026-02-03T07:45:00Z"),
        observation("13967-5", 30, "nmol/L", when="2026-02-03T07:45:00Z"),
        observation("15067-2", 4, "IU/L", when="2026-02"),  # a month only: no draw date
        observation("10501-5", 5, "IU/L", when="2026-02"),
    )
    labs = [item for item in parsed.items if isinstance(item, LabItem)]
    assert [(i.day.isoformat(), i.time and i.time.isoformat()) for i in labs] == [
        ("2026-02-03", "07:45:00"),
        ("2026-02-03", "07:45:00"),
    ]
    assert [s.reason for s in parsed.skipped] == ["no full collection date (effectiveDateTime)"] * 2


def test_stu3_is_noticed_from_an_observation_that_is_not_imported(tmp_path: Path) -> None:
    cancelled = observation("2986-8", 400, "ng/dL", status="cancelled")
    cancelled["category"] = [{"coding": [{"system": STU3_CATEGORY, "code": "laboratory"}]}]
    parsed = _read(tmp_path, observation("13967-5", 30, "nmol/L"), cancelled)
    assert len(parsed.items) == 1
    assert parsed.skipped[0].reason == "status cancelled: not imported"
    assert "read as FHIR STU3 where its fields agree with R4" in parsed.notices
    assert not any("STU3" in n for n in _read(tmp_path, observation("2986-8", 1, "ng/dL")).notices)


def test_the_same_code_and_printed_unit_can_name_different_units(tmp_path: Path) -> None:
    # The UCUM code names LH's unit; for prolactin it is no unit and the printed text is read.
    parsed = _read(
        tmp_path,
        observation("2842-3", 12, "mIU/mL", unit="ng/mL"),
        observation("10501-5", 4.5, "mIU/mL", unit="ng/mL"),
    )
    units = {i.result.analyte: i.result.entered_unit for i in parsed.items}
    assert units == {"prolactin": "ng/mL", "lh": "mIU/mL"}
