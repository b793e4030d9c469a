"""How numbers, doses, dates and times are written for people (display only, never computing)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time

from fertilitytracker.core.derived import round_beside

MISSING_TEXT = "—"


def format_number(value: float | None) -> str:
    """A measured value rounded for reading: 692, 24.3, 4.3, 0.0944, −2.6 ("—" for none).

    About three significant figures, integers kept whole; the value keeps full precision in
    the data, only the text is rounded.
    """
    if value is None:
        return MISSING_TEXT
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    # "4.30" reads as more precise than it is; "4.3" does not.
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    # A true minus sign: a hyphen is easily missed on screen and on paper.
    return "−" + text[1:] if text.startswith("-") else text


def format_beside(value: float | None, reference: float | None) -> str:
    """A value as `format_number` writes it, but never rounded across `reference`.

    docs/clinical.md §3: a T/E of 9.997 shows as "9.997", not "10".
    """
    text = format_number(value)
    if value is None or reference is None:
        return text
    shown = float(text.replace("−", "-"))
    if (shown < reference) == (value < reference):
        return text
    exact = f"{round_beside(value, reference, significant=4):g}"
    return "−" + exact[1:] if exact.startswith("-") else exact


def format_between(value: float, low: float | None, high: float | None) -> str:
    """A value as `format_number` writes it, never rounded onto or across a range's bound.

    299.91 against a low bound of 300 shows as "299.9", not "300" (which would be in range);
    the flag the core gave it and the number shown always agree.
    """
    text = format_number(value)

    def same_side(shown: float) -> bool:
        below = low is None or (shown < low) == (value < low)
        above = high is None or (shown > high) == (value > high)
        return below and above

    if value == 0 or not math.isfinite(value) or same_side(float(text.replace("−", "-"))):
        return text
    for digits in range(4, 16):
        decimals = digits - 1 - math.floor(math.log10(abs(value)))
        shown = round(value, decimals)
        if same_side(shown):
            exact = f"{shown:.{max(decimals, 0)}f}".rstrip("0").rstrip(".")
            return "−" + exact[1:] if exact.startswith("-") else exact
    return f"{value!r}"  # pragma: no cover - a float never needs more digits


def format_dose(dose: float, unit: str) -> str:
    """A dose: "0.5 mg", "1500 IU"."""
    return f"{dose:g} {unit}"


def format_date(day: date | None) -> str:
    """An ISO date, or a dash."""
    return day.isoformat() if day is not None else MISSING_TEXT


def format_time(moment: time | datetime | None) -> str:
    """A time of day as "09:00" (empty for none)."""
    return moment.strftime("%H:%M") if moment is not None else ""


def format_percent(fraction: float | None) -> str:
    """An adherence fraction as "93 %" ("—" when nothing was expected)."""
    return MISSING_TEXT if fraction is None else f"{fraction * 100:.0f} %"


def format_bounds(
    low: float | None,
    high: float | None,
    number: Callable[[float], str] = format_number,
    *,
    at_least: str = "≥ ",
    at_most: str = "≤ ",
    after: str = "",
    none: str = "",
) -> str:
    """A range in one notation: "low–high", `at_least` + low or `at_most` + high for an open
    end, then `after` (a unit); `none` when neither end is known. `number` writes each bound.

    Every surface writes its ranges here with its own notation: the screens "≥ 40 mg/dL", the
    command line "≥40" (docs/cli.md), the paste preview ">=40", which the person types back."""
    if low is not None and high is not None:
        return f"{number(low)}–{number(high)}{after}"
    if low is not None:
        return f"{at_least}{number(low)}{after}"
    if high is not None:
        return f"{at_most}{number(high)}{after}"
    return none


def format_range(
    low: float | None,
    high: float | None,
    unit: str,
    number: Callable[[float], str] | None = None,
) -> str:
    """A range as a person reads it: "10–42 pg/mL", "≥ 40 mg/dL", "≤ 200 mg/dL".

    `number` writes each bound (format_number unless the caller has its own rounding, as the
    charts do)."""
    return format_bounds(low, high, number or format_number, after=f" {unit}", none="no range")
