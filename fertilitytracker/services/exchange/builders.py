"""Validated records from the fields of a file, refusing exactly what the command line refuses.

Every builder raises `InputError(where, "field: reason")`, naming the line or entry, so that a
file with one unreadable part is refused as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import lookup_medication, validate_dose
from fertilitytracker.core.records import (
    Regimen,
    RegimenStep,
    TargetRange,
)
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.units import check_plausible
from fertilitytracker.core.validation import (
    build_dexa,
    build_dose,
    build_semen,
    build_symptom,
    parse_date,
    parse_datetime,
    parse_lab_result,
    parse_number,
    parse_time,
)
from fertilitytracker.services.exchange.plan import (
    DexaItem,
    DoseItem,
    Item,
    LabItem,
    RegimenItem,
    SemenItem,
    SymptomItem,
    TargetItem,
)
from fertilitytracker.services.views import SEMEN_FIELDS

Raw = Any  # a cell or JSON value: text, number or None


class located:
    """Re-raise any InputError inside as `InputError(where, "field: reason")`.

    A class, not a generator: an import enters it several times per row.
    """

    __slots__ = ("where",)

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        if not isinstance(error, InputError) or error.field == self.where:
            return
        # The place in the file is the field; what was wrong there stays data as well.
        raise InputError(
            self.where,
            f"{error.where}: {error.reason}",
            analyte=error.analyte,
            inner_field=error.field,
        ) from None


def is_missing(value: Raw) -> bool:
    """Empty cells and null values are missing, never 0."""
    return value is None or (isinstance(value, str) and not value.strip())


def optional_number(value: Raw, field: str, **bounds: float) -> float | None:
    if is_missing(value):
        return None
    return parse_number(value, field, **bounds)  # type: ignore[arg-type]


def required_text(value: Raw, field: str) -> str:
    if is_missing(value):
        raise InputError(field, "is required")
    if not isinstance(value, str):
        raise InputError(field, "must be text")
    return value.strip()


def optional_text(value: Raw, field: str) -> str | None:
    if is_missing(value):
        return None
    if not isinstance(value, str):
        raise InputError(field, "must be text")
    return value


def day_of(value: Raw, field: str) -> date:
    if is_missing(value):
        raise InputError(field, "a date is required (YYYY-MM-DD)")
    return parse_date(value, field)


def optional_day(value: Raw, field: str) -> date | None:
    return None if is_missing(value) else parse_date(value, field)


def optional_time(value: Raw, field: str) -> time | None:
    return None if is_missing(value) else parse_time(value, field)


def lab_item(
    where: str,
    day: date,
    analyte: str,
    entered_value: Raw,
    entered_unit: Raw,
    *,
    comparator: Raw = None,
    lab_low: Raw = None,
    lab_high: Raw = None,
    method: Raw = None,
    draw_time: time | None = None,
    canonical_range: bool = True,
    source_id: str | None = None,
    status: str | None = None,
) -> LabItem:
    """A lab result as `lab DATE ANALYTE VALUE UNIT` would record it.

    With `canonical_range` the lab's range is already in the canonical unit (the app's own
    formats keep it so, exactly); otherwise it is in the unit of the value, as printed.
    """
    with located(where):
        found = get_analyte(analyte)
        if found.derived:
            raise InputError("analyte", f"{found.phrase} is computed, not imported")
        value: str | float
        if is_missing(entered_value):
            raise InputError("value", "a value is required")
        # A file's result mostly comes without comparator, range or method: None is missing.
        comparator_text = (
            "" if comparator is None or is_missing(comparator) else str(comparator).strip()
        )
        if comparator_text:
            if comparator_text not in ("<", "<=", ">", ">="):
                raise InputError("comparator", f"'{comparator_text}' is not <, <=, > or >=")
            number = parse_number(entered_value, "value")
            value = f"{comparator_text}{number!r}"
        else:
            value = entered_value
        unit = "" if is_missing(entered_unit) else str(entered_unit)
        method_text = None if method is None else optional_text(method, "method")
        # The core's builder itself, as the command line's `build_result` calls it; the
        # analyte found above is named by its key, which the core finds again in one lookup.
        if canonical_range:
            result = parse_lab_result(found.key, value, unit, method=method_text)
            low = None if lab_low is None else _canonical_bound(found.key, lab_low, "lab range low")
            high = (
                None
                if lab_high is None
                else _canonical_bound(found.key, lab_high, "lab range high")
            )
            if low is not None and high is not None and low > high:
                raise InputError("lab range", "the low end is above the high end")
            if low is not None or high is not None:
                result = result._replace(lab_low=low, lab_high=high)
        else:
            result = parse_lab_result(
                found.key,
                value,
                unit,
                lab_low_text=lab_low,
                lab_high_text=lab_high,
                method=method_text,
            )
    return LabItem(where, day, result, draw_time, source_id, status)


# A lab result's fields in the app's own formats, named as the record's attributes: the value
# and unit as entered, the lab's range already canonical.
LAB_FIELDS = (
    "analyte",
    "entered_value",
    "entered_unit",
    "comparator",
    "lab_low",
    "lab_high",
    "method",
)


def own_lab_item(
    where: str, day: date, get: Callable[[str], Raw], draw_time: time | None = None
) -> LabItem:
    """A lab result of the app's own formats from an entry that `get` reads by LAB_FIELDS."""
    analyte, value, unit, comparator, low, high, method = map(get, LAB_FIELDS)
    return lab_item(
        where,
        day,
        str(analyte or ""),
        value,
        unit,
        comparator=comparator,
        lab_low=low,
        lab_high=high,
        method=method,
        draw_time=draw_time,
    )


def _canonical_bound(analyte: str, raw: Raw, field: str) -> float | None:
    bound = optional_number(raw, field, minimum=0)
    if bound is not None:
        check_plausible(analyte, bound, field=field)
    return bound


def semen_item(
    where: str,
    day: date,
    volume: Raw,
    concentration: Raw,
    motility: Raw = None,
    progressive: Raw = None,
    morphology: Raw = None,
    abstinence: Raw = None,
) -> SemenItem:
    """A semen analysis as `semen DATE --volume ... --concentration ...` would record it."""
    with located(where):
        analysis = build_semen(
            day,
            volume,
            concentration,
            None if is_missing(motility) else motility,
            None if is_missing(progressive) else progressive,
            None if is_missing(morphology) else morphology,
            None if is_missing(abstinence) else abstinence,
        )
    return SemenItem(where, analysis)


def dexa_item(where: str, day: date, t_score: Raw, site: Raw = None, bmd: Raw = None) -> DexaItem:
    """A bone density scan as `dexa DATE --t-score X [--site S] [--bmd B]` would record it."""
    with located(where):
        scan = build_dexa(day, t_score, site, bmd)
    return DexaItem(where, scan)


def symptom_item(where: str, day: date, name: Raw, severity: Raw, note: Raw = None) -> SymptomItem:
    """A symptom rating as `symptom DATE NAME SEVERITY [--note]` would record it."""
    with located(where):
        required_text(name, "name")
        entry = build_symptom(day, name, severity, optional_text(note, "note"))
    return SymptomItem(where, entry)


# The records that are a date and plain fields, by their History field (the JSON backup's
# section): each one's builder and the fields it takes after the date, in its order, named as
# the record's attributes. Every reader of the app's own formats builds them here.
DATED_RECORDS: dict[str, tuple[Callable[..., Item], tuple[str, ...]]] = {
    "semen": (semen_item, (*(attribute for _, attribute in SEMEN_FIELDS), "abstinence_days")),
    "dexa": (dexa_item, ("t_score", "site", "bmd_g_cm2")),
    "symptoms": (symptom_item, ("name", "severity", "note")),
}


def dated_item(section: str, where: str, get: Callable[[str], Raw]) -> Item:
    """The record of a DATED_RECORDS section from an entry that `get` reads field by field."""
    with located(where):
        day = day_of(get("date"), "date")
    build, fields = DATED_RECORDS[section]
    return build(where, day, *(get(name) for name in fields))


def target_item(
    where: str, analyte: Raw, low: Raw, high: Raw, source: Raw, set_on: Raw
) -> TargetItem:
    """A clinician target range, its ends already in the analyte's canonical unit."""
    with located(where):
        key = get_analyte(required_text(analyte, "analyte")).key
        minimum = None if key == "dexa_t_score" else 0.0
        low_value = optional_number(low, "low", **({} if minimum is None else {"minimum": minimum}))
        high_value = optional_number(
            high, "high", **({} if minimum is None else {"minimum": minimum})
        )
        if low_value is None and high_value is None:
            raise InputError("low", "give at least one end of the range")
        if low_value is not None and high_value is not None and low_value > high_value:
            raise InputError("low", "the low end is above the high end")
        source_text = optional_text(source, "source") or ""
        target = TargetRange(
            key, low_value, high_value, source_text, optional_day(set_on, "set_on")
        )
    return TargetItem(where, target)


def regimen_ref(name: str, start: date) -> str:
    """How a file's doses name their regimen: medication and start date."""
    return f"{name.casefold()}|{start.isoformat()}"


# A regimen step's fields in the app's own formats, named as RegimenStep's attributes.
STEP_FIELDS = ("date", "dose", "unit", "schedule")


def regimen_item(
    where: str,
    name: Raw,
    steps: Sequence[Sequence[Raw]],
    stop: Raw = None,
    time_of_day: Raw = None,
) -> RegimenItem:
    """A regimen as `med start` and `med change` would record it; steps are (date, dose,
    unit, schedule) as STEP_FIELDS names them, the first being the start."""
    with located(where):
        medication = lookup_medication(required_text(name, "name"))
        if not steps:
            raise InputError("steps", "a regimen needs at least its start")
        built: list[RegimenStep] = []
        for step_date, dose, unit, schedule in steps:
            day = day_of(step_date, "date")
            if built and day <= built[-1].date:
                raise InputError("date", f"the change of {day} is not after the one before it")
            dose_value, dose_unit = validate_dose(
                medication, dose, "" if is_missing(unit) else unit
            )
            schedule_text = parse_schedule(required_text(schedule, "schedule")).text
            built.append(RegimenStep(day, dose_value, dose_unit, schedule_text))
        stop_day = optional_day(stop, "stop")
        if stop_day is not None:
            if stop_day < built[0].date:
                raise InputError("stop", f"the stop {stop_day} is before the start {built[0].date}")
            if built[-1].date >= stop_day and len(built) > 1:
                raise InputError(
                    "stop", f"a change of {built[-1].date} is after the stop {stop_day}"
                )
        regimen = Regimen(
            name=medication.name,
            med_class=medication.med_class,
            steps=tuple(built),
            stop=stop_day,
            time_of_day=optional_time(time_of_day, "time"),
        )
    return RegimenItem(where, regimen, regimen_ref(regimen.name, regimen.start))


def dose_item(
    where: str, regimen: Regimen, at: Raw, status: Raw, dose: Raw = None, unit: Raw = None
) -> DoseItem:
    """A dose as `dose NAME --at ... [--skipped]` would record it for `regimen`."""
    with located(where):
        if is_missing(at):
            raise InputError("at", "a date and time is required")
        moment = at if isinstance(at, datetime) else parse_datetime(at, "at")
        status_text = required_text(status, "status")
        event = build_dose(
            regimen._replace(id=None),
            lookup_medication(regimen.name),
            moment,
            status_text,
            None if is_missing(dose) else dose,
            None if is_missing(unit) else unit,
        )
    return DoseItem(where, regimen_ref(regimen.name, regimen.start), regimen.name, event)
