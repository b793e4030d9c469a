"""RFC 5545 calendar of the due tests and the dose schedule, built with `icalendar`.

- A due test is an all-day event over its window (opens to due inclusive) with two alarms:
  09:00 on the day it opens and 09:00 on the day it is due.
- Each stretch of a regimen under one dose and schedule (`core.adherence.schedule_periods`) is
  one recurring event per dose of the day, at the regimen's time of day, with an RRULE (daily,
  every N days, weekdays) ending at the next change or the stop, and an alarm at the dose time.
  A regimen without a time of day gets all-day events (alarm at 09:00).
- Times are floating local times (no TZID, no Z), so 08:00 stays 08:00 across DST and travel.
- UIDs derive from journal content (test kind; regimen id + start + stretch start + dose of
  the day), so importing a re-export updates events rather than duplicating them.
- `icalendar` escapes every text value and folds every line (75 octets, CRLF): a name or note
  can never end a property or start another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from icalendar import Alarm, Calendar, Event

from fertilitytracker.core.adherence import SchedulePeriod, schedule_periods
from fertilitytracker.core.monitoring import DueTest
from fertilitytracker.core.records import Regimen
from fertilitytracker.core.schedules import Schedule
from fertilitytracker.services.reminders import TEST_NAMES, dose_times, due_tests_for
from fertilitytracker.storage.files import refuse_journal_target, write_private_bytes
from fertilitytracker.storage.journal import Journal

PRODUCT_ID = "-//Fertility Tracker//Reminders//EN"
UID_DOMAIN = "fertilitytracker.local"
DOSE_EVENT_MINUTES = 15
# All-day events have no time: their alarms ring at this hour of the day.
ALL_DAY_ALARM_HOUR = 9
CATEGORY = "Fertility Tracker"
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _utc(moment: datetime) -> datetime:
    # A naive stamp is local wall-clock time; DTSTAMP must be UTC.
    return moment.astimezone(UTC)


def _alarm(trigger: timedelta, description: str, related: str | None = None) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", trigger, parameters={"RELATED": related} if related else {})
    alarm.add("description", description)
    return alarm


def _event(uid: str, stamp: datetime, summary: str, description: str) -> Event:
    """An event with what every one of ours carries; the caller adds its times and alarms."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _utc(stamp))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [CATEGORY])
    return event


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def window_uid(test: DueTest) -> str:
    """One UID per test kind: a test has at most one window at a time, so a re-export moves it.

    (Keying on the rule too would leave the old event behind when the window passes from
    "after a change" to "while on therapy".)
    """
    return f"test-{test.test}@{UID_DOMAIN}"


def window_event(test: DueTest, stamp: datetime) -> Event:
    """The all-day VEVENT over a test's window, with alarms when it opens and when it is due."""
    name = TEST_NAMES.get(test.test, test.test)
    event = _event(
        window_uid(test),
        stamp,
        f"{name} due by {test.due.isoformat()}",
        f"{test.reason}. Window {test.opens} to {test.due}.",
    )
    event.add("dtstart", test.opens)
    # DTEND of an all-day event is exclusive: the day after `due`.
    event.add("dtend", test.due + timedelta(days=1))
    hour = timedelta(hours=ALL_DAY_ALARM_HOUR)
    event.add_component(_alarm(hour, f"{name}: the window opens today", "START"))
    event.add_component(_alarm(hour - timedelta(days=1), f"{name}: due today", "END"))
    return event


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


def _rrule(schedule: Schedule, until: date | datetime | None) -> dict[str, Any]:
    rule: dict[str, Any]
    if schedule.kind == "weekdays":
        rule = {"FREQ": "WEEKLY", "BYDAY": [_BYDAY[day] for day in sorted(schedule.weekdays)]}
    elif schedule.kind == "every_n_days":
        rule = {"FREQ": "DAILY", "INTERVAL": schedule.every_days}
    else:
        rule = {"FREQ": "DAILY"}
    if until is not None:
        rule["UNTIL"] = until
    return rule


def dose_uid(regimen: Regimen, period: SchedulePeriod, index: int) -> str:
    """Regimen id and start, the stretch's first day and the dose of the day: stable content."""
    # A stored regimen always has an id; the name stands in for one not stored yet.
    owner = regimen.id if regimen.id is not None else regimen.name.casefold().replace(" ", "_")
    start, first = regimen.start.strftime("%Y%m%d"), period.first.strftime("%Y%m%d")
    return f"dose-{owner}-{start}-{first}-{index + 1}@{UID_DOMAIN}"


def dose_events(regimen: Regimen, stamp: datetime) -> list[Event]:
    """The recurring VEVENTs of one regimen: one per stretch and dose of the day."""
    events: list[Event] = []
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
        description = period.schedule.describe()
        last_day = None if period.end is None else period.end - timedelta(days=1)
        if regimen.time_of_day is None:
            event = _event(dose_uid(regimen, period, 0), stamp, summary, description)
            event.add("dtstart", first_day)
            event.add("dtend", first_day + timedelta(days=1))
            event.add("rrule", _rrule(period.schedule, last_day))
            hour = timedelta(hours=ALL_DAY_ALARM_HOUR)
            event.add_component(_alarm(hour, f"Time for {summary}"))
            events.append(event)
            continue
        times = dose_times(regimen.time_of_day, period.schedule.times_per_day)
        for index, at in enumerate(times):
            event = _event(dose_uid(regimen, period, index), stamp, summary, description)
            event.add("dtstart", datetime.combine(first_day, at))
            event.add("duration", timedelta(minutes=DOSE_EVENT_MINUTES))
            # UNTIL is inclusive and, with a floating DTSTART, a floating date-time too.
            until = None if last_day is None else datetime.combine(last_day, at)
            event.add("rrule", _rrule(period.schedule, until))
            event.add_component(_alarm(timedelta(0), f"Time for {summary}"))
            events.append(event)
    return events


def calendar_text(tests: Sequence[DueTest], regimens: Iterable[Regimen], stamp: datetime) -> str:
    """The whole iCalendar document (CRLF line ends, folded lines)."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Fertility Tracker")
    for test in tests:
        calendar.add_component(window_event(test, stamp))
    for regimen in regimens:
        for event in dose_events(regimen, stamp):
            calendar.add_component(event)
    text: str = calendar.to_ical().decode("utf-8")
    return text


def write_ics(
    path: Path | str, tests: Sequence[DueTest], regimens: Iterable[Regimen], stamp: datetime
) -> Path:
    """Write the calendar to `path` (mode 0600, replaced atomically); returns the path."""
    target = Path(path)
    write_private_bytes(target, calendar_text(tests, regimens, stamp).encode("utf-8"))
    return target


def export_calendar(journal: Journal, path: Path | str, today: date, now: datetime) -> Path:
    """Write the journal's due tests (on `today`) and dose schedule to `path`.

    Refuses (InputError "ics") a path that is the journal or one of its backups.
    """
    refuse_journal_target(Path(path), journal.path, "ics")
    history = journal.history()
    tests = due_tests_for(journal, today, history)
    return write_ics(path, tests, history.regimens, now)
