"""Tests of the unit check: a value far outside the usual adult male range in its unit that fits
another accepted unit of the analyte (resources/plausibility.json, docs/clinical.md §1)."""

from __future__ import annotations

import pytest

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.plausibility import (
    check_typed_unit_fit,
    check_unit_fit,
    usual_ranges,
)


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "direction", "suggested"),
    [
        # The paper says 14.1 nmol/L (407 ng/dL); ng/dL was left chosen.
        ("total_testosterone", "14.1", "ng/dL", "below", "nmol/L"),
        # 450 ng/dL typed with nmol/L chosen: 12 979 ng/dL.
        ("total_testosterone", "450", "nmol/L", "above", "ng/dL"),
        # Estradiol in ng/dL is 10× smaller than pg/mL (docs/clinical.md §1 trap).
        ("estradiol", "30", "ng/dL", "above", "pg/mL"),
        # Hematocrit 0.45 L/L is 45 %.
        ("hematocrit", "0.45", "%", "below", "L/L"),
        ("albumin", "43", "g/dL", "above", "g/L"),
        ("hdl", "1.2", "mg/dL", "below", "mmol/L"),
        ("total_cholesterol", "200", "mmol/L", "above", "mg/dL"),
        ("estradiol", "<20", "ng/dL", "above", "pg/mL"),
    ],
)
def test_a_unit_slip_is_noticed_and_the_fitting_unit_proposed(
    analyte: str, value: str, unit: str, direction: str, suggested: str
) -> None:
    mismatch = check_typed_unit_fit(analyte, value, unit)
    assert mismatch is not None
    assert mismatch.direction == direction
    assert mismatch.suggested_unit == suggested


def test_the_message_names_the_value_both_units_and_the_direction() -> None:
    mismatch = check_typed_unit_fit("total_testosterone", "14.1", "ng/dl")
    assert mismatch is not None
    assert mismatch.message() == (
        "14.1 ng/dL is far below usual adult male values of total testosterone. "
        "Did you mean 14.1 nmol/L?"
    )
    assert mismatch.suggested_canonical == pytest.approx(14.1 * 28.842)


@pytest.mark.parametrize(
    ("analyte", "value", "unit"),
    [
        ("total_testosterone", "450", "ng/dL"),
        ("total_testosterone", "15.6", "nmol/L"),
        # Values seen on therapy are not questioned: suppressed estradiol on an inhibitor,
        # high testosterone on injections.
        ("estradiol", "4", "pg/mL"),
        ("total_testosterone", "3000", "ng/dL"),
        ("estradiol", "110", "pmol/L"),
        # Far outside, but no other unit fits better: nothing to propose.
        ("psa", "40", "ng/mL"),
        ("lh", "0.05", "IU/L"),
        # Analytes without a usual range (DEXA, semen) and non-numbers are not checked.
        ("dexa_t_score", "-3.5", "SD"),
        ("total_testosterone", "abc", "ng/dL"),
        ("total_testosterone", "0", "ng/dL"),
    ],
)
def test_usual_and_unexplained_values_raise_no_question(
    analyte: str, value: str, unit: str
) -> None:
    assert check_typed_unit_fit(analyte, value, unit) is None


def test_boundaries_follow_the_documented_margin() -> None:
    # Usual low 300 ng/dL, margin 3: 100 is the last value not questioned.
    assert check_unit_fit("total_testosterone", 100, "ng/dL") is None
    assert check_unit_fit("total_testosterone", 99.9, "ng/dL") is not None


def test_a_unit_of_another_analyte_is_refused() -> None:
    with pytest.raises(InputError):
        check_unit_fit("total_testosterone", 14.1, "pg/mL")


def test_every_usual_range_is_the_cited_default_target_of_the_catalogue() -> None:
    # Nothing is invented: each bound is the docs/clinical.md §1 default target of the analyte.
    for key, usual in usual_ranges().items():
        analyte = get_analyte(key)
        assert (usual.low, usual.high) == (analyte.default_low, analyte.default_high), key
        assert usual.source.startswith("docs/clinical.md §1")
        assert analyte.range_source in usual.source
