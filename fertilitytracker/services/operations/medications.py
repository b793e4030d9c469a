"""Medication operations: start, change and stop a regimen, log, backfill and correct doses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from fertilitytracker.core.adherence import expected_slots
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import lookup_medication
from fertilitytracker.core.records import DoseEvent, DoseEventId, Regimen
from fertilitytracker.core.validation import build_dose, build_regimen, build_regimen_step
from fertilitytracker.services.operations.change import Change
from fertilitytracker.services.operations.records import add_record
from fertilitytracker.storage.journal import Journal


def _find_regimen(journal: Journal, name: str, on: date | None = None) -> Regimen:
    medication = lookup_medication(name)
    candidates = [
        regimen
        for regimen in journal.regimens.all()
        if regimen.name.casefold() == medication.name.casefold()
    ]
    if not candidates:
        raise InputError("name", f"{medication.name} was never started (use 'med start' first)")
    if on is not None:
        started = [regimen for regimen in candidates if regimen.start <= on]
        if not started:
            raise InputError("date", f"{on.isoformat()} is before {medication.name} was started")
        return started[-1]
    return candidates[-1]


def start_regimen(
    journal: Journal,
    name: str,
    dose: str | float,
    unit: str,
    schedule: str,
    start: date,
    time_of_day: time | None = None,
) -> Change:
    """Begin a regimen of `name` from `start`."""
    regimen = build_regimen(
        name, dose, unit, schedule, start, time_of_day, existing=journal.regimens.all()
    )
    step = regimen.current
    summary = (
        f"{regimen.name} {step.dose:g} {step.unit} {step.schedule} started {start.isoformat()}"
    )
    return add_record(journal, journal.regimens.add, regimen, "regimens", summary)


def change_regimen(
    journal: Journal,
    name: str,
    on: date,
    dose: str | float | None = None,
    unit: str | None = None,
    schedule: str | None = None,
) -> Change:
    """A dose or schedule change of the regimen of `name`, in force from `on`."""
    regimen = _find_regimen(journal, name, on)
    step = build_regimen_step(regimen, on, dose, unit, schedule)
    assert regimen.id is not None
    with journal.transaction():
        journal.regimens.delete_step(regimen.id, on)
        journal.regimens.add_step(regimen.id, step)
    return Change(
        frozenset({"regimens"}),
        f"{regimen.name} changed to {step.dose:g} {step.unit} {step.schedule} from {on}",
        (regimen.id,),
    )


def stop_regimen(journal: Journal, name: str, on: date) -> Change:
    """End the regimen of `name`: no longer taken from `on` on."""
    regimen = _find_regimen(journal, name)
    if on < regimen.start:
        raise InputError(
            "date", f"the stop {on} is before {regimen.name} started ({regimen.start})"
        )
    if regimen.stop is not None:
        raise InputError("name", f"{regimen.name} was already stopped on {regimen.stop}")
    assert regimen.id is not None
    with journal.transaction():
        journal.regimens.set_stop(regimen.id, on)
    return Change(frozenset({"regimens"}), f"{regimen.name} stopped {on}", (regimen.id,))


def log_dose(
    journal: Journal,
    name: str,
    at: datetime,
    dose: str | float | None = None,
    unit: str | None = None,
    skipped: bool = False,
) -> Change:
    """One dose of `name` taken (or skipped) at `at`; the regimen's dose by default."""
    regimen = _find_regimen(journal, name, at.date())
    step = regimen.step_on(at.date())
    if step is None:
        raise InputError(
            "at", f"{regimen.name} was not active on {at.date()} (stopped {regimen.stop})"
        )
    assert regimen.id is not None
    event = build_dose(
        regimen,
        lookup_medication(regimen.name),
        at,
        "skipped" if skipped else "taken",
        dose,
        unit,
    )
    summary = f"{regimen.name} {event.status} {at:%Y-%m-%d %H:%M}"
    return add_record(journal, journal.doses.add, event, "doses", summary, at.date())


BACKFILL_DEFAULT_TIME = time(12, 0)
BACKFILL_MAX_DAYS = 3660  # ten years: a sanity bound against a mistyped year


def backfill_doses(journal: Journal, name: str, start: date, end: date) -> Change:
    """Log as taken every dose the schedule of `name` asks for from `start` to `end` (inclusive).

    Days on which some doses are already logged (taken or skipped) only get the ones still
    missing; days off the schedule, before the start or from the stop on get none. Every dose
    is written in one transaction.
    """
    if end < start:
        raise InputError("end", f"the end {end} is before the start {start}")
    if (end - start).days > BACKFILL_MAX_DAYS:
        raise InputError("start", f"at most {BACKFILL_MAX_DAYS} days can be backfilled at once")
    regimen = _find_regimen(journal, name, end)
    assert regimen.id is not None
    logged: dict[date, int] = {}
    for dose in journal.doses.all(regimen.id):
        logged[dose.at.date()] = logged.get(dose.at.date(), 0) + 1
    base = regimen.time_of_day or BACKFILL_DEFAULT_TIME
    base_minutes = base.hour * 60 + base.minute
    events: list[DoseEvent] = []
    medication = lookup_medication(regimen.name)
    # expected_slots applies core.schedules.doses_due_on with the anchor adherence uses.
    for day, count in expected_slots(regimen, end, start=start):
        step = regimen.step_on(day)
        assert step is not None
        missing = count - logged.get(day, 0)
        for slot in range(count - missing, count) if missing > 0 else ():
            # Several doses a day are spread over the rest of the day, never past midnight.
            minutes = base_minutes + slot * (24 * 60 - base_minutes) // count
            at = datetime.combine(day, time(minutes // 60, minutes % 60))
            events.append(build_dose(regimen, medication, at, "taken"))
    with journal.transaction():
        ids = tuple(journal.doses.add(event) for event in events)
    if not ids:
        summary = f"nothing to backfill: every {regimen.name} dose from {start} to {end} is logged"
    else:
        summary = f"{len(ids)} {regimen.name} dose(s) from {start} to {end} logged as taken"
    return Change(
        frozenset({"doses"}), summary, ids, frozenset(event.at.date() for event in events)
    )


# --- dose history: corrections and confirmed misses ---------------------------------------------


def correct_dose(journal: Journal, dose_id: int, *, skipped: bool, at: datetime) -> Change:
    """Correct one logged dose: taken or skipped, at another time of the same regimen's active
    days; the old entry is replaced in one transaction (a taken dose gets that day's dose)."""
    history = journal.history()
    old = next((dose for dose in history.doses if dose.id == dose_id), None)
    if old is None:
        raise InputError("dose", f"no such dose (id {dose_id}); it may be deleted already")
    regimen = next(r for r in history.regimens if r.id == old.regimen_id)
    step = regimen.step_on(at.date())
    if step is None:
        raise InputError("at", f"{regimen.name} was not taken on {at.date()}")
    dose_value: float | None = None
    dose_unit: str | None = None
    if not skipped:
        same_day = old.status == "taken" and old.at.date() == at.date()
        dose_value = old.dose if same_day and old.dose is not None else step.dose
        dose_unit = old.unit if same_day and old.unit is not None else step.unit
    event = DoseEvent(
        regimen_id=old.regimen_id,
        at=at.replace(second=0, microsecond=0),
        status="skipped" if skipped else "taken",
        dose=dose_value,
        unit=dose_unit,
    )
    with journal.transaction():
        journal.doses.delete(DoseEventId(dose_id))
        new_id = journal.doses.add(event)
    verb = "skipped" if skipped else "taken"
    return Change(
        frozenset({"doses"}),
        f"{regimen.name} of {at:%Y-%m-%d} corrected: {verb} {at:%H:%M}",
        (new_id,),
        frozenset({old.at.date(), at.date()}),
    )


MISSED_CONFIRMED_SETTING = "missed_confirmed"


def confirmed_missed(journal: Journal) -> dict[int, frozenset[date]]:
    """The days each regimen (by id) was confirmed as missed by the person."""
    from fertilitytracker.services.settings import get_setting

    stored = get_setting(journal, MISSED_CONFIRMED_SETTING) or {}
    return {
        int(regimen_id): frozenset(date.fromisoformat(day) for day in days)
        for regimen_id, days in stored.items()
    }


def confirm_missed(journal: Journal, regimen_id: int, days: Sequence[date]) -> Change:
    """The person confirms that the doses of `days` were missed (Today stops asking)."""
    from fertilitytracker.services.settings import get_setting, set_setting

    regimen = next((r for r in journal.regimens.all() if r.id == regimen_id), None)
    if regimen is None:
        raise InputError("regimen", f"no such regimen (id {regimen_id})")
    stored = dict(get_setting(journal, MISSED_CONFIRMED_SETTING) or {})
    known = set(stored.get(str(regimen_id), ()))
    known.update(day.isoformat() for day in days)
    stored[str(regimen_id)] = sorted(known)
    set_setting(journal, MISSED_CONFIRMED_SETTING, stored)
    words = ", ".join(day.isoformat() for day in sorted(days))
    return Change(frozenset({"doses", "settings"}), f"{regimen.name} missed on {words}")
