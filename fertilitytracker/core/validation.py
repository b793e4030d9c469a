"""Parsing of what people type (dates, times, numbers, lab values), refusing with a reason."""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, time

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.limits import METHOD_MAX, check_text
from fertilitytracker.core.records import Comparator, LabResult
from fertilitytracker.core.units import check_plausible, parse_unit

MIN_YEAR = 1900
MAX_YEAR = 2100

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


def parse_date(text: str, field: str) -> date:
    """A calendar date typed strictly as ISO YYYY-MM-DD (spaces around are ignored)."""
    stripped = _text(text, field, "a date")
    if not stripped:
        raise InputError(field, "a date is required (YYYY-MM-DD)")
    match = _ISO_DATE.fullmatch(stripped)
    if match is None:
        raise InputError(field, f"'{stripped}' is not a date: use YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(field, f"year {year} is out of range ({MIN_YEAR}–{MAX_YEAR})")
    if not 1 <= month <= 12:
        raise InputError(field, f"'{stripped}' is not a date: month {month} does not exist")
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
    stripped = _text(text, field, "a time")
    if not stripped:
        raise InputError(field, "a time is required (HH:MM)")
    match = _TIME.fullmatch(stripped)
    if match is None:
        raise InputError(field, f"'{stripped}' is not a time: use HH:MM (24-hour)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise InputError(field, f"'{stripped}' is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def parse_datetime(text: str, field: str) -> datetime:
    """A naive local date-time typed as YYYY-MM-DDTHH:MM or YYYY-MM-DD HH:MM."""
    stripped = _text(text, field, "a date and time")
    if not stripped:
        raise InputError(field, "a date and time is required (YYYY-MM-DDTHH:MM)")
    parts = re.split(r"\s+|[Tt](?=[0-9])", stripped)
    if len(parts) != 2:
        raise InputError(
            field, f"'{stripped}' is not a date and time: use YYYY-MM-DDTHH:MM or YYYY-MM-DD HH:MM"
        )
    day = parse_date(parts[0], field)
    moment = parse_time(parts[1], field)
    return datetime.combine(day, moment)


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
    unit = parse_unit(analyte.key, unit_text)
    comparator, entered_value = parse_lab_value(value_text, "value")
    value = entered_value if unit.factor == 1 else entered_value * unit.factor
    check_plausible(analyte.key, value, field="value")

    def bound(raw: str | float | None, field: str) -> float | None:
        if raw is None or (isinstance(raw, str) and raw.strip() in ("", "-")):
            return None
        typed = parse_number(raw, field)
        canonical = typed if unit.factor == 1 else typed * unit.factor
        check_plausible(analyte.key, canonical, field=field)
        return canonical

    lab_low = bound(lab_low_text, "lab_low")
    lab_high = bound(lab_high_text, "lab_high")
    if lab_low is not None and lab_high is not None and lab_low > lab_high:
        raise InputError("lab_high", "the lab's upper bound is below its lower bound")
    entered_unit = (
        unit_text.strip() if isinstance(unit_text, str) and unit_text.strip() else unit.text
    )
    clean_method = method.strip() if method and method.strip() else None
    if clean_method is not None:
        check_text(clean_method, "method", METHOD_MAX)
    return LabResult(
        analyte=analyte.key,
        value=value,
        entered_value=entered_value,
        entered_unit=entered_unit,
        comparator=comparator,
        lab_low=lab_low,
        lab_high=lab_high,
        method=clean_method,
    )
