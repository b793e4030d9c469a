"""Tests of target ranges, flags (with comparators), the estradiol floor and WHO limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.ranges import (
    WHO_EDITIONS,
    below_who,
    default_range,
    dexa_band,
    dexa_band_label,
    flag_value,
    semen_lower_limit,
)
from fertilitytracker.core.records import Comparator, LabResult, TargetRange


def result(
    analyte: str,
    value: float,
    comparator: Comparator | None = None,
    lab_low: float | None = None,
    lab_high: float | None = None,
) -> LabResult:
    return LabResult(
        analyte=analyte,
        value=value,
        entered_value=value,
        entered_unit="",
        comparator=comparator,
        lab_low=lab_low,
        lab_high=lab_high,
    )


# --- flag_value --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(299.99, "low"), (300, "in_range"), (650, "in_range"), (1080, "in_range"), (1080.01, "high")],
)
def test_bounds_are_inclusive(value: float, expected: str) -> None:
    assert flag_value(value, None, 300, 1080) == expected


def test_open_ends_never_flag() -> None:
    assert flag_value(500, None, None, 200) == "high"
    assert flag_value(200, None, None, 200) == "in_range"  # "high 200": only above 200
    assert flag_value(-1e9, None, None, 200) == "in_range"
    assert flag_value(39.9, None, 40, None) == "low"
    assert flag_value(1e9, None, 40, None) == "in_range"
    assert flag_value(5, None, None, None) == "in_range"


@pytest.mark.parametrize(
    ("comparator", "value", "expected"),
    [
        ("<", 5, "low"),  # every value below 5 is below 10
        ("<", 10, "low"),  # below 10 is below the low bound
        # docs/clinical.md §1 "Censored values": neither certain low nor wholly inside.
        ("<", 10.5, "indeterminate"),  # could be 10.2 or 2
        ("<", 50, "indeterminate"),  # never "high": nothing says it is above anything
        ("<=", 9.9, "low"),
        ("<=", 10, "indeterminate"),  # could equal 10, or be 3
        ("<=", 50, "indeterminate"),
        (">", 42, "high"),  # above 42
        (">", 41, "indeterminate"),
        (">", 1, "indeterminate"),  # never "low"
        (">=", 42, "indeterminate"),  # could equal 42, or be 60
        (">=", 42.1, "high"),
    ],
)
def test_comparators(comparator: Comparator, value: float, expected: str) -> None:
    assert flag_value(value, comparator, 10, 42) == expected


def test_comparators_with_open_ends() -> None:
    # In range only when the whole interval the limit allows lies inside the range.
    assert flag_value(5, "<", None, 42) == "in_range"
    assert flag_value(0.1, "<", None, 4.0) == "in_range"  # PSA <0.1, high 4
    assert flag_value(50, "<", None, 42) == "indeterminate"
    assert flag_value(1500, ">", 10, None) == "in_range"
    assert flag_value(5, ">", 10, None) == "indeterminate"


@given(
    value=st.floats(-1e6, 1e6),
    low=st.one_of(st.none(), st.floats(-1e6, 1e6)),
    high=st.one_of(st.none(), st.floats(-1e6, 1e6)),
    comparator=st.sampled_from(["<", "<=", ">", ">="]),
)
def test_censored_flag_only_when_every_allowed_value_agrees(
    value: float, low: float | None, high: float | None, comparator: Comparator
) -> None:
    flag = flag_value(value, comparator, low, high)
    if comparator in ("<", "<="):
        assert flag != "high"
        if flag == "low":
            # the largest value the comparator allows is itself below low (or at it for "<")
            assert low is not None and (value < low or (comparator == "<" and value == low))
    else:
        assert flag != "low"
        if flag == "high":
            assert high is not None and (value > high or (comparator == ">" and value == high))


@given(
    value=st.floats(-1e6, 1e6),
    low=st.one_of(st.none(), st.floats(-1e6, 1e6)),
    high=st.one_of(st.none(), st.floats(-1e6, 1e6)),
)
def test_exact_flag_matches_definition(value: float, low: float | None, high: float | None) -> None:
    flag = flag_value(value, None, low, high)
    if flag == "low":
        assert low is not None and value < low
    elif flag == "high":
        assert high is not None and value > high
    else:
        assert (low is None or value >= low) and (high is None or value <= high)


# --- default ranges and range in force ---------------------------------------------------


def test_default_range() -> None:
    target = default_range("estradiol")
    assert (target.analyte, target.low, target.high) == ("estradiol", 10, 42)
    assert "ARUP" in target.source
    assert default_range("PSA").low is None
    assert default_range("2085-9") == TargetRange(
        "hdl", 40, None, "low 40 mg/dL (NCEP ATP III, men)"
    )


def test_default_range_semen_uses_who_edition() -> None:
    assert default_range("sperm_concentration").low == 16
    assert default_range("sperm_concentration", "2010").low == 15
    assert default_range("sperm_concentration").high is None
    assert "WHO 2021" in default_range("semen_volume").source
    with pytest.raises(InputError) as caught:
        default_range("semen_volume", "1999")
    assert caught.value.field == "edition"


# --- WHO semen limits --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "limit_2021", "limit_2010"),
    [
        ("semen_volume", 1.4, 1.5),
        ("sperm_concentration", 16, 15),
        ("total_motility", 42, 40),
        ("progressive_motility", 30, 32),
        ("normal_morphology", 4, 4),
        ("total_sperm_count", 39, 39),
    ],
)
def test_semen_lower_limit(key: str, limit_2021: float, limit_2010: float) -> None:
    assert WHO_EDITIONS == ("2021", "2010")
    assert semen_lower_limit(key, "2021") == limit_2021
    assert semen_lower_limit(key, "2010") == limit_2010
    assert semen_lower_limit(key) == limit_2021
    assert not below_who(key, limit_2021, "2021")  # at the limit is not below
    assert below_who(key, limit_2021 - 0.01, "2021")


def test_below_who_editions_differ() -> None:
    assert below_who("sperm_concentration", 15.5, "2021")
    assert not below_who("sperm_concentration", 15.5, "2010")
    assert below_who("progressive_motility", 31, "2010")
    assert not below_who("progressive_motility", 31, "2021")


def test_below_who_edges() -> None:
    assert semen_lower_limit("estradiol") is None
    assert not below_who("estradiol", 1)
    with pytest.raises(InputError) as caught:
        semen_lower_limit("semen_volume", "2015")
    assert caught.value.field == "edition"
    assert below_who("sperm_concentration", 5, comparator="<")
    assert not below_who("sperm_concentration", 20, comparator="<")


# --- DEXA bands --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t_score", "band"),
    [
        (1.2, "within_range"),
        (-1.0, "within_range"),
        (-1.01, "osteopenia_band"),
        (-2.49, "osteopenia_band"),
        (-2.5, "osteoporosis_band"),
        (-4.0, "osteoporosis_band"),
    ],
)
def test_dexa_band(t_score: float, band: str) -> None:
    assert dexa_band(t_score) == band
    assert dexa_band_label(dexa_band(t_score))
