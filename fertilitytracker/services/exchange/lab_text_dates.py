"""Lab report text: the collection date and time as labs print them (ISO, dotted, named months)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from typing import Literal

from fertilitytracker.core.validation import MAX_YEAR, MIN_YEAR
from fertilitytracker.services.exchange.lab_text_tables import (
    _months,
    _table,
    _Unreadable,
)

DateOrder = Literal["mdy", "dmy"]
DATE_ORDERS: tuple[DateOrder, ...] = ("mdy", "dmy")

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_SLASHED_DATE = re.compile(r"(?<![\d/])(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\.?[\s\-/]*([A-Za-zÄÖÜäöü]{3,9})\.?[\s\-/,]*(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"(?<![\w])([A-Za-zÄÖÜäöü]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})")
_CLOCK = re.compile(
    r"(?<![\d:.])(\d{1,2}):(\d{2})(?::\d{2})?\s*(am|pm|a\.m\.|p\.m\.)?(?![\w])", re.IGNORECASE
)


@dataclass(frozen=True)
class _FoundDate:
    text: str
    day: date | None
    problem: str | None
    end: int


def _make_date(year: int, month: int, day: int, text: str) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Unreadable(f"the year of '{text}' is out of range")
    try:
        return date(year, month, day)
    except ValueError:
        raise _Unreadable(f"'{text}' is not a date") from None


def _find_date(text: str, order: DateOrder | None) -> _FoundDate | None:
    """The first date in `text`, read strictly; slashed dates need the date order."""
    candidates: list[tuple[int, re.Match[str], str]] = []
    for kind, pattern in (
        ("iso", _ISO_DATE),
        ("dotted", _DOTTED),
        ("slashed", _SLASHED_DATE),
        ("dmy_name", _DAY_MONTH_YEAR),
        ("mdy_name", _MONTH_DAY_YEAR),
    ):
        match = pattern.search(text)
        if match is not None:
            if kind.endswith("_name"):
                month_word = match.group(2 if kind == "dmy_name" else 1).casefold()
                if month_word not in _months():
                    continue
            candidates.append((match.start(), match, kind))
    if not candidates:
        return None
    _, match, kind = min(candidates, key=lambda item: item[0])
    printed = match.group(0).strip()
    try:
        if kind == "iso":
            day = _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), printed)
        elif kind == "dotted":
            day = _make_date(int(match.group(3)), int(match.group(2)), int(match.group(1)), printed)
        elif kind == "dmy_name":
            month = _months()[match.group(2).casefold()]
            day = _make_date(int(match.group(3)), month, int(match.group(1)), printed)
        elif kind == "mdy_name":
            month = _months()[match.group(1).casefold()]
            day = _make_date(int(match.group(3)), month, int(match.group(2)), printed)
        else:
            first, second, year = (int(part) for part in match.groups())
            if order is None:
                return _FoundDate(
                    printed,
                    None,
                    f"'{printed}' could be month/day or day/month: choose the date order",
                    match.end(),
                )
            month, day_of_month = (first, second) if order == "mdy" else (second, first)
            day = _make_date(year, month, day_of_month, printed)
    except _Unreadable as error:
        return _FoundDate(printed, None, str(error), match.end())
    return _FoundDate(printed, day, None, match.end())


@cache
def _other_label_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(word) for word in _table()["collection_labels"]["other_dates"])
    return re.compile(rf"(?<![\w])(?:{words})(?![\w])", re.IGNORECASE)


def _until_other_label(text: str) -> str:
    """The text up to another date's label ("Received", "Reported") or another date."""
    ends = [len(text)]
    for pattern in (_other_label_pattern(), _ISO_DATE, _DOTTED, _SLASHED_DATE):
        match = pattern.search(text)
        if match is not None:
            ends.append(match.start())
    return text[: min(ends)]


def _find_time(text: str) -> time | None:
    match = _CLOCK.search(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    marker = (match.group(3) or "").replace(".", "").casefold()
    if marker:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
