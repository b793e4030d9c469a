"""Tests for services/reminders.py: due tests of a journal, dose times, catch-up."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import History, Regimen, RegimenStep
from fertilitytracker.services.operations import (
    change_regimen,
    log_dose,
    start_regimen,
    stop_regimen,
)
from fertilitytracker.services.reminders import (
    MAX_CATCH_UP_DAYS,
    DoseSlot,
    describe_test,
    dose_slots_on,
    dose_times,
    due_tests_for,
    is_logged,
    next_dose_slot,
    regimen_slots_on,
    reminders_json,
    rule_offsets,
    unlogged_slots,
)
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.builders import at, d, panel

# ---------------------------------------------------------------------------
# Test reminders
# ---------------------------------------------------------------------------


def test_due_tests_of_a_journal_as_cli_json(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "0.5", "mg", "daily", d("2026-01-05"))
    assert reminders_json(due_tests_for(journal, d("2026-01-20"))) == [
        {
            "test": "lipid_panel",
            "opens": "2026-01-05",
            "due": "2026-02-02",
            "status": "open",
            "reason": "no lipid panel within a year of starting anastrozole",
        },
        {
            "test": "hormone_panel",
            "opens": "2026-01-19",
            "due": "2026-02-02",
            "status": "open",
            "reason": "anastrozole started 2026-01-05",
        },
        {
            "test": "semen_analysis",
            "opens": "2026-04-05",
            "due": "2026-07-04",
            "status": "upcoming",
            "reason": "fertility course started 2026-01-05",
        },
        {
            "test": "dexa",
            "opens": "2027-01-05",
            "due": "2028-01-05",
            "status": "upcoming",
            "reason": "365 days of aromatase inhibitor by 2027-01-05",
        },
    ]


def test_a_change_reason_names_the_new_dose(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "daily", d("2026-09-01"))
    change_regimen(journal, "anastrozole", d("2026-10-22"), dose="0.5")
    tests = due_tests_for(journal, d("2026-10-23"))
    hormone = next(t for t in tests if t.test == "hormone_panel")
    assert hormone.reason == "anastrozole changed to 0.5 mg daily on 2026-10-22"
    assert describe_test(hormone) == (
        "Hormone panel — upcoming (2026-11-05 to 2026-11-19): "
        "anastrozole changed to 0.5 mg daily on 2026-10-22"
    )


def test_a_later_result_makes_the_reminder_disappear(journal: Journal) -> None:
    start_regimen(journal, "testosterone", "100", "mg", "mon,thu", d("2026-01-05"))
    before = due_tests_for(journal, d("2026-01-25"))
    assert [(t.test, t.rule) for t in before] == [("hormone_panel", "hormone_panel_after_change")]
    panel(journal, d("2026-01-24"), "500", "25", at=None)
    after = due_tests_for(journal, d("2026-01-25"))
    assert [(t.test, t.rule) for t in after] == [("hormone_panel", "hormone_panel_on_therapy")]
    assert after[0].due == d("2026-04-24")


def test_stored_rule_offsets_override_the_defaults(journal: Journal) -> None:
    start_regimen(journal, "testosterone", "100", "mg", "daily", d("2026-01-05"))
    set_setting(
        journal,
        "rule_offsets",
        {"hormone_after_change_opens_days": 21, "hormone_after_change_due_days": 42},
    )
    assert rule_offsets(journal).hormone_after_change_opens_days == 21
    (hormone,) = due_tests_for(journal, d("2026-01-06"))
    assert (hormone.opens, hormone.due) == (d("2026-01-26"), d("2026-02-16"))


@pytest.mark.parametrize(
    ("stored", "field"),
    [
        ({"no_such_offset": 3}, "offsets"),
        ({"semen_opens_days": "ninety"}, "semen_opens_days"),
        ({"semen_opens_days": 200}, "semen_opens_days"),  # would open after it is due
        ([1, 2], "rule_offsets"),
    ],
)
def test_bad_stored_offsets_are_refused_naming_the_field(
    journal: Journal, stored: object, field: str
) -> None:
    set_setting(journal, "rule_offsets", stored)
    with pytest.raises(InputError) as refused:
        rule_offsets(journal)
    assert refused.value.field == field


def test_no_offsets_stored_means_the_defaults(journal: Journal) -> None:
    assert rule_offsets(journal).semen_opens_days == 90


# ---------------------------------------------------------------------------
# Dose times
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "count", "expected"),
    [
        ("08:00", 1, ["08:00"]),
        ("08:00", 2, ["08:00", "20:00"]),
        ("08:00", 3, ["08:00", "14:00", "20:00"]),
        ("07:30", 4, ["07:30", "11:30", "15:30", "19:30"]),
        ("22:00", 2, ["22:00", "23:59"]),  # never past the end of the dose's day
        ("23:59", 2, ["23:59", "23:59"]),
    ],
)
def test_dose_times(first: str, count: int, expected: list[str]) -> None:
    times = dose_times(time.fromisoformat(first), count)
    assert [t.strftime("%H:%M") for t in times] == expected


def test_dose_times_refuses_zero() -> None:
    with pytest.raises(InputError):
        dose_times(time(8, 0), 0)


@given(
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.integers(min_value=1, max_value=6),
)
def test_dose_times_stay_in_order_on_the_same_day(first: time, count: int) -> None:
    times = dose_times(first, count)
    assert len(times) == count
    assert times[0] == first
    assert times == sorted(times)
    assert all(t <= time(23, 59) for t in times)


def _regimen(schedule: str, start: str = "2026-06-01", **kwargs: object) -> Regimen:
    return Regimen(
        "anastrozole",
        "aromatase_inhibitor",
        (RegimenStep(d(start), 0.5, "mg", schedule),),
        id=1,  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_slots_follow_the_schedule() -> None:
    eod = _regimen("every 2 days", time_of_day=time(8, 0))
    assert [s.at for s in regimen_slots_on(eod, d("2026-06-01"))] == [at("2026-06-01T08:00")]
    assert regimen_slots_on(eod, d("2026-06-02")) == []
    weekly = _regimen("mon,thu", time_of_day=time(21, 0))
    assert [s.day.weekday() for s in regimen_slots_on(weekly, d("2026-06-04"))] == [3]
    assert regimen_slots_on(weekly, d("2026-06-05")) == []


def test_no_slots_without_a_time_as_needed_before_start_or_after_stop() -> None:
    assert regimen_slots_on(_regimen("daily"), d("2026-06-02")) == []
    assert regimen_slots_on(_regimen("as needed", time_of_day=time(8, 0)), d("2026-06-02")) == []
    timed = _regimen("daily", time_of_day=time(8, 0), stop=d("2026-06-10"))
    assert regimen_slots_on(timed, d("2026-05-31")) == []
    assert len(regimen_slots_on(timed, d("2026-06-09"))) == 1
    assert regimen_slots_on(timed, d("2026-06-10")) == []  # the stop day is not taken


def test_slots_carry_the_dose_in_force_that_day(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "daily", d("2026-06-01"), time(8, 0))
    change_regimen(journal, "anastrozole", d("2026-06-05"), dose="0.5", schedule="daily x2")
    history = journal.history()
    assert [s.describe() for s in dose_slots_on(history, d("2026-06-04"))] == [
        "anastrozole 1 mg at 08:00"
    ]
    assert [s.describe() for s in dose_slots_on(history, d("2026-06-05"))] == [
        "anastrozole 0.5 mg at 08:00",
        "anastrozole 0.5 mg at 20:00",
    ]


@pytest.mark.parametrize(
    "day",
    # Spring forward and fall back in the US and the EU, 2026.
    ["2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01"],
)
def test_slots_keep_wall_clock_time_on_dst_days(day: str) -> None:
    regimen = _regimen("daily", start="2026-01-01", time_of_day=time(2, 30))
    (slot,) = regimen_slots_on(regimen, d(day))
    # 02:30 does not exist on a spring-forward night and happens twice on a fall-back one:
    # the reminder is the wall-clock 02:30 all the same, never shifted by an hour.
    assert slot.at == datetime.combine(d(day), time(2, 30))
    assert slot.at.tzinfo is None


# ---------------------------------------------------------------------------
# Logged or not, catch-up, the next dose
# ---------------------------------------------------------------------------


@pytest.fixture
def twice_daily(journal: Journal) -> Journal:
    start_regimen(journal, "clomiphene", "25", "mg", "daily x2", d("2026-05-25"), time(8, 0))
    return journal


def test_a_slot_is_logged_once_enough_doses_of_its_day_are(twice_daily: Journal) -> None:
    morning, evening = dose_slots_on(twice_daily.history(), d("2026-06-01"))
    log_dose(twice_daily, "clomiphene", at("2026-06-01T09:10"))
    history = twice_daily.history()
    assert is_logged(history, morning)
    assert not is_logged(history, evening)
    log_dose(twice_daily, "clomiphene", at("2026-06-01T21:00"), skipped=True)
    assert is_logged(twice_daily.history(), evening)  # a skip is logged too


def test_unlogged_slots_between_two_moments(twice_daily: Journal) -> None:
    history = twice_daily.history()
    found = unlogged_slots(history, at("2026-06-01T08:00"), at("2026-06-02T09:00"))
    # (since, until]: 06-01 08:00 was already seen; 06-01 20:00 and 06-02 08:00 fell due.
    assert [s.at for s in found] == [at("2026-06-01T20:00"), at("2026-06-02T08:00")]


def test_catch_up_after_the_laptop_slept(twice_daily: Journal) -> None:
    log_dose(twice_daily, "clomiphene", at("2026-05-31T08:05"))
    found = unlogged_slots(twice_daily.history(), at("2026-05-31T07:00"), at("2026-06-01T12:00"))
    assert [s.at for s in found] == [
        at("2026-05-31T20:00"),
        at("2026-06-01T08:00"),
    ]


def test_without_last_seen_catch_up_starts_at_midnight(twice_daily: Journal) -> None:
    found = unlogged_slots(twice_daily.history(), None, at("2026-06-01T20:00"))
    assert [s.at for s in found] == [at("2026-06-01T08:00"), at("2026-06-01T20:00")]


def test_catch_up_looks_back_at_most_a_week(twice_daily: Journal) -> None:
    found = unlogged_slots(twice_daily.history(), at("2026-01-01T00:00"), at("2026-06-10T07:00"))
    assert found[0].day == d("2026-06-10") - timedelta(days=MAX_CATCH_UP_DAYS)
    assert len(found) == 2 * MAX_CATCH_UP_DAYS


def test_a_clock_set_back_finds_nothing(twice_daily: Journal) -> None:
    assert (
        unlogged_slots(twice_daily.history(), at("2026-06-01T21:00"), at("2026-06-01T19:00")) == []
    )


def test_catch_up_across_a_dst_night_is_wall_clock(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "daily", d("2026-03-01"), time(2, 30))
    history = journal.history()
    # The EU spring-forward night (03-29): the app last ran at 01:59, now it is 03:01.
    found = unlogged_slots(history, at("2026-03-29T01:59"), at("2026-03-29T03:01"))
    assert [s.at for s in found] == [at("2026-03-29T02:30")]


def test_next_dose_skips_logged_and_off_days(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "mon,thu", d("2026-06-01"), time(8, 0))
    history = journal.history()
    # 2026-06-01 is a Monday.
    assert next_dose_slot(history, at("2026-06-01T07:00")) == DoseSlot(
        history.regimens[0].id, "anastrozole", 1.0, "mg", at("2026-06-01T08:00")
    )
    log_dose(journal, "anastrozole", at("2026-06-01T07:30"))
    nxt = next_dose_slot(journal.history(), at("2026-06-01T07:45"))
    assert nxt is not None and nxt.at == at("2026-06-04T08:00")


def test_no_next_dose_once_stopped(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "daily", d("2026-06-01"), time(8, 0))
    stop_regimen(journal, "anastrozole", d("2026-06-03"))
    assert next_dose_slot(journal.history(), at("2026-06-02T09:00")) is None


def test_slot_keys_differ_per_dose_of_the_day() -> None:
    history = History(regimens=(_regimen("daily x2", time_of_day=time(23, 59)),))
    first, second = dose_slots_on(history, d("2026-06-02"))
    assert first.at == second.at
    assert first.key != second.key
