"""The one reading of a result: range in force, flag and estradiol state (clinical.md §1, §4)."""

from __future__ import annotations

from datetime import date

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.reading import (
    active_inhibitors,
    clinician_target,
    estradiol_floor,
    estradiol_state,
    range_in_force,
    read_result,
    read_value,
)
from fertilitytracker.core.records import (
    Comparator,
    History,
    LabResult,
    Regimen,
    RegimenStep,
    TargetRange,
)

DAY = date(2026, 3, 1)
ANASTROZOLE = Regimen(
    "anastrozole", "aromatase_inhibitor", (RegimenStep(date(2026, 1, 5), 1, "mg", "daily"),)
)


def e2(
    value: float,
    comparator: Comparator | None = None,
    targets: tuple[TargetRange, ...] = (),
    regimens: tuple[Regimen, ...] = (ANASTROZOLE,),
    lab_low: float | None = None,
    lab_high: float | None = None,
    day: date = DAY,
):
    return read_value(
        "estradiol",
        value,
        comparator,
        day=day,
        targets=targets,
        regimens=regimens,
        lab_low=lab_low,
        lab_high=lab_high,
    )


# --- range in force -----------------------------------------------------------------------


def test_clinician_target_wins_over_the_lab_range() -> None:
    clinician = TargetRange("estradiol", 20, 30, "Dr X", date(2026, 1, 1))
    in_force = range_in_force("estradiol", [clinician], lab_low=11, lab_high=39)
    assert (in_force.low, in_force.high, in_force.origin) == (20, 30, "clinician")


def test_lab_range_wins_over_the_default() -> None:
    in_force = range_in_force("estradiol", [], lab_low=11, lab_high=39)
    assert (in_force.low, in_force.high, in_force.origin) == (11, 39, "lab")


def test_one_sided_lab_range_takes_the_missing_side_from_the_default() -> None:
    # A lab printing "<= 39": the low end comes from the next rule down (default 10).
    in_force = range_in_force("estradiol", [], lab_high=39)
    assert (in_force.low, in_force.high) == (10, 39)
    assert (in_force.low_origin, in_force.high_origin) == ("default", "lab")
    assert in_force.origin == "lab" and in_force.mixed


def test_one_sided_clinician_target_takes_the_missing_side_from_the_lab() -> None:
    clinician = TargetRange("estradiol", 20, None, "Dr X", date(2026, 1, 1))
    in_force = range_in_force("estradiol", [clinician], lab_low=11, lab_high=39)
    assert (in_force.low, in_force.high) == (20, 39)
    assert (in_force.low_origin, in_force.high_origin) == ("clinician", "lab")


def test_latest_clinician_target_and_undated_ones_are_oldest() -> None:
    older = TargetRange("estradiol", 20, 30, "Dr A", date(2026, 1, 1))
    newer = TargetRange("estradiol", 15, 35, "Dr B", date(2026, 3, 1))
    same_day_later = TargetRange("estradiol", 12, 40, "Dr C", date(2026, 3, 1))
    undated = TargetRange("estradiol", 5, 50, "Dr D")
    assert clinician_target("estradiol", [newer, older, undated]) is newer
    assert clinician_target("estradiol", [older, newer, same_day_later]) is same_day_later
    assert clinician_target("estradiol", [undated]) is undated
    assert clinician_target("total_testosterone", [older]) is None


def test_a_clinician_target_flags_earlier_draws_too() -> None:
    target = TargetRange("estradiol", 20, 40, "clinician", date(2026, 6, 1))
    earlier = e2(15, targets=(target,), regimens=(), day=date(2026, 1, 10))
    assert earlier.flag == "low"
    assert earlier.range.origin == "clinician"


def test_default_ranges_flag_with_inclusive_bounds() -> None:
    def flag(key: str, value: float) -> str:
        return read_value(key, value, None, day=DAY).flag

    assert flag("total_testosterone", 250) == "low"
    assert flag("hematocrit", 50) == "in_range"
    assert flag("hematocrit", 50.1) == "high"
    assert flag("hdl", 40) == "in_range"
    assert flag("hdl", 39) == "low"
    assert flag("dexa_t_score", -1.0) == "in_range"
    assert flag("dexa_t_score", -1.1) == "low"


def test_semen_parameters_are_judged_against_who_limits() -> None:
    reading = read_value("sperm_concentration", 15.5, None, day=DAY)
    assert reading.flag == "low"
    assert read_value("sperm_concentration", 15.5, None, day=DAY, who_edition="2010").flag == (
        "in_range"
    )
    assert read_value("total_sperm_count", 38, None, day=DAY).flag == "low"


# --- censored values (§1) -------------------------------------------------------------------


def test_censored_estradiol_is_never_simply_in_range() -> None:
    assert e2(5, "<", regimens=()).flag == "low"
    assert e2(20, "<", regimens=()).flag == "indeterminate"


# --- the floor (§4) -------------------------------------------------------------------------


def test_floor_is_the_clinician_low_bound_else_ten() -> None:
    assert estradiol_floor(()).value == 10
    assert estradiol_floor(()).origin == "default"
    target = TargetRange("estradiol", 20, 40, "Dr A", date(2026, 1, 1))
    assert (estradiol_floor((target,)).value, estradiol_floor((target,)).origin) == (
        20,
        "clinician",
    )
    high_only = TargetRange("estradiol", None, 40, "Dr A", date(2026, 1, 1))
    assert estradiol_floor((high_only,)).value == 10


@pytest.mark.parametrize(
    ("value", "comparator", "state"),
    [
        (9.99, None, "below_floor"),
        (10, None, None),  # at the floor is not below it
        (60, None, None),
        (5, "<", "below_floor"),
        (10, "<", "below_floor"),  # every value it allows is below 10
        (12, "<", "cannot_tell"),
        (9.9, "<=", "below_floor"),
        (10, "<=", "cannot_tell"),  # could equal 10
        (2, ">", "cannot_tell"),  # could be 3 or 30
        (10, ">", None),
        (10, ">=", None),
    ],
)
def test_estradiol_state(value: float, comparator: Comparator | None, state: str | None) -> None:
    assert estradiol_state(value, comparator, 10) == state
    assert e2(value, comparator).estradiol_state == state


def test_a_lab_range_never_sets_or_removes_the_floor() -> None:
    # "<= 39" with no low end: the floor stays 10.
    below = e2(3, lab_high=39)
    assert below.estradiol_state == "below_floor"
    assert below.flag == "low"
    assert below.floor is not None and below.floor.value == 10
    # A lab's low of 5 does not lower the floor; a lab's low of 20 does not raise it.
    assert e2(8, lab_low=5, lab_high=39).estradiol_state == "below_floor"
    assert e2(12, lab_low=20, lab_high=39).estradiol_state is None


def test_no_state_without_an_inhibitor_on_the_draw_date() -> None:
    assert e2(3, regimens=()).estradiol_state is None
    assert e2(3, day=date(2026, 1, 4)).estradiol_state is None  # before the start
    assert e2(3, day=date(2026, 1, 5)).inhibitors == ("anastrozole",)
    stopped = Regimen(
        ANASTROZOLE.name, ANASTROZOLE.med_class, ANASTROZOLE.steps, stop=date(2026, 2, 1)
    )
    assert e2(3, regimens=(stopped,)).estradiol_state is None
    assert e2(3, regimens=(stopped,), day=date(2026, 1, 31)).estradiol_state == "below_floor"


def test_state_only_for_estradiol() -> None:
    reading = read_value(
        "total_testosterone", 100, None, day=DAY, regimens=(ANASTROZOLE,), targets=()
    )
    assert reading.estradiol_state is None and reading.floor is None


def test_read_result_uses_the_result_lab_range_and_the_history() -> None:
    result = LabResult("estradiol", 3.0, 3.0, "pg/mL", lab_high=39.0)
    reading = read_result(result, DAY, History(regimens=(ANASTROZOLE,)))
    assert reading.estradiol_state == "below_floor"
    assert reading.range.high == 39


def test_active_inhibitors_ignore_other_classes() -> None:
    clomiphene = Regimen("clomiphene", "serm", (RegimenStep(date(2026, 1, 1), 25, "mg", "daily"),))
    assert active_inhibitors((ANASTROZOLE, clomiphene), DAY) == ("anastrozole",)


def test_unknown_comparator_is_refused() -> None:
    with pytest.raises(InputError):
        estradiol_state(5, "~", 10)  # type: ignore[arg-type]
