"""Tests of parsing what people type: dates, times, numbers, lab values, whole lab results."""

from __future__ import annotations

import math
from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import Regimen
from fertilitytracker.core.validation import (
    build_regimen,
    build_regimen_step,
    parse_date,
    parse_datetime,
    parse_lab_result,
    parse_lab_value,
    parse_number,
    parse_time,
    parse_whole_number,
)


def refused(call, *args, **kwargs) -> InputError:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("  2026-01-05 ", date(2026, 1, 5)),
        ("2028-02-29", date(2028, 2, 29)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
    ],
)
def test_parse_date_accepts_iso(text: str, expected: date) -> None:
    assert parse_date(text, "date") == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2027-02-29", "February 2027 has 28 days"),
        ("2026-04-31", "April 2026 has 30 days"),
        ("2026-13-01", "month 13 does not exist"),
        ("2026-00-10", "month 0 does not exist"),
        ("2026-01-00", "January 2026 has 31 days"),
        ("1899-12-31", "year 1899 is out of range"),
        ("2101-01-01", "year 2101 is out of range"),
        ("02/03/2027", "use YYYY-MM-DD"),
        ("2027/02/03", "use YYYY-MM-DD"),
        ("3.2.2027", "use YYYY-MM-DD"),
        ("2026-1-5", "use YYYY-MM-DD"),
        ("20260105", "use YYYY-MM-DD"),
        ("2026-01-05T10:00", "use YYYY-MM-DD"),
        ("tomorrow", "use YYYY-MM-DD"),
        ("٢٠٢٦-٠١-٠٥", "use YYYY-MM-DD"),  # non-ASCII digits
        ("", "a date is required"),
        ("   ", "a date is required"),
    ],
)
def test_parse_date_refuses(text: str, fragment: str) -> None:
    error = refused(parse_date, text, "start")
    assert error.field == "start"
    assert fragment in error.reason


def test_parse_date_refuses_non_text() -> None:
    assert refused(parse_date, None, "date").field == "date"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trip(day: date) -> None:
    assert parse_date(day.isoformat(), "date") == day


# --- times -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30", time(8, 30)),
        ("8:30", time(8, 30)),
        ("00:00", time(0, 0)),
        (" 23:59 ", time(23, 59)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text, "time") == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "8", "8.30", "08:30:00", "8am", "", "ab:cd"])
def test_parse_time_refuses(text: str) -> None:
    assert refused(parse_time, text, "time").field == "time"


@pytest.mark.parametrize(
    "text", ["2026-01-05T08:30", "2026-01-05 08:30", " 2026-01-05  08:30 ", "2026-01-05t08:30"]
)
def test_parse_datetime(text: str) -> None:
    assert parse_datetime(text, "at") == datetime(2026, 1, 5, 8, 30)


@pytest.mark.parametrize(
    "text", ["2026-01-05", "2026-02-30T08:00", "2026-01-05T25:00", "08:30", "2026-01-05T", ""]
)
def test_parse_datetime_refuses(text: str) -> None:
    assert refused(parse_datetime, text, "at").field == "at"


# --- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("3.5", 3.5),
        (" 3.5 ", 3.5),
        ("3", 3.0),
        ("0.5", 0.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("-1.2", -1.2),
        ("−1.2", -1.2),  # typographic minus
        ("+2", 2.0),
        ("1e3", 1000.0),
        (4, 4.0),
        (2.5, 2.5),
        ("-0", 0.0),
    ],
)
def test_parse_number_accepts(given_: str | float, expected: float) -> None:
    assert parse_number(given_, "value") == expected


@pytest.mark.parametrize(
    ("given_", "fragment"),
    [
        ("abc", "'abc' is not a number"),
        ("3,5", "use a decimal point"),
        ("1,500", "use a decimal point"),
        ("nan", "not a number"),
        ("NaN", "not a number"),
        ("inf", "not a number"),
        ("-Infinity", "not a number"),
        ("1e999", "too large"),
        ("1_000", "not a number"),
        ("5 mg", "not a number"),
        ("", "a number is required"),
        (math.nan, "not a number"),
        (math.inf, "too large"),
        (True, "not a number"),
        (None, "not a number"),
    ],
)
def test_parse_number_refuses(given_: object, fragment: str) -> None:
    error = refused(parse_number, given_, "volume")
    assert error.field == "volume"
    assert fragment in error.reason


def test_parse_number_bounds() -> None:
    assert refused(parse_number, "-1", "volume", minimum=0).reason == "must not be negative"
    assert parse_number("0", "volume", minimum=0) == 0.0
    assert refused(parse_number, "0", "dose", allow_zero=False).reason == "must be greater than 0"
    error = refused(parse_number, "101", "motility", minimum=0, maximum=100, unit="%")
    assert error.reason == "must be at most 100 %"
    assert parse_number("100", "motility", maximum=100) == 100.0
    error = refused(parse_number, "0.5", "x", minimum=1, unit="mL")
    assert error.reason == "must be at least 1 mL"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_number_round_trips_repr(value: float) -> None:
    assert parse_number(repr(value), "value") == value


# --- lab values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", (None, 5.0)),
        ("<5", ("<", 5.0)),
        ("< 5", ("<", 5.0)),
        (" <5 ", ("<", 5.0)),
        ("<=5", ("<=", 5.0)),
        ("≤5", ("<=", 5.0)),
        (">1500", (">", 1500.0)),
        ("> 1500", (">", 1500.0)),
        (">=1500", (">=", 1500.0)),
        ("≥ 1500", (">=", 1500.0)),
        ("0.3", (None, 0.3)),
        (12.5, (None, 12.5)),
    ],
)
def test_parse_lab_value(text: str | float, expected: tuple[str | None, float]) -> None:
    assert parse_lab_value(text, "value") == expected


@pytest.mark.parametrize("text", ["<", "<<5", "=<5", "5<", "<abc", "", "< ", "<5,0", "~5"])
def test_parse_lab_value_refuses(text: str) -> None:
    assert refused(parse_lab_value, text, "value").field == "value"


# --- whole numbers -----------------------------------------------------------------------


def test_parse_whole_number() -> None:
    assert parse_whole_number("5", "severity", 0, 10) == 5
    assert parse_whole_number("0", "severity", 0, 10) == 0
    assert parse_whole_number(10, "severity", 0, 10) == 10
    assert parse_whole_number("5.0", "severity", 0, 10) == 5
    error = refused(parse_whole_number, "5.5", "severity", 0, 10)
    assert error.field == "severity"
    assert "must be a whole number" in error.reason
    assert "0 to 10" in refused(parse_whole_number, "11", "severity", 0, 10).reason
    assert refused(parse_whole_number, "-1", "severity", 0, 10).field == "severity"
    assert refused(parse_whole_number, "five", "severity", 0, 10).field == "severity"


# --- whole lab results -------------------------------------------------------------------


def test_parse_lab_result_converts_and_keeps_entry() -> None:
    result = parse_lab_result("total_testosterone", "8.67", "nmol/l")
    assert result.analyte == "total_testosterone"
    assert result.value == pytest.approx(250.06, abs=0.01)
    assert result.entered_value == 8.67
    assert result.entered_unit == "nmol/l"  # as typed
    assert result.comparator is None


def test_parse_lab_result_comparator_and_loinc() -> None:
    result = parse_lab_result("2243-4", "<5", "pg/mL")
    assert (result.analyte, result.comparator, result.value) == ("estradiol", "<", 5.0)


def test_parse_lab_result_lab_range_in_entered_unit() -> None:
    result = parse_lab_result("estradiol", "110", "pmol/L", lab_low_text="40", lab_high_text="-")
    assert result.lab_low == pytest.approx(40 * 0.27238)
    assert result.lab_high is None
    error = refused(
        parse_lab_result, "estradiol", "30", "pg/mL", lab_low_text="50", lab_high_text="10"
    )
    assert error.field == "lab_high"


def test_parse_lab_result_method_kept() -> None:
    assert parse_lab_result("estradiol", "30", "pg/mL", method=" LC-MS/MS ").method == "LC-MS/MS"
    assert parse_lab_result("estradiol", "30", "pg/mL", method="  ").method is None


def test_parse_lab_result_hematocrit_fraction() -> None:
    assert parse_lab_result("hematocrit", "0.45", "L/L").value == pytest.approx(45.0)


def test_parse_lab_result_dexa_without_unit() -> None:
    result = parse_lab_result("dexa_t_score", "−1.8", "")
    assert result.value == -1.8
    assert result.entered_unit == "SD"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("cortisol", "10", "ug/dL"), "analyte"),
        (("estradiol", "10", "pg/dL"), "unit"),
        (("estradiol", "10", ""), "unit"),
        (("prolactin", "300", "mIU/L"), "unit"),
        (("estradiol", "abc", "pg/mL"), "value"),
        (("total_testosterone", "450", "nmol/L"), "value"),  # 12979 ng/dL: a unit mix-up
        (("hematocrit", "45", "L/L"), "value"),  # 4500 %
        (("estradiol", "-3", "pg/mL"), "value"),
        (("total_motility", "120", "%"), "value"),
        (("total_sperm_count", "60", "10^6"), "analyte"),  # derived, never entered
    ],
)
def test_parse_lab_result_refuses(args: tuple[str, str, str], field: str) -> None:
    assert refused(parse_lab_result, *args).field == field


# --- one builder per record kind -------------------------------------------------------------


def test_a_refused_lab_result_names_field_and_analyte_as_data() -> None:
    from fertilitytracker.core.validation import parse_lab_result

    with pytest.raises(InputError) as caught:
        parse_lab_result("estradiol", "30", "pg/dL")
    error = caught.value
    assert (error.field, error.analyte) == ("unit", "estradiol")
    assert error.where == "estradiol unit"
    assert str(error).startswith("estradiol unit: ")


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda b: b.build_semen(date(2026, 1, 1), "", "20"), "volume"),
        (lambda b: b.build_semen(date(2026, 1, 1), "3", "20", "40", "50"), "progressive"),
        (lambda b: b.build_dexa(date(2026, 1, 1), "11"), "t-score"),
        (lambda b: b.build_dexa(date(2026, 1, 1), "-1", "knee"), "site"),
        (lambda b: b.build_dexa(date(2026, 1, 1), "-1", None, "4"), "bmd"),
        (lambda b: b.build_symptom(date(2026, 1, 1), " ", 3), "name"),
        (lambda b: b.build_symptom(date(2026, 1, 1), "fatigue", "11"), "severity"),
        (lambda b: b.build_symptom(date(2026, 1, 1), "fatigue", 3, "x" * 2001), "note"),
    ],
)
def test_each_builder_refuses_naming_the_field(build, field: str) -> None:  # type: ignore[no-untyped-def]
    from fertilitytracker.core import validation

    with pytest.raises(InputError) as caught:
        build(validation)
    assert caught.value.field == field
    assert caught.value.analyte is None


def test_the_dose_builder_defaults_to_the_regimen_dose_and_checks_units() -> None:
    from datetime import datetime

    from fertilitytracker.core.medications import lookup_medication
    from fertilitytracker.core.records import Regimen, RegimenStep
    from fertilitytracker.core.validation import build_dose

    regimen = Regimen(
        "anastrozole", "aromatase_inhibitor", (RegimenStep(date(2026, 1, 5), 1, "mg", "daily"),)
    )
    medication = lookup_medication("anastrozole")
    taken = build_dose(regimen, medication, datetime(2026, 1, 6, 9, 0, 30), "taken")
    assert (taken.dose, taken.unit, taken.at.second) == (1, "mg", 0)
    skipped = build_dose(regimen, medication, datetime(2026, 1, 6, 9), "skipped")
    assert skipped.dose is None
    with pytest.raises(InputError) as caught:
        build_dose(regimen, medication, datetime(2026, 1, 6, 9), "taken", "1", "IU")
    assert caught.value.field == "unit"
    with pytest.raises(InputError) as caught:
        build_dose(regimen, medication, datetime(2026, 1, 4, 9), "taken")
    assert caught.value.field == "at"


# --- regimens: one builder for a start, one for a change (form, CLI and import alike) ---------


def test_a_regimen_start_is_named_canonically_and_its_schedule_normalised() -> None:
    regimen = build_regimen("Arimidex", "0.5", "mg", "every other day", date(2026, 5, 1))
    assert regimen.name == "anastrozole"
    assert regimen.med_class == "aromatase_inhibitor"
    (step,) = regimen.steps
    assert (step.date, step.dose, step.unit) == (date(2026, 5, 1), 0.5, "mg")
    assert step.schedule != "every other day"  # the canonical text core.schedules gives


def test_a_second_start_while_one_is_active_is_refused_but_after_its_stop_allowed() -> None:
    first = build_regimen("anastrozole", "1", "mg", "daily", date(2026, 1, 1))
    error = refused(
        build_regimen, "anastrozole", "1", "mg", "daily", date(2026, 3, 1), existing=[first]
    )
    assert error.field == "name"
    assert "already active since 2026-01-01" in str(error)
    stopped = Regimen(first.name, first.med_class, first.steps, stop=date(2026, 2, 1))
    again = build_regimen("anastrozole", "1", "mg", "daily", date(2026, 3, 1), existing=[stopped])
    assert again.start == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("dose", "unit", "schedule", "field"),
    [
        ("-1", "mg", "daily", "dose"),
        ("1", "litres", "daily", "unit"),
        ("1", "mg", "often", "schedule"),
    ],
)
def test_a_bad_regimen_start_names_its_field(
    dose: str, unit: str, schedule: str, field: str
) -> None:
    error = refused(build_regimen, "anastrozole", dose, unit, schedule, date(2026, 1, 1))
    assert error.field == field


def test_a_change_keeps_what_is_not_given_and_refuses_a_change_after_the_stop() -> None:
    regimen = build_regimen("anastrozole", "1", "mg", "daily", date(2026, 1, 1))
    step = build_regimen_step(regimen, date(2026, 2, 1), dose="500", unit="mcg")
    assert (step.date, step.dose, step.unit, step.schedule) == (
        date(2026, 2, 1),
        500.0,
        "mcg",
        regimen.current.schedule,
    )
    assert refused(build_regimen_step, regimen, date(2026, 2, 1)).field == "dose"
    stopped = Regimen(regimen.name, regimen.med_class, regimen.steps, stop=date(2026, 3, 1))
    assert refused(build_regimen_step, stopped, date(2026, 3, 1), dose="2").field == "date"
