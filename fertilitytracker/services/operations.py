"""Recording operations: validate through the core, write in one transaction, say what changed.

Every function takes what a person typed (text or numbers) and either writes everything or
raises `InputError` naming the field, with nothing written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, Literal, Protocol

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import lookup_medication, validate_dose
from fertilitytracker.core.records import (
    DoseEvent,
    LabResult,
    Regimen,
    RegimenStep,
    SemenAnalysis,
    TargetRange,
)
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.units import parse_unit, to_canonical
from fertilitytracker.core.validation import (
    ABSTINENCE_MAX_DAYS,
    BMD_MAX_G_CM2,
    DEXA_SITES,
    DEXA_T_SCORE_BOUND,
    NOTE_MAX,
    SEMEN_VOLUME_MAX_ML,
    SYMPTOM_NAME_MAX,
    build_dexa,
    build_dose,
    build_semen,
    build_symptom,
    parse_lab_result,
    parse_number,
)
from fertilitytracker.storage.journal import Journal

# The core's builders and bounds, re-exported for the callers that record through here.
__all__ = [
    "ABSTINENCE_MAX_DAYS",
    "BMD_MAX_G_CM2",
    "DEXA_SITES",
    "DEXA_T_SCORE_BOUND",
    "NOTE_MAX",
    "SEMEN_VOLUME_MAX_ML",
    "SYMPTOM_NAME_MAX",
    "build_semen",
]


# The kinds of record a Change names. "settings" (units, WHO edition, patient details) and
# "all" (another process wrote, an import) change what every record looks like.
RECORD_KINDS = frozenset({"regimens", "doses", "labs", "semen", "dexa", "symptoms", "targets"})
EVERYTHING = "all"


@dataclass(frozen=True)
class Change:
    """What one operation changed: the kinds of record touched, on which dates, and a sentence
    for the user.

    `dates` bounds the change: only records of those dates (a draw's date, a dose's day) of the
    kinds named were written or deleted, so a reader re-reads those dates and keeps the rest.
    None means any date: the kinds are re-read whole. This is what lets a save cost the same on
    a ten-year journal as on a new one (docs/design.md, "A write says what it changed").
    """

    kinds: frozenset[str]
    summary: str
    ids: tuple[int, ...] = ()
    dates: frozenset[date] | None = None

    def touches(self, *kinds: str) -> bool:
        """Whether records of any of `kinds` may have changed (always, for "all")."""
        return EVERYTHING in self.kinds or not self.kinds.isdisjoint(kinds)

    @property
    def is_bounded(self) -> bool:
        """Whether only known dates of known record kinds changed (no settings, no "all")."""
        return self.dates is not None and self.kinds <= RECORD_KINDS


@dataclass(frozen=True)
class ResultInput:
    """One result as entered: analyte key or LOINC, value (may carry `<`), unit as printed."""

    analyte: str
    value: str | float
    unit: str
    lab_low: str | float | None = None
    lab_high: str | float | None = None
    method: str | None = None


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
    medication = lookup_medication(name)
    dose_value, dose_unit = validate_dose(medication, dose, unit)
    parsed_schedule = parse_schedule(schedule)
    for regimen in journal.regimens.all():
        same = regimen.name.casefold() == medication.name.casefold()
        if same and (regimen.stop is None or regimen.stop > start):
            raise InputError(
                "name",
                f"{medication.name} is already active since {regimen.start.isoformat()}"
                " (use 'med change' or stop it first)",
            )
    regimen = Regimen(
        name=medication.name,
        med_class=medication.med_class,
        steps=(RegimenStep(start, dose_value, dose_unit, parsed_schedule.text),),
        time_of_day=time_of_day,
    )
    with journal.transaction():
        regimen_id = journal.regimens.add(regimen)
    return Change(
        frozenset({"regimens"}),
        f"{medication.name} {dose_value:g} {dose_unit} {parsed_schedule.text}"
        f" started {start.isoformat()}",
        (regimen_id,),
    )


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
    if regimen.stop is not None and on >= regimen.stop:
        raise InputError("date", f"{regimen.name} was stopped on {regimen.stop.isoformat()}")
    if dose is None and unit is None and schedule is None:
        raise InputError("dose", "give a new --dose, --unit or --schedule")
    in_force = regimen.step_on(on) or regimen.current
    medication = lookup_medication(regimen.name)
    dose_value, dose_unit = validate_dose(
        medication,
        in_force.dose if dose is None else dose,
        in_force.unit if unit is None else unit,
    )
    schedule_text = in_force.schedule if schedule is None else parse_schedule(schedule).text
    step = RegimenStep(on, dose_value, dose_unit, schedule_text)
    assert regimen.id is not None
    with journal.transaction():
        journal.regimens.delete_step(regimen.id, on)
        journal.regimens.add_step(regimen.id, step)
    return Change(
        frozenset({"regimens"}),
        f"{regimen.name} changed to {dose_value:g} {dose_unit} {schedule_text} from {on}",
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
    with journal.transaction():
        dose_id = journal.doses.add(event)
    verb = "skipped" if skipped else "taken"
    return Change(
        frozenset({"doses"}),
        f"{regimen.name} {verb} {at:%Y-%m-%d %H:%M}",
        (dose_id,),
        frozenset({at.date()}),
    )


def build_result(entry: ResultInput) -> LabResult:
    """Validate one entered result and express it in the analyte's canonical unit.

    The core's builder does it; a refusal names the field and the result's analyte as data.
    """
    return parse_lab_result(
        entry.analyte,
        entry.value,
        entry.unit,
        lab_low_text=entry.lab_low,
        lab_high_text=entry.lab_high,
        method=entry.method,
    )


def record_draw(
    journal: Journal,
    day: date,
    entries: Sequence[ResultInput],
    draw_time: time | None = None,
    fasting: bool | None = None,
) -> Change:
    """Results of one blood draw on `day` (joining any draw already on that date).

    `fasting` (None: not said) is recorded for the draw unless it already has one.
    """
    if not entries:
        raise InputError("results", "give at least one ANALYTE VALUE UNIT")
    results = [build_result(entry) for entry in entries]
    seen: set[str] = set()
    existing = journal.labs.existing_analytes(day)
    for result in results:
        if result.analyte in seen:
            raise InputError("analyte", "given twice for the same draw", analyte=result.analyte)
        if result.analyte in existing:
            raise InputError(
                "analyte",
                f"already recorded for {day.isoformat()} (edit or delete it)",
                analyte=result.analyte,
            )
        seen.add(result.analyte)
    with journal.transaction():
        draw_id = journal.labs.draw_id_for(day, draw_time, fasting)
        ids = tuple(journal.labs.add_result(draw_id, result) for result in results)
    return Change(
        frozenset({"labs"}),
        f"{len(results)} result(s) recorded for {day.isoformat()}",
        ids,
        frozenset({day}),
    )


def record_semen(journal: Journal, analysis: SemenAnalysis) -> Change:
    """Save a semen analysis built by `build_semen`."""
    with journal.transaction():
        analysis_id = journal.semen.add(analysis)
    return Change(
        frozenset({"semen"}),
        f"semen analysis of {analysis.date} recorded",
        (analysis_id,),
        frozenset({analysis.date}),
    )


def record_dexa(
    journal: Journal,
    day: date,
    t_score: str | float,
    site: str | None = None,
    bmd: str | float | None = None,
) -> Change:
    """One bone density scan."""
    scan = build_dexa(day, t_score, site, bmd)
    with journal.transaction():
        scan_id = journal.dexa.add(scan)
    return Change(frozenset({"dexa"}), f"DEXA of {day} recorded", (scan_id,), frozenset({day}))


def record_symptom(
    journal: Journal, day: date, name: str, severity: str | int, note: str | None = None
) -> Change:
    """A symptom rated 0 (none) to 10 (worst)."""
    entry = build_symptom(day, name, severity, note)
    with journal.transaction():
        symptom_id = journal.symptoms.add(entry)
    return Change(
        frozenset({"symptoms"}),
        f"{entry.name} {entry.severity}/10 on {day} recorded",
        (symptom_id,),
        frozenset({day}),
    )


def set_target(
    journal: Journal,
    analyte_text: str,
    low: str | float | None,
    high: str | float | None,
    unit: str,
    today: date,
) -> Change:
    """A clinician's target range for an analyte; `None` or `-` is an open end."""
    analyte = get_analyte(analyte_text)
    parsed_unit = parse_unit(analyte.key, unit)

    def bound(value: str | float | None, field_name: str) -> float | None:
        if value is None or (isinstance(value, str) and value.strip() in ("", "-")):
            return None
        minimum = None if analyte.key == "dexa_t_score" else 0.0
        number = parse_number(value, field_name, minimum=minimum)
        return to_canonical(analyte.key, number, parsed_unit.text)

    low_value, high_value = bound(low, "low"), bound(high, "high")
    if low_value is None and high_value is None:
        raise InputError("low", "give at least one end of the range")
    if low_value is not None and high_value is not None and low_value > high_value:
        raise InputError("low", "the low end is above the high end")
    target = TargetRange(
        analyte=analyte.key, low=low_value, high=high_value, source="clinician", set_on=today
    )
    with journal.transaction():
        journal.settings.add_target(target)
    return Change(frozenset({"targets"}), f"target range for {analyte.name} set")


def reset_target(journal: Journal, analyte_text: str) -> Change:
    """Back to the default range of `analyte`."""
    analyte = get_analyte(analyte_text)
    with journal.transaction():
        journal.settings.clear_targets(analyte.key)
    return Change(frozenset({"targets"}), f"target range for {analyte.name} reset to default")


# --- delete with undo ------------------------------------------------------------------------

RecordKind = Literal["lab_result", "semen", "dexa", "symptom", "dose", "regimen"]


@dataclass(frozen=True)
class Removed:
    """A deleted record, kept so that the deletion can be undone."""

    kind: RecordKind
    record: Any
    draw_date: date | None = None
    draw_time: time | None = None
    doses: tuple[DoseEvent, ...] = ()
    draw_fasting: bool | None = None


# The table of each kind: the name of its repository on the Journal, of its History field
# (but lab results, which live in `draws`) and the label a Change carries.
_KIND_TABLE_LABEL: dict[str, str] = {
    "lab_result": "labs",
    "semen": "semen",
    "dexa": "dexa",
    "symptom": "symptoms",
    "dose": "doses",
    "regimen": "regimens",
}


class _Repository(Protocol):
    """What remove and restore need of the repository of a kind other than lab results."""

    def add(self, record: Any) -> Any: ...

    def get(self, record_id: Any) -> Any: ...

    def delete(self, record_id: Any) -> None: ...


def _repository(journal: Journal, kind: RecordKind) -> _Repository:
    repository: _Repository = getattr(journal, _KIND_TABLE_LABEL[kind])
    return repository


def _find_removable(journal: Journal, kind: RecordKind, record_id: int) -> Removed | None:
    """The record `record_id` of `kind` as undo needs it (a regimen with its doses), or None.

    Read by id: a delete costs the same on a ten-year journal as on a new one.
    """
    if kind == "lab_result":
        found = journal.labs.find_result(record_id)  # type: ignore[arg-type]
        if found is None:
            return None
        draw, result = found
        return Removed(kind, result, draw.date, draw.time, draw_fasting=draw.fasting)
    if kind == "regimen":
        regimen = journal.regimens.get(record_id)  # type: ignore[arg-type]
        if regimen is None:
            return None
        return Removed(kind, regimen, doses=tuple(journal.doses.all(regimen.id)))
    record = _repository(journal, kind).get(record_id)
    return None if record is None else Removed(kind, record)


def _dates_of(removed: Removed) -> frozenset[date] | None:
    """The dates a removal or its undo touches; None (any date) for a regimen and its doses."""
    if removed.kind == "lab_result":
        return frozenset({removed.draw_date}) if removed.draw_date else None
    if removed.kind == "dose":
        return frozenset({removed.record.at.date()})
    if removed.kind == "regimen":
        return None
    return frozenset({removed.record.date})


def _kinds_of(removed: Removed) -> frozenset[str]:
    # A regimen's doses go (and come back) with it.
    extra = {"doses"} if removed.kind == "regimen" else set()
    return frozenset({_KIND_TABLE_LABEL[removed.kind], *extra})


def remove(journal: Journal, kind: RecordKind, record_id: int) -> tuple[Change, Removed]:
    """Delete one record (a regimen takes its doses with it); returns what undo needs."""
    with journal.transaction():
        removed = _find_removable(journal, kind, record_id)
        if removed is not None and kind == "lab_result":
            journal.labs.delete_result(record_id)  # type: ignore[arg-type]
        elif removed is not None:
            _repository(journal, kind).delete(record_id)
    if removed is None:
        raise InputError(kind, f"no such record (id {record_id}); it may be deleted already")
    change = Change(
        _kinds_of(removed), f"{kind.replace('_', ' ')} deleted", dates=_dates_of(removed)
    )
    return change, removed


def restore(journal: Journal, removed: Removed) -> Change:
    """Undo `remove`: write the record back (it gets a new id)."""
    with journal.transaction():
        if removed.kind == "lab_result":
            assert removed.draw_date is not None
            draw_id = journal.labs.draw_id_for(
                removed.draw_date, removed.draw_time, removed.draw_fasting
            )
            journal.labs.add_result(draw_id, removed.record)
        else:
            new_id = _repository(journal, removed.kind).add(removed.record)
            # Only a regimen carries doses; they follow it under its new id.
            for dose in removed.doses:
                journal.doses.add(replace(dose, regimen_id=new_id, id=None))
    return Change(
        _kinds_of(removed),
        f"{removed.kind.replace('_', ' ')} restored",
        dates=_dates_of(removed),
    )


def replace_result(
    journal: Journal,
    result_id: int,
    entry: ResultInput,
    day: date | None = None,
    *,
    when: tuple[time | None, bool | None] | None = None,
) -> Change:
    """Edit one lab result: the old one is replaced by `entry`, in one transaction.

    With `day` (another date than its draw's) the result moves to the draw of that date.
    With `when` (time, fasting; None in either: not recorded) the draw the result ends in
    gets that time and fasting state (docs/clinical.md §8), for all of its results.
    """
    new_result = build_result(entry)
    with journal.transaction():
        _, removed = remove(journal, "lab_result", result_id)
        assert removed.draw_date is not None
        target = day or removed.draw_date
        moved = target != removed.draw_date
        clash = new_result.analyte != removed.record.analyte or moved
        if clash and new_result.analyte in journal.labs.existing_analytes(target):
            if moved:
                name = get_analyte(new_result.analyte).name
                raise InputError("date", f"{name} is already recorded for {target.isoformat()}")
            raise InputError(
                "analyte", "already recorded for that draw", analyte=new_result.analyte
            )
        if moved:
            draw_id = journal.labs.draw_id_for(target)
        else:
            draw_id = journal.labs.draw_id_for(
                removed.draw_date, removed.draw_time, removed.draw_fasting
            )
        journal.labs.add_result(draw_id, new_result)
        if when is not None:
            journal.labs.set_time(draw_id, when[0])
            journal.labs.set_fasting(draw_id, when[1])
    return Change(
        frozenset({"labs"}),
        f"{new_result.analyte} updated",
        dates=frozenset({removed.draw_date, target}),
    )


# --- backfill ----------------------------------------------------------------------------------

BACKFILL_DEFAULT_TIME = time(12, 0)
BACKFILL_MAX_DAYS = 3660  # ten years: a sanity bound against a mistyped year


def backfill_doses(journal: Journal, name: str, start: date, end: date) -> Change:
    """Log as taken every dose the schedule of `name` asks for from `start` to `end` (inclusive).

    Days on which some doses are already logged (taken or skipped) only get the ones still
    missing; days off the schedule, before the start or from the stop on get none. Every dose
    is written in one transaction.
    """
    from fertilitytracker.core.adherence import expected_slots

    if end < start:
        raise InputError("end", f"the end {end} is before the start {start}")
    if (end - start).days > BACKFILL_MAX_DAYS:
        raise InputError("start", f"at most {BACKFILL_MAX_DAYS} days can be backfilled at once")
    regimen = _find_regimen(journal, name, end)
    assert regimen.id is not None
    logged: dict[date, int] = {}
    for dose in journal.doses.all():
        if dose.regimen_id == regimen.id:
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


# --- dose history: corrections and confirmed misses --------------------------------------------


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
        journal.doses.delete(dose_id)  # type: ignore[arg-type]
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
