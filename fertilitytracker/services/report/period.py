"""The period a report covers, the journal as it stood at its end, and the patient's age."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import History, Regimen
from fertilitytracker.services.report.model import Period


def _history_dates(history: History) -> list[date]:
    days: list[date] = [draw.date for draw in history.draws]
    days += [a.date for a in history.semen]
    days += [s.date for s in history.dexa]
    days += [s.date for s in history.symptoms]
    days += [r.start for r in history.regimens if r.steps]
    days += [dose.at.date() for dose in history.doses]
    return days


def resolve_period(history: History, today: date, start: date | None, end: date | None) -> Period:
    """The period: from `start` (default the first record) to `end` (default today)."""
    last = end or today
    if start is None:
        days = [day for day in _history_dates(history) if day <= last]
        first = min(days) if days else last
    else:
        first = start
    if first > last:
        raise InputError("from", f"{first.isoformat()} is after the end {last.isoformat()}")
    return Period(first, last)


def history_as_of(history: History, day: date) -> History:
    """The journal as it stood at the end of `day`: nothing recorded or changed after it."""
    regimens: list[Regimen] = []
    for regimen in history.regimens:
        steps = tuple(step for step in regimen.steps if step.date <= day)
        if not steps:
            continue
        stop = regimen.stop if regimen.stop is not None and regimen.stop <= day else None
        regimens.append(regimen._replace(steps=steps, stop=stop))
    return replace(
        history,
        regimens=tuple(regimens),
        doses=tuple(dose for dose in history.doses if dose.at.date() <= day),
        draws=tuple(draw for draw in history.draws if draw.date <= day),
        semen=tuple(analysis for analysis in history.semen if analysis.date <= day),
        dexa=tuple(scan for scan in history.dexa if scan.date <= day),
        symptoms=tuple(entry for entry in history.symptoms if entry.date <= day),
    )


def age_on(birth_date: str, day: date) -> int | None:
    """Whole years from the ISO `birth_date` to `day`; None when it is not a usable date."""
    try:
        born = date.fromisoformat(birth_date.strip())
    except ValueError:
        return None
    if born > day:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
