"""Tests for services/ics.py: the calendar is parsed back with `icalendar` and checked."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from fertilitytracker.core.adherence import expected_slots
from fertilitytracker.core.monitoring import DueTest
from fertilitytracker.core.records import Regimen, RegimenId, RegimenStep
from fertilitytracker.services.ics import (
    calendar_text,
    export_calendar,
    write_ics,
)
from fertilitytracker.services.operations import change_regimen, start_regimen, stop_regimen
from fertilitytracker.storage.journal import Journal
from tests.builders import d

STAMP = datetime(2026, 6, 1, 9, 0)


def parse(text: str) -> list[Event]:
    calendar = Calendar.from_ical(text.encode("utf-8"))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


def by_uid(events: list[Event]) -> dict[str, Event]:
    return {str(event["UID"]): event for event in events}


def regimen(
    schedule: str,
    *,
    start: str = "2026-06-01",
    time_of_day: time | None = time(8, 0),
    stop: str | None = None,
    changes: tuple[tuple[str, float, str], ...] = (),
    regimen_id: int = 7,
) -> Regimen:
    steps = (
        RegimenStep(d(start), 1.0, "mg", schedule),
        *(RegimenStep(d(day), dose, "mg", sched) for day, dose, sched in changes),
    )
    return Regimen(
        "anastrozole",
        "aromatase_inhibitor",
        steps,
        stop=d(stop) if stop else None,
        time_of_day=time_of_day,
        id=RegimenId(regimen_id),
    )


HORMONE = DueTest(
    "hormone_panel",
    d("2026-01-19"),
    d("2026-02-02"),
    "open",
    "anastrozole changed to 0.5 mg daily on 2026-10-22",
    "hormone_panel_after_change",
)


# ---------------------------------------------------------------------------
# Due tests
# ---------------------------------------------------------------------------


def test_a_due_test_is_an_all_day_event_over_its_window_with_alarms() -> None:
    (event,) = parse(calendar_text([HORMONE], [], STAMP))
    assert event.decoded("DTSTART") == d("2026-01-19")
    assert type(event.decoded("DTSTART")) is date  # all-day, not a date-time
    assert event.decoded("DTEND") == d("2026-02-03")  # exclusive: the window includes 02-02
    assert str(event["SUMMARY"]) == "Hormone panel due by 2026-02-02"
    assert "anastrozole changed to 0.5 mg daily on 2026-10-22" in str(event["DESCRIPTION"])
    alarms = list(event.walk("VALARM"))
    assert [alarm["ACTION"] for alarm in alarms] == ["DISPLAY", "DISPLAY"]
    triggers = [
        (alarm["TRIGGER"].params.get("RELATED"), alarm.decoded("TRIGGER")) for alarm in alarms
    ]
    # 09:00 the day the window opens; 09:00 on the due day (15 h before the exclusive end).
    assert triggers == [("START", timedelta(hours=9)), ("END", timedelta(hours=-15))]
    assert event.decoded("DTSTAMP") == STAMP.astimezone(UTC)  # DTSTAMP is UTC (RFC 5545)


def test_a_test_uid_is_stable_when_its_window_moves() -> None:
    moved = DueTest(
        "hormone_panel", d("2026-04-20"), d("2026-05-04"), "upcoming", "on therapy", "other_rule"
    )
    first = by_uid(parse(calendar_text([HORMONE], [], STAMP)))
    second = by_uid(parse(calendar_text([moved], [], STAMP + timedelta(days=3))))
    assert first.keys() == second.keys() == {"test-hormone_panel@fertilitytracker.local"}


# ---------------------------------------------------------------------------
# Dose schedule
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "start", "rule"),
    [
        ("daily", "2026-06-01", {"FREQ": ["DAILY"]}),
        ("every 3 days", "2026-06-01", {"FREQ": ["DAILY"], "INTERVAL": [3]}),
        # 2026-06-02 is a Tuesday: the first dose of mon,thu is Thursday 06-04.
        ("mon,thu", "2026-06-02", {"FREQ": ["WEEKLY"], "BYDAY": ["MO", "TH"]}),
    ],
)
def test_a_regimen_is_one_recurring_event_with_rrule_and_alarm(
    schedule: str, start: str, rule: dict[str, list[object]]
) -> None:
    (event,) = parse(calendar_text([], [regimen(schedule, start=start)], STAMP))
    assert dict(event["RRULE"]) == rule
    dtstart = event.decoded("DTSTART")
    assert dtstart.tzinfo is None  # floating local time
    expected_first = d("2026-06-04") if schedule == "mon,thu" else d(start)
    assert dtstart == datetime.combine(expected_first, time(8, 0))
    assert event.decoded("DURATION") == timedelta(minutes=15)
    assert str(event["SUMMARY"]) == "anastrozole 1 mg"
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(0)
    assert "anastrozole 1 mg" in str(alarm["DESCRIPTION"])


def test_the_text_keeps_floating_times_without_tzid_or_z() -> None:
    text = calendar_text([], [regimen("daily", stop="2026-06-10")], STAMP)
    assert "DTSTART:20260601T080000\r\n" in text
    assert "RRULE:FREQ=DAILY;UNTIL=20260609T080000\r\n" in text
    assert "TZID" not in text


def test_a_stop_ends_the_rule_with_until_the_last_day_taken() -> None:
    (event,) = parse(calendar_text([], [regimen("daily", stop="2026-06-10")], STAMP))
    assert event["RRULE"]["UNTIL"] == [datetime(2026, 6, 9, 8, 0)]


def test_twice_a_day_is_one_event_per_dose_of_the_day() -> None:
    events = parse(calendar_text([], [regimen("daily x2")], STAMP))
    starts = sorted(event.decoded("DTSTART") for event in events)
    assert starts == [datetime(2026, 6, 1, 8, 0), datetime(2026, 6, 1, 20, 0)]
    assert len(by_uid(events)) == 2


def test_as_needed_has_no_event_and_untimed_regimens_are_all_day() -> None:
    assert parse(calendar_text([], [regimen("as needed")], STAMP)) == []
    (event,) = parse(calendar_text([], [regimen("daily", time_of_day=None)], STAMP))
    assert type(event.decoded("DTSTART")) is date
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=9)


def test_a_dose_change_splits_the_schedule_and_keeps_eod_counting() -> None:
    changed = regimen("eod", changes=(("2026-06-04", 0.5, "every 2 days"),))
    events = sorted(parse(calendar_text([], [changed], STAMP)), key=lambda e: e.decoded("DTSTART"))
    first, second = events
    assert first["RRULE"]["UNTIL"] == [datetime(2026, 6, 3, 8, 0)]
    assert str(second["SUMMARY"]) == "anastrozole 0.5 mg"
    # Counting runs from 06-01: 06-04 is an off day, the next dose is 06-05.
    assert second.decoded("DTSTART") == datetime(2026, 6, 5, 8, 0)


def test_a_stretch_without_any_dose_is_left_out() -> None:
    # Started on a Tuesday with mon,thu and changed on Wednesday: no dose in the first stretch.
    changed = regimen("mon,thu", start="2026-06-02", changes=(("2026-06-03", 0.5, "mon,thu"),))
    (event,) = parse(calendar_text([], [changed], STAMP))
    assert str(event["SUMMARY"]) == "anastrozole 0.5 mg"


def _occurrences(events: list[Event], until: date) -> list[date]:
    days: list[date] = []
    for event in events:
        start = event.decoded("DTSTART")
        rule = event["RRULE"].to_ical().decode()
        limit = datetime.combine(until, time(23, 59))
        if type(start) is date:
            start = datetime.combine(start, time(0, 0))
        days += [
            moment.date()
            for moment in rrulestr(rule, dtstart=start).between(start, limit, inc=True)
        ]
    return sorted(days)


SCHEDULES = st.sampled_from(["daily", "every 2 days", "every 3 days", "mon,thu", "tue,fri,sun"])


@settings(max_examples=60, deadline=None)
@given(
    first=SCHEDULES,
    second=SCHEDULES,
    start_offset=st.integers(min_value=0, max_value=6),
    change_after=st.integers(min_value=1, max_value=20),
    stop_after=st.one_of(st.none(), st.integers(min_value=1, max_value=40)),
    dose_changes=st.booleans(),
)
def test_calendar_occurrences_match_the_core_schedule(
    first: str,
    second: str,
    start_offset: int,
    change_after: int,
    stop_after: int | None,
    dose_changes: bool,
) -> None:
    start = d("2026-06-01") + timedelta(days=start_offset)
    change = start + timedelta(days=change_after)
    stop = None if stop_after is None else (change + timedelta(days=stop_after)).isoformat()
    subject = regimen(
        first,
        start=start.isoformat(),
        stop=stop,
        changes=((change.isoformat(), 0.5 if dose_changes else 1.0, second),),
    )
    until = d("2026-08-31")
    expected = [day for day, count in expected_slots(subject, until) for _ in range(count)]
    assert _occurrences(parse(calendar_text([], [subject], STAMP)), until) == expected


# ---------------------------------------------------------------------------
# The file and the journal
# ---------------------------------------------------------------------------


def test_the_file_is_private_crlf_and_folded(tmp_path: Path) -> None:
    long_reason = "anastrozole changed to 0.5 mg daily on 2026-10-22; " * 4 + "é€" * 40
    test = DueTest("dexa", d("2026-06-01"), d("2026-07-01"), "open", long_reason, "dexa")
    target = write_ics(tmp_path / "out.ics", [test], [regimen("daily")], STAMP)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    raw = target.read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    event = by_uid(parse(raw.decode("utf-8")))["test-dexa@fertilitytracker.local"]
    assert long_reason in str(event["DESCRIPTION"])


def test_an_existing_file_is_replaced_and_made_private(tmp_path: Path) -> None:
    target = tmp_path / "out.ics"
    target.write_text("old")
    target.chmod(0o644)
    write_ics(target, [HORMONE], [], STAMP)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("BEGIN:VCALENDAR")
    assert [p.name for p in tmp_path.iterdir()] == ["out.ics"]  # no temporary left


@pytest.mark.parametrize(
    "name",
    [
        "a;b,c\\d",
        "evil\r\nBEGIN:VEVENT\r\nUID:x@y\r\nEND:VEVENT",
        "lone\rreturn and\nnewline",
        "€" * 40,
    ],
)
def test_text_with_separators_or_line_breaks_stays_inside_its_value(name: str) -> None:
    """A name read back is the name written, and it never adds a property or an event."""
    named = Regimen(
        name,
        "other",
        (RegimenStep(d("2026-06-01"), 1.0, "mg", "daily"),),
        time_of_day=time(8, 0),
        id=RegimenId(3),
    )
    text = calendar_text([], [named], STAMP)
    (event,) = parse(text)
    written = str(event["SUMMARY"])
    assert written.removesuffix(" 1 mg") == name.replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["UID"]) == "dose-3-20260601-20260601-1@fertilitytracker.local"
    lines = text.split("\r\n")
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 1
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")


def test_re_export_of_a_journal_updates_rather_than_duplicates(
    journal: Journal, tmp_path: Path
) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "eod", d("2026-05-01"), time(8, 0))
    start_regimen(journal, "clomiphene", "25", "mg", "daily", d("2026-05-10"), time(21, 0))
    first = by_uid(
        parse(export_calendar(journal, tmp_path / "a.ics", d("2026-05-20"), STAMP).read_text())
    )
    again = by_uid(
        parse(export_calendar(journal, tmp_path / "b.ics", d("2026-05-20"), STAMP).read_text())
    )
    assert first.keys() == again.keys()
    assert {uid.split("@")[0] for uid in first} == {
        "test-hormone_panel",
        "test-semen_analysis",
        "test-lipid_panel",
        "test-dexa",
        "dose-1-20260501-20260501-1",
        "dose-2-20260510-20260510-1",
    }
    # A later stop: the same event gains an UNTIL instead of a second event appearing.
    change_regimen(journal, "anastrozole", d("2026-06-01"), dose="0.5")
    stop_regimen(journal, "clomiphene", d("2026-06-15"))
    later = by_uid(
        parse(export_calendar(journal, tmp_path / "c.ics", d("2026-06-02"), STAMP).read_text())
    )
    assert first.keys() - later.keys() == set()
    clomiphene = later["dose-2-20260510-20260510-1@fertilitytracker.local"]
    assert clomiphene["RRULE"]["UNTIL"] == [datetime(2026, 6, 14, 21, 0)]
    anastrozole = later["dose-1-20260501-20260501-1@fertilitytracker.local"]
    assert anastrozole["RRULE"]["UNTIL"] == [datetime(2026, 5, 31, 8, 0)]
    assert "dose-1-20260501-20260601-1@fertilitytracker.local" in later
