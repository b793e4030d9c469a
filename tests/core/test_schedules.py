"""Tests for dose schedules: parsing what people type, canonical text and doses due on a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.schedules import Schedule, doses_due_on, parse_schedule

MONDAY = date(2026, 1, 5)  # a Monday
HINT = "(use daily, daily x2, every N days, eod, mon,thu or as needed)"


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("daily", "daily"),
        ("Daily", "daily"),
        (" every day ", "daily"),
        ("every 1 day", "daily"),
        ("daily x1", "daily"),
        ("once daily", "daily"),
        ("daily x2", "daily x2"),
        ("DAILY X2", "daily x2"),
        ("daily x 3", "daily x3"),
        ("daily ×2", "daily x2"),
        ("2x daily", "daily x2"),
        ("twice daily", "daily x2"),
        ("twice a day", "daily x2"),
        ("2 times a day", "daily x2"),
        ("bid", "daily x2"),
        ("TID", "daily x3"),
        ("every 2 days", "every 2 days"),
        ("every 3 days", "every 3 days"),
        ("Every  3  Days", "every 3 days"),
        ("every 365 days", "every 365 days"),
        ("eod", "every 2 days"),
        ("EOD", "every 2 days"),
        ("every other day", "every 2 days"),
        ("weekly", "every 7 days"),
        ("every 2 weeks", "every 14 days"),
        ("mon,thu", "mon,thu"),
        ("Mon, Thu", "mon,thu"),
        ("thu,mon", "mon,thu"),
        ("Monday, Thursday", "mon,thu"),
        ("monday and thursday", "mon,thu"),
        ("tue fri", "tue,fri"),
        ("sun", "sun"),
        ("mon,wed,fri x2", "mon,wed,fri x2"),
        ("as needed", "as needed"),
        ("As Needed", "as needed"),
        ("prn", "as needed"),
        ("PRN", "as needed"),
    ],
)
def test_parse_what_people_type(typed: str, text: str) -> None:
    schedule = parse_schedule(typed)
    assert schedule.text == text
    assert str(schedule) == text


def test_parsed_fields() -> None:
    assert parse_schedule("daily x2") == Schedule("daily", times_per_day=2)
    assert parse_schedule("eod") == Schedule("every_n_days", every_days=2)
    assert parse_schedule("Mon, Thu") == Schedule("weekdays", weekdays=frozenset({0, 3}))
    assert parse_schedule("prn") == Schedule("as_needed")


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "sometimes",
        "every 0 days",
        "every 366 days",
        "every -2 days",
        "daily x0",
        "daily x7",
        "mon,funday",
        "twice weekly",
        "2x/week",
        "x2",
        "every days",
    ],
)
def test_bad_schedules_are_refused_with_the_hint(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_schedule(typed)
    assert caught.value.field == "schedule"
    assert caught.value.reason.endswith(HINT)


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        # One spelling per schedule on every surface.
        ("daily", "daily"),
        ("daily x2", "twice daily"),
        ("daily x3", "3 times daily"),
        ("eod", "every other day"),
        ("every 2 days", "every other day"),
        ("every 3 days", "every 3 days"),
        ("mon,thu", "Mon and Thu"),
        ("mon,wed,fri", "Mon, Wed and Fri"),
        ("sat", "every Sat"),
        ("mon,thu x2", "Mon and Thu, twice daily"),
        ("as needed", "as needed"),
    ],
)
def test_describe(schedule: str, words: str) -> None:
    assert parse_schedule(schedule).describe() == words


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "hourly"},
        {"kind": "daily", "times_per_day": 0},
        {"kind": "daily", "times_per_day": 7},
        {"kind": "every_n_days", "every_days": 1},
        {"kind": "every_n_days", "every_days": 366},
        {"kind": "daily", "every_days": 3},
        {"kind": "weekdays"},
        {"kind": "weekdays", "weekdays": frozenset({7})},
        {"kind": "daily", "weekdays": frozenset({1})},
        {"kind": "as_needed", "times_per_day": 2},
    ],
)
def test_inconsistent_schedules_cannot_be_built(bad: dict[str, object]) -> None:
    with pytest.raises(InputError) as caught:
        Schedule(**bad)  # type: ignore[arg-type]
    assert caught.value.field == "schedule"


schedules = st.one_of(
    st.builds(Schedule, st.just("daily"), times_per_day=st.integers(1, 6)),
    st.builds(
        Schedule,
        st.just("every_n_days"),
        times_per_day=st.integers(1, 6),
        every_days=st.integers(2, 365),
    ),
    st.builds(
        Schedule,
        st.just("weekdays"),
        times_per_day=st.integers(1, 6),
        weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    ),
    st.just(Schedule("as_needed")),
)


@given(schedules)
def test_canonical_text_round_trips(schedule: Schedule) -> None:
    assert parse_schedule(schedule.text) == schedule
    assert parse_schedule(schedule.text.upper()) == schedule


@given(st.text(max_size=30))
def test_parse_never_crashes(typed: str) -> None:
    try:
        schedule = parse_schedule(typed)
    except InputError as error:
        assert error.field == "schedule"
    else:
        assert parse_schedule(schedule.text) == schedule


def test_daily_counts_every_day_from_the_anchor() -> None:
    daily2 = parse_schedule("daily x2")
    assert doses_due_on(daily2, MONDAY, MONDAY) == 2
    assert doses_due_on(daily2, MONDAY, MONDAY + timedelta(days=40)) == 2
    assert doses_due_on(daily2, MONDAY, MONDAY - timedelta(days=1)) == 0


def test_every_n_days_counts_from_the_anchor() -> None:
    eod = parse_schedule("eod")
    due = [doses_due_on(eod, MONDAY, MONDAY + timedelta(days=n)) for n in range(6)]
    assert due == [1, 0, 1, 0, 1, 0]
    every3 = parse_schedule("every 3 days")
    due = [doses_due_on(every3, MONDAY, MONDAY + timedelta(days=n)) for n in range(7)]
    assert due == [1, 0, 0, 1, 0, 0, 1]


def test_weekdays_ignore_the_anchor_phase() -> None:
    mon_thu = parse_schedule("mon,thu")
    wednesday = MONDAY + timedelta(days=2)
    week = [doses_due_on(mon_thu, wednesday, MONDAY + timedelta(days=n)) for n in range(14)]
    # Monday of the first week is before the anchor (Wednesday): nothing due yet.
    assert week == [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]


def test_as_needed_never_due_and_text_accepted() -> None:
    assert doses_due_on("as needed", MONDAY, MONDAY) == 0
    assert doses_due_on("daily", MONDAY, MONDAY) == 1


@given(schedules, st.integers(0, 800))
def test_doses_due_is_periodic(schedule: Schedule, offset: int) -> None:
    day = MONDAY + timedelta(days=offset)
    due = doses_due_on(schedule, MONDAY, day)
    assert 0 <= due <= schedule.times_per_day
    period = 7 if schedule.kind == "weekdays" else schedule.every_days
    assert doses_due_on(schedule, MONDAY, day + timedelta(days=period * 7)) == due
