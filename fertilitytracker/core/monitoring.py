"""Monitoring rules of docs/clinical.md §6: which tests are due, from when, and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

# Courses, exposure and medication events live in core/courses.py; re-exported for callers.
from fertilitytracker.core.courses import MedicationEvent as MedicationEvent
from fertilitytracker.core.courses import (
    courses,
    exposure_reached_on,
    medication_events,
    regimen_interval,
)
from fertilitytracker.core.courses import (
    exposure_days as exposure_days,
)
from fertilitytracker.core.errors import InputError

# The class groups live in core/medication_classes.py (reading a result needs them without the
# rules); re-exported for the callers of the rules.
from fertilitytracker.core.medication_classes import (
    AROMATASE_INHIBITOR_CLASSES as AROMATASE_INHIBITOR_CLASSES,
)
from fertilitytracker.core.medication_classes import FERTILITY_CLASSES as FERTILITY_CLASSES
from fertilitytracker.core.medication_classes import HORMONE_CLASSES as HORMONE_CLASSES
from fertilitytracker.core.medication_classes import RULES_RESOURCE
from fertilitytracker.core.records import History, LabDraw, Regimen, dexa_scans
from fertilitytracker.core.resources import load_json

TestKind = Literal["hormone_panel", "semen_analysis", "lipid_panel", "dexa"]
WindowStatus = Literal["upcoming", "open", "overdue"]

# A sanity bound on user-set offsets (ten years), not a clinical limit.
MAX_OFFSET_DAYS = 3650


def _rules_json() -> dict[str, Any]:
    data: dict[str, Any] = load_json(RULES_RESOURCE)
    return data


@dataclass(frozen=True)
class RuleOffsets:
    """Every offset of the monitoring rules, in whole days (defaults in monitoring_rules.json)."""

    hormone_after_change_opens_days: int
    hormone_after_change_due_days: int
    hormone_on_therapy_interval_days: int
    hormone_on_therapy_opens_before_due_days: int
    semen_opens_days: int
    semen_due_days: int
    lipid_baseline_lookback_days: int
    lipid_baseline_opens_days: int
    lipid_baseline_due_days: int
    lipid_yearly_interval_days: int
    lipid_yearly_opens_before_due_days: int
    dexa_prior_scan_window_days: int
    dexa_repeat_opens_days: int
    dexa_repeat_due_days: int
    dexa_exposure_days: int
    dexa_exposure_due_after_opens_days: int
    course_gap_days: int

    def __post_init__(self) -> None:
        _check_offsets(self)

    def with_overrides(self, overrides: Mapping[str, int]) -> RuleOffsets:
        """These offsets with the user's `overrides` (keyed by field name) applied."""
        known = {f.name for f in fields(self)}
        for name, days in overrides.items():
            if name not in known:
                raise InputError("offsets", f"unknown rule offset '{name}'")
            # bool is an int subclass; True days is a typing slip, not a number.
            if isinstance(days, bool) or not isinstance(days, int):
                raise InputError(name, f"{days!r} is not a whole number of days")
        return replace(self, **dict(overrides))

    def as_dict(self) -> dict[str, int]:
        """The offsets by name (what the report prints as the rules it used)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Offsets that repeat or count a span: zero would make a reminder due the day it is met.
_AT_LEAST_ONE_DAY = (
    "hormone_on_therapy_interval_days",
    "lipid_yearly_interval_days",
    "dexa_exposure_days",
    "course_gap_days",
)
# (earlier, later): a window must not open after it is due.
_ORDERED_PAIRS = (
    ("hormone_after_change_opens_days", "hormone_after_change_due_days"),
    ("hormone_on_therapy_opens_before_due_days", "hormone_on_therapy_interval_days"),
    ("semen_opens_days", "semen_due_days"),
    ("lipid_baseline_opens_days", "lipid_baseline_due_days"),
    ("lipid_yearly_opens_before_due_days", "lipid_yearly_interval_days"),
    ("dexa_repeat_opens_days", "dexa_repeat_due_days"),
)


def _check_offsets(offsets: RuleOffsets) -> None:
    for f in fields(offsets):
        days = getattr(offsets, f.name)
        if isinstance(days, bool) or not isinstance(days, int):
            raise InputError(f.name, f"{days!r} is not a whole number of days")
        minimum = 1 if f.name in _AT_LEAST_ONE_DAY else 0
        if days < minimum:
            raise InputError(f.name, f"must be at least {minimum} day{'s' if minimum != 1 else ''}")
        if days > MAX_OFFSET_DAYS:
            raise InputError(f.name, f"must be at most {MAX_OFFSET_DAYS} days")
    for earlier, later in _ORDERED_PAIRS:
        if getattr(offsets, earlier) > getattr(offsets, later):
            raise InputError(
                earlier,
                f"{getattr(offsets, earlier)} days is more than {later} "
                f"({getattr(offsets, later)} days): the window would open after it is due",
            )


def default_offsets() -> RuleOffsets:
    """The default offsets, read from monitoring_rules.json."""
    data = _rules_json()
    values: dict[str, int] = dict(data["course"]["offsets"])
    for rule in data["rules"]:
        values.update(rule["offsets"])
    return RuleOffsets(**values)


def offsets_with(overrides: Mapping[str, int]) -> RuleOffsets:
    """The default offsets with the user's `overrides` applied (unknown names refused)."""
    return default_offsets().with_overrides(overrides)


def rule_sources() -> dict[str, str]:
    """Each rule id with the docs/clinical.md wording it implements (for the report)."""
    data = _rules_json()
    sources = {rule["id"]: rule["source"] for rule in data["rules"]}
    sources["course"] = data["course"]["source"]
    return sources


class DueTest(NamedTuple):
    """One reminder window: the test, when it opens and is due, its status today and why."""

    test: TestKind
    opens: date
    due: date
    status: WindowStatus
    reason: str
    rule: str


def window_status(opens: date, due: date, today: date) -> WindowStatus:
    """`upcoming` before `opens`, `open` from opens to due inclusive, `overdue` after due."""
    if today < opens:
        return "upcoming"
    if today <= due:
        return "open"
    return "overdue"


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _analytes_by_date(draws: Iterable[LabDraw], today: date) -> dict[date, set[str]]:
    # Results with the same date belong to one draw, even if stored as separate draws.
    by_date: dict[date, set[str]] = {}
    for draw in draws:
        if draw.date <= today:
            by_date.setdefault(draw.date, set()).update(r.analyte for r in draw.results)
    return by_date


def _draw_dates_with(by_date: Mapping[date, set[str]], analytes: Iterable[str]) -> list[date]:
    needed = set(analytes)
    return sorted(day for day, present in by_date.items() if needed <= present)


def _names(regimens: Sequence[Regimen]) -> str:
    names: list[str] = []
    for regimen in regimens:
        if regimen.name not in names:
            names.append(regimen.name)
    return " and ".join(names)


def _window(test: TestKind, opens: date, due: date, today: date, reason: str, rule: str) -> DueTest:
    return DueTest(test, opens, due, window_status(opens, due, today), reason, rule)


def _repeat(
    test: TestKind,
    active: Sequence[Regimen],
    latest: date,
    what: str,
    interval: int,
    opens_before: int,
    today: date,
    rule: str,
) -> DueTest:
    """The repeat of `test` due `interval` days after the `latest` one (`what`: its words),
    open `opens_before` days before that."""
    due = latest + _days(interval)
    opens = due - _days(opens_before)
    reason = f"on {_names(active)}: {interval} days after the {what} of {latest}"
    return _window(test, opens, due, today, reason, rule)


def _active(regimens: Sequence[Regimen], classes: frozenset[str], today: date) -> list[Regimen]:
    return [r for r in regimens if r.med_class in classes and r.is_active_on(today)]


_PANEL = ("total_testosterone", "estradiol")
_LIPIDS = ("total_cholesterol",)
# The results the rules read from the draws, each only through the latest draw (on or before
# today) holding all of a set: rules 1-2 a panel, rule 4 a lipid panel, rule 5 a T-score. Given
# just those draws, `due_tests` finds the windows the whole history gives (Today reads no more:
# services/today.py).
RULE_ANALYTES: tuple[tuple[str, ...], ...] = (_PANEL, _LIPIDS, ("dexa_t_score",))


def _hormone_panel(
    regimens: Sequence[Regimen],
    by_date: Mapping[date, set[str]],
    today: date,
    offsets: RuleOffsets,
) -> DueTest | None:
    panels = _draw_dates_with(by_date, _PANEL)
    events = medication_events(regimens, HORMONE_CLASSES, today)
    if events:
        # Only the latest event counts: a newer change replaces an older window.
        anchor = events[-1]
        opens = anchor.date + _days(offsets.hormone_after_change_opens_days)
        if not any(day >= opens for day in panels):
            due = anchor.date + _days(offsets.hormone_after_change_due_days)
            # Several changes on the anchor's day: the reason names each of them, the most
            # telling first (a start, then a change, then a stop).
            same_day = [event for event in reversed(events) if event.date == anchor.date]
            reason = "; ".join(dict.fromkeys(event.text for event in same_day))
            return _window("hormone_panel", opens, due, today, reason, "hormone_panel_after_change")
    active = _active(regimens, HORMONE_CLASSES, today)
    if not active or not panels:
        return None
    return _repeat(
        "hormone_panel",
        active,
        panels[-1],
        "panel",
        offsets.hormone_on_therapy_interval_days,
        offsets.hormone_on_therapy_opens_before_due_days,
        today,
        "hormone_panel_on_therapy",
    )


def _current_course(
    regimens: Sequence[Regimen], classes: frozenset[str], today: date, gap_days: int
) -> tuple[list[Regimen], date] | None:
    """The regimens of `classes` active on `today` and the start of their course, if any."""
    active = _active(regimens, classes, today)
    if not active:
        return None
    for start, end in courses(regimens, classes, gap_days):
        if start <= today and (end is None or today < end):
            return active, start
    return None  # unreachable while one is active; kept for safety


def _semen_analysis(
    history: History, regimens: Sequence[Regimen], today: date, offsets: RuleOffsets
) -> DueTest | None:
    course = _current_course(regimens, FERTILITY_CLASSES, today, offsets.course_gap_days)
    if course is None:
        return None
    course_start = course[1]
    analyses = sorted(s.date for s in history.semen if course_start <= s.date <= today)
    reason = f"fertility course started {course_start}"
    anchor = course_start
    if analyses:
        anchor = analyses[-1]
        reason += f"; latest semen analysis {anchor}"
    opens = anchor + _days(offsets.semen_opens_days)
    due = anchor + _days(offsets.semen_due_days)
    return _window("semen_analysis", opens, due, today, reason, "semen_analysis")


def _lipid_panel(
    regimens: Sequence[Regimen],
    by_date: Mapping[date, set[str]],
    today: date,
    offsets: RuleOffsets,
) -> DueTest | None:
    course = _current_course(regimens, AROMATASE_INHIBITOR_CLASSES, today, offsets.course_gap_days)
    if course is None:
        return None
    active, course_start = course
    lipids = _draw_dates_with(by_date, _LIPIDS)
    latest = lipids[-1] if lipids else None
    if latest is None or (course_start - latest).days > offsets.lipid_baseline_lookback_days:
        starters = [
            r
            for r in regimens
            if r.med_class in AROMATASE_INHIBITOR_CLASSES and r.start == course_start
        ]
        reason = f"no lipid panel within a year of starting {_names(starters)}"
        if offsets.lipid_baseline_lookback_days != 365:
            reason = (
                f"no lipid panel within {offsets.lipid_baseline_lookback_days} days "
                f"of starting {_names(starters)}"
            )
        opens = course_start + _days(offsets.lipid_baseline_opens_days)
        due = course_start + _days(offsets.lipid_baseline_due_days)
        return _window("lipid_panel", opens, due, today, reason, "lipid_panel_baseline")
    return _repeat(
        "lipid_panel",
        active,
        latest,
        "lipid panel",
        offsets.lipid_yearly_interval_days,
        offsets.lipid_yearly_opens_before_due_days,
        today,
        "lipid_panel_yearly",
    )


def _dexa(
    history: History, regimens: Sequence[Regimen], today: date, offsets: RuleOffsets
) -> DueTest | None:
    inhibitors = [r for r in regimens if r.med_class in AROMATASE_INHIBITOR_CLASSES]
    active = [r for r in inhibitors if r.is_active_on(today)]
    if not active:
        return None
    first_start = min(r.start for r in inhibitors if regimen_interval(r) is not None)
    earliest_counted = first_start - _days(offsets.dexa_prior_scan_window_days)
    # docs/clinical.md §6: a DEXA T-score is one scan whichever way it came in (`dexa`, or a
    # `dexa_t_score` result of a draw from `lab`, CSV or FHIR).
    scan_days = {scan.date for scan in dexa_scans(history)}
    scans = sorted(day for day in scan_days if earliest_counted <= day <= today)
    if scans:
        latest = scans[-1]
        opens = latest + _days(offsets.dexa_repeat_opens_days)
        due = latest + _days(offsets.dexa_repeat_due_days)
        reason = f"on {_names(active)}: repeat after the DEXA of {latest}"
        return _window("dexa", opens, due, today, reason, "dexa_after_scan")
    reached = exposure_reached_on(
        inhibitors, AROMATASE_INHIBITOR_CLASSES, offsets.dexa_exposure_days
    )
    if reached is None:  # the recorded stops end exposure short of the threshold
        return None
    due = reached + _days(offsets.dexa_exposure_due_after_opens_days)
    reason = f"{offsets.dexa_exposure_days} days of aromatase inhibitor by {reached}"
    return _window("dexa", reached, due, today, reason, "dexa_after_exposure")


def due_tests(history: History, today: date, offsets: RuleOffsets | None = None) -> list[DueTest]:
    """The tests the rules of docs/clinical.md §6 call for on `today`, sorted by due date.

    Only what has happened counts: regimens, changes, stops, draws and scans dated after
    `today` are ignored. A window already satisfied by a later result is not returned.
    """
    rule_offsets = default_offsets() if offsets is None else offsets
    for regimen in history.regimens:
        if not regimen.steps:
            raise InputError("regimen", f"{regimen.name} has no start")
    # A regimen planned to start after today is not history yet; a stop dated after today is
    # a plan: until then the regimen counts as active and open-ended (docs/clinical.md §6),
    # so that the DEXA exposure keeps projecting forward.
    regimens = [
        r._replace(stop=None) if r.stop is not None and r.stop > today else r
        for r in history.regimens
        if r.start <= today
    ]
    by_date = _analytes_by_date(history.draws, today)
    found = [
        _hormone_panel(regimens, by_date, today, rule_offsets),
        _semen_analysis(history, regimens, today, rule_offsets),
        _lipid_panel(regimens, by_date, today, rule_offsets),
        _dexa(history, regimens, today, rule_offsets),
    ]
    windows = [window for window in found if window is not None]
    windows.sort(key=lambda window: (window.due, window.opens, window.test))
    return windows
