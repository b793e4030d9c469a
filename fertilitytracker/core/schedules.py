"""Dose schedules as people type them ("daily x2", "eod", "mon,thu") and the doses due on a day."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal

from fertilitytracker.core.errors import InputError

ScheduleKind = Literal["daily", "every_n_days", "weekdays", "as_needed"]

MAX_EVERY_DAYS = 365
MAX_TIMES_PER_DAY = 6
_HINT = "(use daily, daily x2, every N days, eod, mon,thu or as needed)"

# date.weekday() numbering: Monday is 0.
_WEEKDAY_ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_SPELLINGS: dict[str, int] = {
    **{abbreviation: index for index, abbreviation in enumerate(_WEEKDAY_ABBREVIATIONS)},
    **{name.lower(): index for index, name in enumerate(_WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_TIMES_WORDS: dict[str, int] = {"once": 1, "twice": 2, "thrice": 3}
_NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "other": 2,
}
# Latin abbreviations common on prescriptions.
_LATIN_TIMES: dict[str, int] = {"qd": 1, "bid": 2, "tid": 3, "qid": 4}
_TIMES_ADVERBS = {1: "once", 2: "twice"}


@dataclass(frozen=True)
class Schedule:
    """How often a medication is taken; build it with `parse_schedule` or directly."""

    kind: ScheduleKind
    times_per_day: int = 1
    every_days: int = 1
    weekdays: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.kind not in ("daily", "every_n_days", "weekdays", "as_needed"):
            raise InputError("schedule", f"unknown schedule kind '{self.kind}' {_HINT}")
        if not 1 <= self.times_per_day <= MAX_TIMES_PER_DAY:
            raise InputError(
                "schedule",
                f"doses per day must be between 1 and {MAX_TIMES_PER_DAY} "
                f"(got {self.times_per_day}) {_HINT}",
            )
        if self.kind == "every_n_days":
            # every 1 day is "daily": one spelling per schedule keeps equality meaningful.
            if not 2 <= self.every_days <= MAX_EVERY_DAYS:
                raise InputError(
                    "schedule",
                    f"every N days needs N between 2 and {MAX_EVERY_DAYS} "
                    f"(got {self.every_days}; every 1 day is daily) {_HINT}",
                )
        elif self.every_days != 1:
            raise InputError("schedule", f"every_days only applies to every N days {_HINT}")
        if self.kind == "weekdays":
            if not self.weekdays or not self.weekdays <= frozenset(range(7)):
                raise InputError(
                    "schedule", f"a weekday schedule needs days Monday (0) to Sunday (6) {_HINT}"
                )
        elif self.weekdays:
            raise InputError("schedule", f"weekdays only apply to a weekday schedule {_HINT}")
        if self.kind == "as_needed" and self.times_per_day != 1:
            raise InputError("schedule", f"as needed has no doses per day {_HINT}")

    @property
    def text(self) -> str:
        """The canonical text: `daily`, `daily x2`, `every 2 days`, `mon,thu`, `as needed`."""
        if self.kind == "as_needed":
            return "as needed"
        if self.kind == "daily":
            base = "daily"
        elif self.kind == "every_n_days":
            base = f"every {self.every_days} days"
        else:
            base = ",".join(_WEEKDAY_ABBREVIATIONS[day] for day in sorted(self.weekdays))
        return base if self.times_per_day == 1 else f"{base} x{self.times_per_day}"

    def describe(self) -> str:
        """The schedule in the one spelling every surface uses: "daily", "twice daily",
        "every other day", "every 3 days", "Mon and Thu", "Mon and Thu, twice daily"."""
        if self.kind == "as_needed":
            return "as needed"
        times = self.times_per_day
        per_day = "daily" if times == 1 else _TIMES_ADVERBS.get(times, f"{times} times") + " daily"
        if self.kind == "daily":
            return per_day
        if self.kind == "every_n_days":
            days = "every other day" if self.every_days == 2 else f"every {self.every_days} days"
        else:
            names = [_WEEKDAY_ABBREVIATIONS[day].capitalize() for day in sorted(self.weekdays)]
            if len(names) == 1:
                days = f"every {names[0]}"
            else:
                days = ", ".join(names[:-1]) + " and " + names[-1]
        return days if times == 1 else f"{days}, {per_day}"

    def __str__(self) -> str:
        return self.text


def _bad(text: str) -> InputError:
    return InputError("schedule", f"'{text}' is not a schedule I understand {_HINT}")


def _count(word: str) -> int | None:
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if word.isdecimal():
        return int(word)
    return _NUMBER_WORDS.get(word)


def _split_times(text: str) -> tuple[str, int | None]:
    """Split a trailing or leading "x2" / "2x" / "twice" / "2 times a day" off the text."""
    patterns = (
        r"^(?P<rest>.*?)\s*[x×*]\s*(?P<n>\d+)$",  # daily x2, mon,thu x2
        r"^(?P<rest>.*?)\s*(?P<n>\d+)\s*[x×]$",  # daily 2x
        r"^(?P<n>\d+)\s*[x×]\s*(?P<rest>.*)$",  # 2x daily
        r"^(?P<rest>.*?)\s*,?\s*(?P<n>\w+)\s+times?(\s+(a|per)\s+day)?$",  # daily, 2 times a day
        r"^(?P<n>\w+)\s+times?\s+(?P<rest>.*)$",  # 2 times daily
        r"^(?P<n>once|twice|thrice)\s*(a\s+day)?\s*(?P<rest>.*)$",  # twice daily, twice a day
        r"^(?P<rest>.*?)\s*,?\s*(?P<n>once|twice|thrice)(\s+(a|per)\s+day)?$",  # daily twice
    )
    for pattern in patterns:
        match = re.match(pattern, text)
        if match is None:
            continue
        word = match.group("n")
        times = _TIMES_WORDS.get(word) or _count(word)
        if times is None:
            continue
        return match.group("rest").strip(" ,"), times
    return text, None


_DAILY = Schedule("daily")
_EVERY_OTHER_DAY = Schedule("every_n_days", every_days=2)
_WEEKLY = Schedule("every_n_days", every_days=7)
# The schedules said in words, without a count of days or doses.
_NAMED_SCHEDULES = {
    **dict.fromkeys(("daily", "every day", "each day", "a day", "per day", "qd"), _DAILY),
    **dict.fromkeys(
        ("eod", "qod", "every other day", "every second day", "alternate days"), _EVERY_OTHER_DAY
    ),
    **dict.fromkeys(("weekly", "every week", "a week", "per week"), _WEEKLY),
}


def _parse_base(text: str, original: str) -> Schedule | None:
    """The schedule without doses-per-day, or None when `text` is not one."""
    named = _NAMED_SCHEDULES.get(text)
    if named is not None:
        return named
    match = re.fullmatch(r"(every|q)\s*(?P<n>\w+)\s*(?P<unit>days?|d|weeks?|w)", text)
    if match is not None:
        count = _count(match.group("n"))
        if count is None:
            return None
        days = count * 7 if match.group("unit").startswith("w") else count
        if not 1 <= days <= MAX_EVERY_DAYS:
            raise InputError(
                "schedule",
                f"'{original}': every N days needs N between 1 and {MAX_EVERY_DAYS} {_HINT}",
            )
        return Schedule("daily") if days == 1 else Schedule("every_n_days", every_days=days)
    words = [word for word in re.split(r"[\s,;/&+]+|\band\b", text) if word]
    if words and all(word in _WEEKDAY_SPELLINGS for word in words):
        return Schedule("weekdays", weekdays=frozenset(_WEEKDAY_SPELLINGS[word] for word in words))
    return None


# Every reader of a regimen's steps parses their schedules again (Today, the reminders, each
# adherence count): a journal keeps few distinct ones, and a Schedule is immutable.
@lru_cache(maxsize=256)
def parse_schedule(text: str) -> Schedule:
    """The schedule a person typed: daily, daily x2, every N days, eod, mon,thu, as needed.

    Letter case and spacing are free (`Mon, Thu`, `Every 3 Days`); full weekday names, `twice
    daily`, `bid`, `every other day`, `weekly` and `prn` are understood too.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("schedule", f"a schedule is required {_HINT}")
    original = text.strip()
    lowered = " ".join(original.casefold().split())
    if lowered in ("as needed", "as-needed", "prn", "as required", "when needed", "on demand"):
        return Schedule("as_needed")
    if lowered in _LATIN_TIMES:
        return Schedule("daily", times_per_day=_LATIN_TIMES[lowered])
    if lowered in _NAMED_SCHEDULES:
        # The usual schedules: found without the patterns below (compiled on first use, at
        # start-up when Today shows the doses due).
        return _NAMED_SCHEDULES[lowered]
    rest, times = _split_times(lowered)
    if times is not None and times != 1 and "week" in rest:
        # "twice weekly" does not say which days; guessing them would invent missed doses.
        raise InputError(
            "schedule", f"'{original}' does not say on which days: name them, e.g. mon,thu {_HINT}"
        )
    if times is not None and rest in _LATIN_TIMES:
        return Schedule("daily", times_per_day=times)
    # "twice a day" leaves no rest; a bare "twice" or "x2" says nothing about days: refused.
    base = Schedule("daily") if rest == "" and "day" in lowered else _parse_base(rest, original)
    if base is None:
        raise _bad(original)
    if times is None:
        return base
    if not 1 <= times <= MAX_TIMES_PER_DAY:
        raise InputError(
            "schedule",
            f"'{original}': doses per day must be between 1 and {MAX_TIMES_PER_DAY} {_HINT}",
        )
    return Schedule(
        base.kind, times_per_day=times, every_days=base.every_days, weekdays=base.weekdays
    )


def doses_due_on(schedule: Schedule | str, anchor: date, day: date) -> int:
    """How many doses `schedule` expects on `day` when it took effect on `anchor`.

    Every N days counts from `anchor` (the date of the step that set the schedule); before
    `anchor` the schedule is not in force and nothing is due; as needed never has doses due.
    """
    if isinstance(schedule, str):
        schedule = parse_schedule(schedule)
    if day < anchor or schedule.kind == "as_needed":
        return 0
    if schedule.kind == "every_n_days" and (day - anchor).days % schedule.every_days != 0:
        return 0
    if schedule.kind == "weekdays" and day.weekday() not in schedule.weekdays:
        return 0
    return schedule.times_per_day
