"""RFC 5545 calendar of the due tests and the dose schedule, written by hand (no dependency).

- A due test is an all-day event over its window (opens to due inclusive) with two alarms:
  09:00 on the day it opens and 09:00 on the day it is due.
- Each stretch of a regimen under one dose and schedule (`core.adherence.schedule_periods`) is
  one recurring event per dose of the day, at the regimen's time of day, with an RRULE (daily,
  every N days, weekdays) ending at the next change or the stop, and an alarm at the dose time.
  A regimen without a time of day gets all-day events (alarm at 09:00).
- Times are floating local times (no TZID, no Z), so 08:00 stays 08:00 across DST and travel.
- UIDs derive from journal content (test kind; regimen id + start + stretch start + dose of
  the day), so importing a re-export updates events rather than duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fertilitytracker.core.adherence import SchedulePeriod, schedule_periods
from fertilitytracker.core.monitoring import DueTest
from fertilitytracker.core.records import Regimen
from fertilitytracker.core.schedules import Schedule
from fertilitytracker.services.reminders import TEST_NAMES, dose_times, due_tests_for
from fertilitytracker.storage.files import refuse_journal_target, write_private_text
from fertilitytracker.storage.journal import Journal

PRODUCT_ID = "-//Fertility Tracker//Reminders//EN"
UID_DOMAIN = "fertilitytracker.local"
DOSE_EVENT_MINUTES = 15
# All-day events have no time: their alarms ring at this hour of the day.
ALL_DAY_ALARM_HOUR = 9
FILE_MODE = 0o600
_MAX_LINE_OCTETS = 75
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


# ---------------------------------------------------------------------------
# Content lines
# ---------------------------------------------------------------------------


def escape_text(text: str) -> str:
    """A TEXT value escaped per RFC 5545 §3.3.11."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """One content line folded at 75 octets (never inside a UTF-8 character), CRLF-ended."""
    pieces: list[str] = []
    current = ""
    current_octets = 0
    limit = _MAX_LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if current_octets + octets > limit:
            pieces.append(current)
            current, current_octets = "", 0
            limit = _MAX_LINE_OCTETS - 1  # continuation lines start with one space
        current += char
        current_octets += octets
    pieces.append(current)
    return "\r\n ".join(pieces) + "\r\n"


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _floating(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime) -> str:
    # A naive stamp is local wall-clock time; DTSTAMP must be UTC.
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _alarm(trigger: str, description: str) -> list[str]:
    return [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"TRIGGER{trigger}",
        f"DESCRIPTION:{escape_text(description)}",
        "END:VALARM",
    ]


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def window_uid(test: DueTest) -> str:
    """One UID per test kind: a test has at most one window at a time, so a re-export moves it.

    (Keying on the rule too would leave the old event behind when the window passes from
    "after a change" to "while on therapy".)
    """
    return f"test-{test.test}@{UID_DOMAIN}"


def window_event(test: DueTest, stamp: datetime) -> list[str]:
    """The all-day VEVENT over a test's window, with alarms when it opens and when it is due."""
    name = TEST_NAMES.get(test.test, test.test)
    hour = f"PT{ALL_DAY_ALARM_HOUR}H"
    before_end = f"-PT{24 - ALL_DAY_ALARM_HOUR}H"
    return [
        "BEGIN:VEVENT",
        f"UID:{window_uid(test)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;VALUE=DATE:{_date(test.opens)}",
        # DTEND of an all-day event is exclusive: the day after `due`.
        f"DTEND;VALUE=DATE:{_date(test.due + timedelta(days=1))}",
        f"SUMMARY:{escape_text(f'{name} due by {test.due.isoformat()}')}",
        f"DESCRIPTION:{escape_text(f'{test.reason}. Window {test.opens} to {test.due}.')}",
        "TRANSP:TRANSPARENT",
        "CATEGORIES:Fertility Tracker",
        *_alarm(f";RELATED=START:{hour}", f"{name}: the window opens today"),
        *_alarm(f";RELATED=END:{before_end}", f"{name}: due today"),
        "END:VEVENT",
    ]


def _first_dose_day(period: SchedulePeriod) -> date | None:
    """The first day of the period with a scheduled dose (None when it has none)."""
    schedule = period.schedule
    day = period.first
    if schedule.kind == "every_n_days":
        # Counting runs from the anchor, which may precede a dose-only change.
        behind = (day - period.anchor).days % schedule.every_days
        if behind:
            day += timedelta(days=schedule.every_days - behind)
    elif schedule.kind == "weekdays":
        while day.weekday() not in schedule.weekdays:
            day += timedelta(days=1)
    if period.end is not None and day >= period.end:
        return None
    return day


def _rrule(schedule: Schedule, until: str | None) -> str:
    if schedule.kind == "weekdays":
        days = ",".join(_BYDAY[day] for day in sorted(schedule.weekdays))
        rule = f"FREQ=WEEKLY;BYDAY={days}"
    elif schedule.kind == "every_n_days":
        rule = f"FREQ=DAILY;INTERVAL={schedule.every_days}"
    else:
        rule = "FREQ=DAILY"
    return f"RRULE:{rule}" + (f";UNTIL={until}" if until else "")


def dose_uid(regimen: Regimen, period: SchedulePeriod, index: int) -> str:
    """Regimen id and start, the stretch's first day and the dose of the day: stable content."""
    # A stored regimen always has an id; the name stands in for one not stored yet.
    owner = regimen.id if regimen.id is not None else regimen.name.casefold().replace(" ", "_")
    return f"dose-{owner}-{_date(regimen.start)}-{_date(period.first)}-{index + 1}@{UID_DOMAIN}"


def dose_events(regimen: Regimen, stamp: datetime) -> list[list[str]]:
    """The recurring VEVENTs of one regimen: one per stretch and dose of the day."""
    events: list[list[str]] = []
    for period in schedule_periods(regimen):
        if period.schedule.kind == "as_needed":
            continue
        first_day = _first_dose_day(period)
        if first_day is None:
            continue
        step = regimen.step_on(period.first)
        if step is None:
            continue
        summary = f"{regimen.name} {step.dose:g} {step.unit}"
        last_day = None if period.end is None else period.end - timedelta(days=1)
        if regimen.time_of_day is None:
            until = None if last_day is None else _date(last_day)
            events.append(
                [
                    "BEGIN:VEVENT",
                    f"UID:{dose_uid(regimen, period, 0)}",
                    f"DTSTAMP:{_utc(stamp)}",
                    f"DTSTART;VALUE=DATE:{_date(first_day)}",
                    f"DTEND;VALUE=DATE:{_date(first_day + timedelta(days=1))}",
                    _rrule(period.schedule, until),
                    f"SUMMARY:{escape_text(summary)}",
                    f"DESCRIPTION:{escape_text(period.schedule.describe())}",
                    "TRANSP:TRANSPARENT",
                    "CATEGORIES:Fertility Tracker",
                    *_alarm(f":PT{ALL_DAY_ALARM_HOUR}H", f"Time for {summary}"),
                    "END:VEVENT",
                ]
            )
            continue
        times = dose_times(regimen.time_of_day, period.schedule.times_per_day)
        for index, at in enumerate(times):
            start = datetime.combine(first_day, at)
            # UNTIL is inclusive and, with a floating DTSTART, a floating date-time too.
            until = None if last_day is None else _floating(datetime.combine(last_day, at))
            events.append(
                [
                    "BEGIN:VEVENT",
                    f"UID:{dose_uid(regimen, period, index)}",
                    f"DTSTAMP:{_utc(stamp)}",
                    f"DTSTART:{_floating(start)}",
                    f"DURATION:PT{DOSE_EVENT_MINUTES}M",
                    _rrule(period.schedule, until),
                    f"SUMMARY:{escape_text(summary)}",
                    f"DESCRIPTION:{escape_text(period.schedule.describe())}",
                    "TRANSP:TRANSPARENT",
                    "CATEGORIES:Fertility Tracker",
                    *_alarm(":PT0M", f"Time for {summary}"),
                    "END:VEVENT",
                ]
            )
    return events


def calendar_text(tests: Sequence[DueTest], regimens: Iterable[Regimen], stamp: datetime) -> str:
    """The whole iCalendar document (CRLF line ends, folded lines)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Fertility Tracker",
    ]
    for test in tests:
        lines += window_event(test, stamp)
    for regimen in regimens:
        for event in dose_events(regimen, stamp):
            lines += event
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) for line in lines)


def write_ics(
    path: Path | str, tests: Sequence[DueTest], regimens: Iterable[Regimen], stamp: datetime
) -> Path:
    """Write the calendar to `path` (mode 0600, replaced atomically); returns the path."""
    target = Path(path)
    text = calendar_text(tests, regimens, stamp)
    write_private_text(target, text, newline="")
    return target


def export_calendar(journal: Journal, path: Path | str, today: date, now: datetime) -> Path:
    """Write the journal's due tests (on `today`) and dose schedule to `path`.

    Refuses (InputError "ics") a path that is the journal or one of its backups.
    """
    refuse_journal_target(Path(path), journal.path, "ics")
    history = journal.history()
    tests = due_tests_for(journal, today, history)
    return write_ics(path, tests, history.regimens, now)
