"""How numbers, dates and times are written on screen (display only, never for computing)."""

from __future__ import annotations

from datetime import date, datetime, time


def format_number(value: float | None) -> str:
    """A measured value as people read it: 692, 24.3, 0.0944 ("—" for none)."""
    if value is None:
        return "—"
    magnitude = abs(value)
    if magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_dose(dose: float, unit: str) -> str:
    """A dose: "0.5 mg", "1500 IU"."""
    return f"{dose:g} {unit}"


def format_date(day: date | None) -> str:
    return day.isoformat() if day is not None else "—"


def format_time(moment: time | datetime | None) -> str:
    return moment.strftime("%H:%M") if moment is not None else ""


def format_percent(fraction: float | None) -> str:
    """An adherence fraction as "93 %" ("—" when nothing was expected)."""
    return "—" if fraction is None else f"{fraction * 100:.0f} %"
