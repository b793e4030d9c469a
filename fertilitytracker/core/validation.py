"""Parsing of what people type, refusing with a reason; one builder per record kind.

Every way in (the command line, the forms, CSV/FHIR/JSON import and edits) builds a lab
result, semen analysis, DEXA scan, symptom rating or dose through the builders here, so that a
value is accepted or refused the same way whichever way it came in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time

from fertilitytracker.core.analytes import Analyte, get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.limits import METHOD_MAX, NOTE_MAX, SYMPTOM_NAME_MAX, check_text
from fertilitytracker.core.medications import Medication, lookup_medication, validate_dose
from fertilitytracker.core.records import (
    Comparator,
    DexaScan,
    DexaSite,
    DoseEvent,
    DoseStatus,
    LabResult,
    Regimen,
    RegimenId,
    RegimenStep,
    SemenAnalysis,
    SymptomEntry,
)
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.units import check_plausible, parse_unit

MIN_YEAR = 1900
MAX_YEAR = 2100

# Sanity bounds against typing errors, not clinical limits (text lengths: core/limits.py).
SEMEN_VOLUME_MAX_ML = 20.0
DEXA_T_SCORE_BOUND = 10.0
BMD_MAX_G_CM2 = 3.0
ABSTINENCE_MAX_DAYS = 365
SEVERITY_MIN = 0
SEVERITY_MAX = 10
DEXA_SITES: tuple[DexaSite, ...] = ("spine", "femur_neck", "hip")

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
# Only a plain decimal number: no thousands separators, no decimal comma, no underscores,
# no "nan"/"inf" words (float() would take all of those).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LAB_VALUE = re.compile(r"(<=|>=|≤|≥|<|>)?\s*(.*)", re.DOTALL)
_COMPARATOR_SPELLINGS: dict[str, Comparator] = {
    "<": "<",
    "<=": "<=",
    "≤": "<=",
    ">": ">",
    ">=": ">=",
    "≥": ">=",
}


def _text(value: object, field: str, what: str) -> str:
    if not isinstance(value, str):
        raise InputError(field, f"{what} must be given as text")
    return value.strip()


def _required(text: str, field: str, what: str, spelling: str) -> str:
    """The stripped text, else a refusal naming `what` ("a date") and its `spelling`."""
    stripped = _text(text, field, what)
    if not stripped:
        raise InputError(field, f"{what} is required ({spelling})")
    return stripped


def _typed(
    text: str, field: str, what: str, pattern: re.Pattern[str], spelling: str, usage: str
) -> tuple[str, re.Match[str]]:
    """The stripped text and its match of `pattern`, else a refusal naming `what` with the
    `spelling` it is required in, or the `usage` that would have been understood."""
    stripped = _required(text, field, what, spelling)
    match = pattern.fullmatch(stripped)
    if match is None:
        raise InputError(field, f"'{stripped}' is not {what}: use {usage}")
    return stripped, match


def parse_date(text: str, field: str) -> date:
    """A calendar date typed strictly as ISO YYYY-MM-DD (spaces around are ignored)."""
    stripped, match = _typed(text, field, "a date", _ISO_DATE, "YYYY-MM-DD", "YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(field, f"year {year} is out of range ({MIN_YEAR}–{MAX_YEAR})")
    if not 1 <= month <= 12:
        raise InputError(field, f"'{stripped}' is not a date: month {month} does not exist")
    import calendar  # here: a command that parses no date (a whole report) never loads it

    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        month_name = calendar.month_name[month]
        raise InputError(
            field,
            f"'{stripped}' is not a date: {month_name} {year} has {days_in_month} days",
        )
    return date(year, month, day)


def parse_time(text: str, field: str) -> time:
    """A local time of day typed as HH:MM (24-hour clock)."""
    stripped, match = _typed(text, field, "a time", _TIME, "HH:MM", "HH:MM (24-hour)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise InputError(field, f"'{stripped}' is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def parse_datetime(text: str, field: str) -> datetime:
    """A naive local date-time typed as YYYY-MM-DDTHH:MM or YYYY-MM-DD HH:MM."""
    stripped = _required(text, field, "a date and time", "YYYY-MM-DDTHH:MM")
    parts = re.split(r"\s+|[Tt](?=[0-9])", stripped)
    if len(parts) != 2:
        raise InputError(
            field, f"'{stripped}' is not a date and time: use YYYY-MM-DDTHH:MM or YYYY-MM-DD HH:MM"
        )
    return datetime.combine(parse_date(parts[0], field), parse_time(parts[1], field))


def _unit_suffix(unit: str | None) -> str:
    return f" {unit}" if unit else ""


def _format_bound(value: float) -> str:
    return f"{value:g}"


def parse_number(
    text_or_number: str | float,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    allow_zero: bool = True,
    unit: str | None = None,
) -> float:
    """A finite number typed with a decimal point, within [minimum, maximum] when given.

    A decimal comma is refused here (it is accepted only by the CSV import); `unit` is used
    only in messages ("must be at most 100 %").
    """
    if isinstance(text_or_number, bool):
        raise InputError(field, f"'{text_or_number}' is not a number")
    if isinstance(text_or_number, int | float):
        value = float(text_or_number)
        shown = str(text_or_number)
        if math.isnan(value):
            raise InputError(field, "is not a number (NaN)")
    elif isinstance(text_or_number, str):
        # Accept the typographic minus sign that pasted text (e.g. a DEXA T-score) carries.
        shown = text_or_number.strip().replace("−", "-")
        if not shown:
            raise InputError(field, "a number is required")
        if _NUMBER.fullmatch(shown) is None:
            if re.fullmatch(r"[+-]?[0-9]*,[0-9]+", shown):
                raise InputError(field, f"'{shown}' is not a number (use a decimal point)")
            raise InputError(field, f"'{shown}' is not a number")
        value = float(shown)
    else:
        raise InputError(field, f"'{text_or_number}' is not a number")
    if math.isinf(value):
        raise InputError(field, f"'{shown}' is too large")
    if value == 0 and not allow_zero:
        raise InputError(field, "must be greater than 0")
    if minimum is not None and value < minimum:
        if minimum == 0:
            raise InputError(field, "must not be negative")
        raise InputError(field, f"must be at least {_format_bound(minimum)}{_unit_suffix(unit)}")
    if maximum is not None and value > maximum:
        raise InputError(field, f"must be at most {_format_bound(maximum)}{_unit_suffix(unit)}")
    # -0.0 would print as "-0" in tables and JSON.
    return 0.0 if value == 0 else value


def parse_lab_value(
    text: str | float, field: str, *, minimum: float | None = None
) -> tuple[Comparator | None, float]:
    """A lab value as printed: "5", "<5", "< 5", "<=5", "≤5", ">1500" → (comparator, number)."""
    if not isinstance(text, str):
        return None, parse_number(text, field, minimum=minimum)
    stripped = text.strip()
    match = _LAB_VALUE.fullmatch(stripped)
    assert match is not None  # the pattern matches any text
    spelled, number_text = match.groups()
    comparator = _COMPARATOR_SPELLINGS[spelled] if spelled else None
    if comparator is not None and not number_text.strip():
        raise InputError(field, f"'{stripped}' needs a number after {spelled}")
    return comparator, parse_number(number_text, field, minimum=minimum)


def parse_whole_number(text: str | int, field: str, minimum: int, maximum: int) -> int:
    """A whole number within [minimum, maximum] (e.g. a severity 0–10)."""
    value = parse_number(text, field)
    if not value.is_integer():
        raise InputError(field, f"'{text}' must be a whole number")
    if not minimum <= value <= maximum:
        raise InputError(field, f"must be a whole number from {minimum} to {maximum}")
    return int(value)


def parse_lab_result(
    analyte_text: str,
    value_text: str | float,
    unit_text: str,
    *,
    lab_low_text: str | float | None = None,
    lab_high_text: str | float | None = None,
    method: str | None = None,
) -> LabResult:
    """A LabResult from what was typed: analyte key or LOINC, value (with comparator), unit.

    The value is converted to the canonical unit and checked against the analyte's sanity
    bounds; the lab's printed range, when given, is in the same unit as the value. What was
    typed is kept as `entered_value`/`entered_unit`. Fields named "analyte", "value", "unit",
    "lab_low", "lab_high".
    """
    analyte = get_analyte(analyte_text)
    if analyte.derived:
        raise InputError("analyte", f"{analyte.phrase} is computed by the app, not entered")
    try:
        return _lab_result(analyte, value_text, unit_text, lab_low_text, lab_high_text, method)
    except InputError as error:
        # Name the result as well as its field: "estradiol unit", not just "unit".
        raise error.about(analyte.key) from None


def _lab_result(
    analyte: Analyte,
    value_text: str | float,
    unit_text: str,
    lab_low_text: str | float | None,
    lab_high_text: str | float | None,
    method: str | None,
) -> LabResult:
    # An import reads this once per result (157k times for a 50 MB FHIR file): the analyte
    # comes found and the unit is parsed once, docs/design.md "one reading computed once".
    key = analyte.key
    unit = parse_unit(key, unit_text)
    if isinstance(value_text, str):
        comparator, entered_value = parse_lab_value(value_text, "value")
    else:
        comparator, entered_value = None, parse_number(value_text, "value")
    factor = unit.factor
    value = entered_value if factor == 1 else entered_value * factor
    check_plausible(key, value, field="value")
    lab_low = _bound(key, factor, lab_low_text, "lab_low")
    lab_high = _bound(key, factor, lab_high_text, "lab_high")
    if lab_low is not None and lab_high is not None and lab_low > lab_high:
        raise InputError("lab_high", "the lab's upper bound is below its lower bound")
    stripped_unit = unit_text.strip() if isinstance(unit_text, str) else ""
    entered_unit = stripped_unit or unit.text
    clean_method = method.strip() if method and method.strip() else None
    if clean_method is not None:
        check_text(clean_method, "method", METHOD_MAX)
    return LabResult(
        analyte=key,
        value=value,
        entered_value=entered_value,
        entered_unit=entered_unit,
        comparator=comparator,
        lab_low=lab_low,
        lab_high=lab_high,
        method=clean_method,
    )


def _bound(key: str, factor: float, raw: str | float | None, field: str) -> float | None:
    """One end of the lab's printed range (in the unit of the value), made canonical; None
    when left out (nothing, blank or a printed dash)."""
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", "-")):
        return None
    typed = parse_number(raw, field)
    canonical = typed if factor == 1 else typed * factor
    check_plausible(key, canonical, field=field)
    return canonical


def _optional(value: object) -> bool:
    """True when a field was left empty (None or blank text), never for 0."""
    return value is None or (isinstance(value, str) and not value.strip())


def build_semen(
    day: date,
    volume: str | float,
    concentration: str | float,
    motility: str | float | None = None,
    progressive: str | float | None = None,
    morphology: str | float | None = None,
    abstinence: str | int | None = None,
) -> SemenAnalysis:
    """One semen analysis as entered (fields "volume", "concentration", "motility",
    "progressive", "morphology", "abstinence")."""
    concentration_max = get_analyte("sperm_concentration").plausible_max

    def percent(value: str | float | None, field_name: str) -> float | None:
        if _optional(value):
            return None
        assert value is not None
        return parse_number(value, field_name, minimum=0, maximum=100, unit="%")

    if _optional(volume):
        raise InputError("volume", "is required")
    if _optional(concentration):
        raise InputError("concentration", "is required")
    volume_ml = parse_number(volume, "volume", minimum=0, maximum=SEMEN_VOLUME_MAX_ML, unit="mL")
    concentration_m = parse_number(
        concentration, "concentration", minimum=0, maximum=concentration_max, unit="million/mL"
    )
    total = percent(motility, "motility")
    progressive_pct = percent(progressive, "progressive")
    if total is not None and progressive_pct is not None and progressive_pct > total:
        raise InputError(
            "progressive",
            f"progressive motility {progressive_pct:g} % is above total motility {total:g} %",
        )
    abstinence_days = None
    if not _optional(abstinence):
        assert abstinence is not None
        abstinence_days = parse_whole_number(abstinence, "abstinence", 0, ABSTINENCE_MAX_DAYS)
    return SemenAnalysis(
        date=day,
        volume_ml=volume_ml,
        concentration_m_per_ml=concentration_m,
        total_motility_pct=total,
        progressive_motility_pct=progressive_pct,
        normal_morphology_pct=percent(morphology, "morphology"),
        abstinence_days=abstinence_days,
    )


def build_dexa(
    day: date,
    t_score: str | float,
    site: str | None = None,
    bmd: str | float | None = None,
) -> DexaScan:
    """One bone density scan as entered (fields "t-score", "site", "bmd")."""
    if _optional(t_score):
        raise InputError("t-score", "is required")
    score = parse_number(
        t_score, "t-score", minimum=-DEXA_T_SCORE_BOUND, maximum=DEXA_T_SCORE_BOUND
    )
    site_key: DexaSite | None = None
    if not _optional(site):
        typed = str(site).strip().lower().replace(" ", "_")
        site_key = next((known for known in DEXA_SITES if known == typed), None)
        if site_key is None:
            raise InputError("site", f"'{site}' is not one of {', '.join(DEXA_SITES)}")
    bmd_value = None
    if not _optional(bmd):
        assert bmd is not None
        bmd_value = parse_number(bmd, "bmd", minimum=0, maximum=BMD_MAX_G_CM2)
    return DexaScan(date=day, t_score=score, site=site_key, bmd_g_cm2=bmd_value)


def build_symptom(
    day: date, name: object, severity: str | int, note: object = None
) -> SymptomEntry:
    """A symptom rated 0 (none) to 10 (worst) (fields "name", "severity", "note")."""
    if not isinstance(name, str) or not name.strip():
        raise InputError("name", "a symptom name is required")
    clean_name = check_text(name.strip(), "name", SYMPTOM_NAME_MAX)
    if _optional(severity):
        raise InputError("severity", "is required")
    score = parse_whole_number(severity, "severity", SEVERITY_MIN, SEVERITY_MAX)
    if note is not None and not isinstance(note, str):
        raise InputError("note", "must be text")
    if note is not None:
        check_text(note, "note", NOTE_MAX, multiline=True)
    return SymptomEntry(date=day, name=clean_name, severity=score, note=note or None)


def build_dose(
    regimen: Regimen,
    medication: Medication,
    at: datetime,
    status: str,
    dose: str | float | None = None,
    unit: str | None = None,
) -> DoseEvent:
    """One dose of `regimen` taken or skipped at `at` (fields "at", "status", "dose", "unit").

    A taken dose defaults to the regimen's dose on that day; a skipped one carries none.
    """
    if status not in ("taken", "skipped"):
        raise InputError("status", f"'{status}' is not taken or skipped")
    step = regimen.step_on(at.date())
    if step is None:
        raise InputError("at", f"{regimen.name} was not active on {at.date().isoformat()}")
    dose_value: float | None = None
    dose_unit: str | None = None
    if status == "taken":
        dose_value, dose_unit = validate_dose(
            medication,
            step.dose if dose is None or _optional(dose) else dose,
            step.unit if _optional(unit) else unit,
        )
    checked: DoseStatus = "taken" if status == "taken" else "skipped"
    return DoseEvent(
        regimen_id=regimen.id if regimen.id is not None else RegimenId(0),
        at=at.replace(second=0, microsecond=0),
        status=checked,
        dose=dose_value,
        unit=dose_unit,
    )


def build_regimen(
    name: str,
    dose: str | float,
    unit: str,
    schedule: str,
    start: date,
    time_of_day: time | None = None,
    existing: Sequence[Regimen] = (),
) -> Regimen:
    """A new regimen of `name` from `start` (fields "name", "dose", "unit", "schedule").

    Refused while a regimen of the same medication in `existing` is still active on `start`.
    """
    medication = lookup_medication(name)
    dose_value, dose_unit = validate_dose(medication, dose, unit)
    parsed_schedule = parse_schedule(schedule)
    for regimen in existing:
        same = regimen.name.casefold() == medication.name.casefold()
        if same and (regimen.stop is None or regimen.stop > start):
            raise InputError(
                "name",
                f"{medication.name} is already active since {regimen.start.isoformat()}"
                " (use 'med change' or stop it first)",
            )
    return Regimen(
        name=medication.name,
        med_class=medication.med_class,
        steps=(RegimenStep(start, dose_value, dose_unit, parsed_schedule.text),),
        time_of_day=time_of_day,
    )


def build_regimen_step(
    regimen: Regimen,
    on: date,
    dose: str | float | None = None,
    unit: str | None = None,
    schedule: str | None = None,
) -> RegimenStep:
    """A dose or schedule change of `regimen` in force from `on`; what is not given stays.

    Fields "date", "dose", "unit", "schedule".
    """
    if regimen.stop is not None and on >= regimen.stop:
        raise InputError("date", f"{regimen.name} was stopped on {regimen.stop.isoformat()}")
    if dose is None and unit is None and schedule is None:
        raise InputError("dose", "give a new --dose, --unit or --schedule")
    in_force = regimen.step_on(on) or regimen.current
    dose_value, dose_unit = validate_dose(
        lookup_medication(regimen.name),
        in_force.dose if dose is None else dose,
        in_force.unit if unit is None else unit,
    )
    schedule_text = in_force.schedule if schedule is None else parse_schedule(schedule).text
    return RegimenStep(on, dose_value, dose_unit, schedule_text)
