"""Tests for expected, taken, skipped and missed doses and adherence of a regimen."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.adherence import (
    Adherence,
    SchedulePeriod,
    adherence_for,
    day_tallies,
    doses_due_today,
    expected_slots,
    missed_days,
    schedule_periods,
)
from fertilitytracker.core.records import DoseEvent, Regimen, RegimenId, RegimenStep
from fertilitytracker.core.schedules import parse_schedule

START = date(2026, 1, 5)  # a Monday
ID = RegimenId(1)


def regimen(
    *steps: tuple[date, str], stop: date | None = None, regimen_id: int | None = 1
) -> Regimen:
    return Regimen(
        name="anastrozole",
        med_class="aromatase_inhibitor",
        steps=tuple(RegimenStep(day, 1.0, "mg", schedule) for day, schedule in steps),
        stop=stop,
        id=RegimenId(regimen_id) if regimen_id is not None else None,
    )


def dose(day: date, status: str = "taken", at: time = time(8, 0), regimen_id: int = 1) -> DoseEvent:
    return DoseEvent(RegimenId(regimen_id), datetime.combine(day, at), status)  # type: ignore[arg-type]


def days(first: date, count: int, step: int = 1) -> list[date]:
    return [first + timedelta(days=n * step) for n in range(count)]


def test_daily_30_days_27_taken_1_skipped_2_missed_is_0_9() -> None:
    daily = regimen((START, "daily"))
    month = days(START, 30)
    doses = [dose(day) for day in month[:27]] + [dose(month[27], "skipped")]
    today = START + timedelta(days=30)  # the 30 days are all in the past
    result = adherence_for(daily, doses, today)
    assert result == Adherence(expected=30, taken=27, skipped=1, missed=2, adherence=0.9)
    assert missed_days(daily, doses, today, since=START) == [(month[28], 1), (month[29], 1)]


def test_todays_unlogged_dose_is_not_missed() -> None:
    daily = regimen((START, "daily"))
    today = START + timedelta(days=2)
    doses = [dose(START), dose(START + timedelta(days=1))]
    assert adherence_for(daily, doses, today) == Adherence(2, 2, 0, 0, 1.0)
    assert doses_due_today(daily, doses, today) == (1, 0)
    # Once logged, today's dose counts.
    doses.append(dose(today, at=time(21, 30)))
    assert adherence_for(daily, doses, today) == Adherence(3, 3, 0, 0, 1.0)
    assert doses_due_today(daily, doses, today) == (1, 1)
    # The next day, an unlogged yesterday would have been missed; here it was taken.
    assert adherence_for(daily, doses, today + timedelta(days=1)).missed == 0


def test_yesterdays_unlogged_dose_is_missed() -> None:
    daily = regimen((START, "daily"))
    result = adherence_for(daily, [dose(START)], START + timedelta(days=2))
    assert result == Adherence(2, 1, 0, 1, 0.5)


def test_nothing_expected_gives_no_adherence() -> None:
    daily = regimen((START, "daily"))
    assert adherence_for(daily, [], START) == Adherence(0, 0, 0, 0, None)
    assert adherence_for(daily, [], START - timedelta(days=3)) == Adherence(0, 0, 0, 0, None)


def test_eod_counts_only_dose_days_and_off_day_doses_count_as_taken() -> None:
    eod = regimen((START, "eod"))
    today = START + timedelta(days=10)
    assert expected_slots(eod, today - timedelta(days=1)) == [(d, 1) for d in days(START, 5, 2)]
    dose_days = days(START, 5, 2)
    doses = [dose(day) for day in dose_days[:4]]  # the 5th (day 8) forgotten
    assert adherence_for(eod, doses, today) == Adherence(5, 4, 0, 1, 0.8)
    # A dose taken on an off day is taken and expected: it never lowers adherence.
    off_day = START + timedelta(days=1)
    with_extra = [*doses, dose(off_day)]
    assert adherence_for(eod, with_extra, today) == Adherence(6, 5, 0, 1, 5 / 6)
    # A skip logged on an off day counts for nothing.
    assert adherence_for(eod, [*doses, dose(off_day, "skipped")], today) == Adherence(
        5, 4, 0, 1, 0.8
    )


def test_mon_thu() -> None:
    mon_thu = regimen((START, "mon,thu"))
    today = START + timedelta(days=14)  # Monday two weeks later
    slots = expected_slots(mon_thu, today)
    assert [day.strftime("%a") for day, _ in slots] == ["Mon", "Thu", "Mon", "Thu", "Mon"]
    doses = [dose(START), dose(START + timedelta(days=3)), dose(START + timedelta(days=10))]
    # Past: Mon 5 taken, Thu 8 taken, Mon 12 missed, Thu 15 taken; today (Mon 19) not logged.
    assert adherence_for(mon_thu, doses, today) == Adherence(4, 3, 0, 1, 0.75)
    assert doses_due_today(mon_thu, doses, today) == (1, 0)
    assert doses_due_today(mon_thu, doses, today + timedelta(days=1)) == (0, 0)


def test_daily_x2_caps_and_takes_first() -> None:
    twice = regimen((START, "daily x2"))
    day2 = START + timedelta(days=1)
    day3 = START + timedelta(days=2)
    doses = [
        dose(START, at=time(8)),
        dose(START, at=time(20)),
        dose(START, at=time(22)),  # a third dose: capped at the two scheduled
        dose(day2, "skipped", at=time(8)),
        dose(day2, at=time(20)),
        dose(day3, "skipped"),
        dose(day3, "skipped"),
        dose(day3, "skipped"),
    ]
    today = START + timedelta(days=4)  # day 4 logged nothing: 2 missed
    result = adherence_for(twice, doses, today)
    assert result == Adherence(expected=8, taken=3, skipped=3, missed=2, adherence=3 / 8)
    assert missed_days(twice, doses, today, since=START) == [(START + timedelta(days=3), 2)]
    assert doses_due_today(twice, [dose(today)], today) == (2, 1)
    assert adherence_for(twice, [dose(today)], today, start=today) == Adherence(1, 1, 0, 0, 1.0)


def test_schedule_change_resets_the_eod_anchor() -> None:
    change = START + timedelta(days=5)  # an off day of the first eod run
    changed = regimen((START, "eod"), (change, "every 3 days"))
    slots = [day for day, _ in expected_slots(changed, START + timedelta(days=12))]
    assert slots == [START + timedelta(days=n) for n in (0, 2, 4, 5, 8, 11)]
    # daily -> eod from day 3: eod counts from the change date.
    daily_then_eod = regimen((START, "daily"), (START + timedelta(days=3), "eod"))
    slots = [day for day, _ in expected_slots(daily_then_eod, START + timedelta(days=8))]
    assert slots == [START + timedelta(days=n) for n in (0, 1, 2, 3, 5, 7)]


def test_schedule_periods() -> None:
    change = START + timedelta(days=5)
    stop = START + timedelta(days=9)
    changed = regimen((START, "eod"), (change, "daily x2"), stop=stop)
    assert schedule_periods(changed) == [
        SchedulePeriod(START, change, parse_schedule("eod"), START),
        SchedulePeriod(change, stop, parse_schedule("daily x2"), change),
    ]
    assert schedule_periods(regimen((START, "daily")))[0].end is None


def test_dose_only_change_keeps_the_eod_rhythm() -> None:
    steps = (
        RegimenStep(START, 1.0, "mg", "eod"),
        RegimenStep(START + timedelta(days=3), 0.5, "mg", "every 2 days"),
    )
    changed = Regimen("anastrozole", "aromatase_inhibitor", steps, id=ID)
    slots = [day for day, _ in expected_slots(changed, START + timedelta(days=8))]
    assert slots == [START + timedelta(days=n) for n in (0, 2, 4, 6, 8)]


def test_stop_day_is_not_active() -> None:
    stop = START + timedelta(days=5)
    stopped = regimen((START, "daily"), stop=stop)
    assert expected_slots(stopped, START + timedelta(days=30)) == [(d, 1) for d in days(START, 5)]
    result = adherence_for(
        stopped, [dose(day) for day in days(START, 5)], START + timedelta(days=30)
    )
    assert result == Adherence(5, 5, 0, 0, 1.0)
    # A dose logged on or after the stop day is outside the regimen: not counted.
    late = [dose(day) for day in days(START, 7)]
    assert adherence_for(stopped, late, START + timedelta(days=30)).taken == 5
    assert doses_due_today(stopped, [], stop) == (0, 0)


def test_change_on_the_stop_day_never_applies() -> None:
    stop = START + timedelta(days=4)
    stopped = regimen((START, "daily"), (stop, "daily x2"), stop=stop)
    assert expected_slots(stopped, START + timedelta(days=10)) == [(d, 1) for d in days(START, 4)]


def test_doses_before_start_are_not_counted() -> None:
    daily = regimen((START, "daily"))
    doses = [dose(START - timedelta(days=1)), dose(START)]
    assert adherence_for(daily, doses, START + timedelta(days=1)) == Adherence(1, 1, 0, 0, 1.0)


def test_as_needed() -> None:
    prn = regimen((START, "as needed"))
    today = START + timedelta(days=10)
    assert expected_slots(prn, today) == []
    assert adherence_for(prn, [], today) == Adherence(0, 0, 0, 0, None)
    doses = [dose(START + timedelta(days=2)), dose(START + timedelta(days=2), at=time(20))]
    assert adherence_for(prn, doses, today) == Adherence(2, 2, 0, 0, 1.0)
    assert missed_days(prn, doses, today, since=START) == []
    assert doses_due_today(prn, [dose(today)], today) == (0, 1)


def test_window_for_reports() -> None:
    daily = regimen((START, "daily"))
    # Taken on the even dates: Jan 6, 8, 10, 12, 14.
    doses = [dose(day) for day in days(START, 10) if day.day % 2 == 0]
    today = START + timedelta(days=20)
    window = adherence_for(daily, doses, today, start=date(2026, 1, 7), end=date(2026, 1, 10))
    assert window == Adherence(expected=4, taken=2, skipped=0, missed=2, adherence=0.5)
    # A window reaching past today stops at today, which counts only logged doses:
    # Jan 5 missed, 6 taken, 7 missed, today Jan 8 taken.
    future = adherence_for(daily, doses, date(2026, 1, 8), end=date(2026, 2, 28))
    assert future == Adherence(expected=4, taken=2, skipped=0, missed=2, adherence=0.5)
    # A window starting before the regimen counts from its start.
    early = adherence_for(daily, doses, date(2026, 1, 7), start=date(2025, 12, 1))
    assert early == Adherence(expected=2, taken=1, skipped=0, missed=1, adherence=0.5)


def test_doses_of_other_regimens_are_ignored() -> None:
    daily = regimen((START, "daily"))
    doses = [dose(START, regimen_id=2)]
    assert adherence_for(daily, doses, START + timedelta(days=1)) == Adherence(1, 0, 0, 1, 0.0)
    unsaved = regimen((START, "daily"), regimen_id=None)
    assert adherence_for(unsaved, doses, START + timedelta(days=1)) == Adherence(1, 1, 0, 0, 1.0)


def test_missed_days_since() -> None:
    daily = regimen((START, "daily"))
    today = START + timedelta(days=20)
    week_ago = today - timedelta(days=7)
    assert missed_days(daily, [], today, since=week_ago) == [(d, 1) for d in days(week_ago, 7)]


def test_empty_regimen_has_nothing() -> None:
    empty = Regimen("x", "other", (), id=ID)
    assert expected_slots(empty, START) == []
    assert adherence_for(empty, [], START) == Adherence(0, 0, 0, 0, None)


schedule_texts = st.sampled_from(
    ["daily", "daily x2", "daily x3", "eod", "every 3 days", "mon,thu", "tue,sat x2", "as needed"]
)


@given(
    first=schedule_texts,
    second=schedule_texts,
    change_after=st.integers(1, 30),
    stop_after=st.one_of(st.none(), st.integers(0, 60)),
    today_offset=st.integers(-5, 70),
    logged=st.lists(
        st.tuples(st.integers(-3, 70), st.sampled_from(["taken", "skipped"]), st.integers(0, 23)),
        max_size=60,
    ),
)
def test_counts_always_add_up(
    first: str,
    second: str,
    change_after: int,
    stop_after: int | None,
    today_offset: int,
    logged: list[tuple[int, str, int]],
) -> None:
    stop = None if stop_after is None else START + timedelta(days=stop_after)
    subject = regimen((START, first), (START + timedelta(days=change_after), second), stop=stop)
    doses = [dose(START + timedelta(days=n), status, time(hour)) for n, status, hour in logged]
    today = START + timedelta(days=today_offset)
    result = adherence_for(subject, doses, today)
    assert result.expected == result.taken + result.skipped + result.missed
    assert result.taken <= sum(1 for d in doses if d.status == "taken")
    if result.expected:
        assert result.adherence is not None
        assert result.adherence == pytest.approx(result.taken / result.expected)
        assert 0.0 <= result.adherence <= 1.0
    else:
        assert result.adherence is None
    # Past days never expect fewer than the schedule asked.
    scheduled_past = sum(count for day, count in expected_slots(subject, today - timedelta(days=1)))
    past = adherence_for(subject, doses, today, end=today - timedelta(days=1))
    assert past.expected >= scheduled_past
    assert past.missed == sum(count for _, count in missed_days(subject, doses, today, START))
    for tally in day_tallies(subject, doses, today):
        assert subject.is_active_on(tally.day)
        assert tally.day <= today


def _summed_tallies(
    subject: Regimen, doses: list[DoseEvent], today: date, start: date | None, end: date | None
) -> Adherence:
    tallies = day_tallies(subject, doses, today, start, end)
    expected = sum(tally.expected for tally in tallies)
    taken = sum(tally.taken for tally in tallies)
    return Adherence(
        expected,
        taken,
        sum(tally.skipped for tally in tallies),
        sum(tally.missed for tally in tallies),
        taken / expected if expected else None,
    )


def test_a_decade_of_changing_schedules_counts_as_its_days_add_up() -> None:
    # Ten years of steps through every kind of schedule, a dose logged on most days (taken,
    # skipped, twice, on off days, before the start and after the stop), and report windows.
    schedules = ["daily", "eod", "mon,wed,fri", "every 3 days", "twice daily", "as needed"]
    steps = [(START + timedelta(days=200 * n), schedules[n % len(schedules)]) for n in range(18)]
    stop = START + timedelta(days=3600)
    subject = regimen(*steps, stop=stop)
    doses = []
    for n in range(-10, 3700):
        if n % 7 == 3:
            continue
        day = START + timedelta(days=n)
        doses.append(dose(day, "skipped" if n % 11 == 0 else "taken"))
        if n % 5 == 0:
            doses.append(dose(day, "taken", time(20, 0)))
    doses.append(dose(START + timedelta(days=100), regimen_id=2))
    windows = [
        (None, None),
        (START + timedelta(days=1000), START + timedelta(days=2999)),
        (START + timedelta(days=3530), START + timedelta(days=3620)),
        (START - timedelta(days=30), START + timedelta(days=45)),
    ]
    for today in [START + timedelta(days=n) for n in (0, 1, 777, 3599, 3600, 4000)]:
        for start, end in windows:
            assert adherence_for(subject, doses, today, start, end) == _summed_tallies(
                subject, doses, today, start, end
            )


@given(
    first=st.sampled_from(["daily", "eod", "every 3 days", "mon,thu", "twice daily", "as needed"]),
    second=st.sampled_from(["daily", "every 2 days", "sat,sun", "daily x3", "as needed"]),
    change_after=st.integers(0, 40),
    stop_after=st.one_of(st.none(), st.integers(0, 60)),
    today_offset=st.integers(-5, 70),
    window=st.tuples(st.integers(-5, 70), st.integers(-5, 70)),
    logged=st.lists(
        st.tuples(st.integers(-3, 70), st.sampled_from(["taken", "skipped"]), st.integers(0, 23)),
        max_size=60,
    ),
)
def test_adherence_is_the_sum_of_the_day_tallies(
    first: str,
    second: str,
    change_after: int,
    stop_after: int | None,
    today_offset: int,
    window: tuple[int, int],
    logged: list[tuple[int, str, int]],
) -> None:
    stop = None if stop_after is None else START + timedelta(days=stop_after)
    subject = regimen((START, first), (START + timedelta(days=change_after), second), stop=stop)
    doses = [dose(START + timedelta(days=n), status, time(hour)) for n, status, hour in logged]
    today = START + timedelta(days=today_offset)
    start, end = (START + timedelta(days=offset) for offset in window)
    for bounds in [(None, None), (start, None), (None, end), (start, end)]:
        assert adherence_for(subject, doses, today, *bounds) == _summed_tallies(
            subject, doses, today, *bounds
        )
