"""One clinical reading per result: the range in force, the flag and the estradiol state.

The rules are those of docs/clinical.md §1 ("Which range flags a result", "Censored values")
and §4 (the estradiol floor, "cannot tell"). Every surface (Today, Labs, Charts, the command
line, reminders and the report) shows what `read_value` decided and never decides again, so
that two surfaces cannot disagree about one result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import Literal, NamedTuple

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medication_classes import AROMATASE_INHIBITOR_CLASSES
from fertilitytracker.core.ranges import (
    DEFAULT_WHO_EDITION,
    LAB_RANGE_SOURCE,
    Flag,
    RangeOrigin,
    default_range,
    flag_value,
)
from fertilitytracker.core.records import Comparator, History, LabResult, Regimen, TargetRange

EstradiolState = Literal["below_floor", "cannot_tell"]
FloorOrigin = Literal["clinician", "default"]

ESTRADIOL = "estradiol"
# The order of docs/clinical.md §1: a side the higher rule leaves open comes from the next one.
_ORIGIN_ORDER: tuple[RangeOrigin, ...] = ("clinician", "lab", "default")


class RangeInForce(NamedTuple):
    """The range a result is judged against (canonical unit), and where each side comes from."""

    analyte: str
    low: float | None
    high: float | None
    low_origin: RangeOrigin | None
    high_origin: RangeOrigin | None
    source: str  # the source text of the rule that gave the range (or its first side)

    @property
    def origin(self) -> RangeOrigin:
        """The highest rule that gave a side (clinician, then lab, then default)."""
        given = {self.low_origin, self.high_origin}
        for origin in _ORIGIN_ORDER:
            if origin in given:
                return origin
        return "default"

    @property
    def mixed(self) -> bool:
        """True when the two sides come from different rules (a one-sided range completed)."""
        return (
            self.low_origin is not None
            and self.high_origin is not None
            and self.low_origin != self.high_origin
        )


class Floor(NamedTuple):
    """The estradiol over-suppression floor (pg/mL) and where it comes from (§4)."""

    value: float
    origin: FloorOrigin
    source: str


class Reading(NamedTuple):
    """What the core decided about one value: range in force, flag and estradiol state."""

    analyte: str
    range: RangeInForce
    flag: Flag
    # docs/clinical.md §4: set only for estradiol while an aromatase inhibitor is active.
    estradiol_state: EstradiolState | None = None
    floor: Floor | None = None  # the floor it was judged against (only while on an inhibitor)
    inhibitors: tuple[str, ...] = ()  # aromatase inhibitors active on the day of the draw


def clinician_target(analyte_key: str, targets: Sequence[TargetRange]) -> TargetRange | None:
    """The clinician's target for an analyte: the latest set (later in `targets` wins ties).

    docs/clinical.md §1: a clinician's target is the current view; once set it flags every
    result, earlier draws included.
    """
    key = get_analyte(analyte_key).key
    candidates = [
        (target.set_on or date.min, position, target)
        for position, target in enumerate(targets)
        if target.analyte == key
    ]
    if not candidates:
        return None
    # A target without a date counts as older than any dated one.
    return max(candidates, key=lambda item: (item[0], item[1]))[2]


def range_in_force(
    analyte_key: str,
    targets: Sequence[TargetRange],
    *,
    lab_low: float | None = None,
    lab_high: float | None = None,
    who_edition: str = DEFAULT_WHO_EDITION,
) -> RangeInForce:
    """The range in force for a value of `analyte_key` (docs/clinical.md §1).

    The clinician's target, else the lab's range printed with the result, else the default; a
    side left open by one rule is taken from the next rule down. Semen parameters are judged
    against the WHO lower reference limits of `who_edition` only (docs/clinical.md §2).
    """
    if isinstance(targets, tuple):
        # Years of results share a handful of ranges: each is worked out once per set of
        # targets (History holds them as a tuple of frozen records).
        return _cached_range_in_force(analyte_key, targets, lab_low, lab_high, who_edition)
    return _range_in_force(analyte_key, targets, lab_low, lab_high, who_edition)


@lru_cache(maxsize=1024)
def _cached_range_in_force(
    analyte_key: str,
    targets: tuple[TargetRange, ...],
    lab_low: float | None,
    lab_high: float | None,
    who_edition: str,
) -> RangeInForce:
    return _range_in_force(analyte_key, targets, lab_low, lab_high, who_edition)


def _range_in_force(
    analyte_key: str,
    targets: Sequence[TargetRange],
    lab_low: float | None,
    lab_high: float | None,
    who_edition: str,
) -> RangeInForce:
    analyte = get_analyte(analyte_key)
    default = default_range(analyte.key, who_edition)
    if analyte.is_semen:
        return RangeInForce(
            analyte.key,
            default.low,
            default.high,
            "default" if default.low is not None else None,
            "default" if default.high is not None else None,
            default.source,
        )
    rules: list[tuple[RangeOrigin, float | None, float | None, str]] = []
    clinician = clinician_target(analyte.key, targets)
    if clinician is not None:
        rules.append(("clinician", clinician.low, clinician.high, clinician.source or "clinician"))
    if lab_low is not None or lab_high is not None:
        rules.append(("lab", lab_low, lab_high, LAB_RANGE_SOURCE))
    rules.append(("default", default.low, default.high, default.source))
    low, low_origin = _first_side(rules, 1)
    high, high_origin = _first_side(rules, 2)
    source = rules[0][3]
    return RangeInForce(analyte.key, low, high, low_origin, high_origin, source)


def _first_side(
    rules: Sequence[tuple[RangeOrigin, float | None, float | None, str]], index: int
) -> tuple[float | None, RangeOrigin | None]:
    for rule in rules:
        bound = rule[index]
        if bound is not None:
            assert isinstance(bound, float | int)
            return float(bound), rule[0]
    return None, None


def estradiol_floor(targets: Sequence[TargetRange]) -> Floor:
    """docs/clinical.md §4: the low bound of the clinician's estradiol target, else 10 pg/mL.

    A lab's printed range never sets or removes the floor.
    """
    analyte = get_analyte(ESTRADIOL)
    target = clinician_target(ESTRADIOL, targets)
    if target is not None and target.low is not None:
        return Floor(target.low, "clinician", target.source or "clinician")
    if analyte.floor is None:  # pragma: no cover - the catalogue carries the floor
        raise InputError("estradiol", "the catalogue has no estradiol floor")
    return Floor(analyte.floor, "default", analyte.floor_source)


def estradiol_state(
    value: float, comparator: Comparator | None, floor: float
) -> EstradiolState | None:
    """Below the floor, cannot tell, or neither (docs/clinical.md §4).

    Below: a value under the floor, or `<X` with X ≤ floor (`<=X` with X < floor). Cannot
    tell: a limit that allows values both under and at or above the floor.
    """
    if comparator is None:
        return "below_floor" if value < floor else None
    if comparator == "<":
        return "below_floor" if value <= floor else "cannot_tell"
    if comparator == "<=":
        return "below_floor" if value < floor else "cannot_tell"
    if comparator == ">":
        return None if value >= floor else "cannot_tell"
    if comparator == ">=":
        return None if value >= floor else "cannot_tell"
    raise InputError("comparator", f"unknown comparator '{comparator}'")


def active_inhibitors(regimens: Sequence[Regimen], day: date) -> tuple[str, ...]:
    """The aromatase inhibitors active on `day`, by name (sorted, each once)."""
    return tuple(
        sorted(
            {
                regimen.name
                for regimen in regimens
                if regimen.med_class in AROMATASE_INHIBITOR_CLASSES
                and regimen.steps
                and regimen.is_active_on(day)
            }
        )
    )


def read_value(
    analyte_key: str,
    value: float,
    comparator: Comparator | None,
    *,
    day: date,
    targets: Sequence[TargetRange] = (),
    regimens: Sequence[Regimen] = (),
    lab_low: float | None = None,
    lab_high: float | None = None,
    who_edition: str = DEFAULT_WHO_EDITION,
) -> Reading:
    """The reading of one canonical value measured on `day` (docs/clinical.md §1, §4)."""
    in_force = range_in_force(
        analyte_key, targets, lab_low=lab_low, lab_high=lab_high, who_edition=who_edition
    )
    return _decide(
        in_force,
        value,
        comparator,
        lambda: active_inhibitors(regimens, day),
        lambda: estradiol_floor(targets),
        Reading,
    )


def _decide(
    in_force: RangeInForce,
    value: float,
    comparator: Comparator | None,
    inhibitors_on_day: Callable[[], tuple[str, ...]],
    floor: Callable[[], Floor],
    reading: Callable[..., Reading],
) -> Reading:
    """The flag against the range in force and, for estradiol on an inhibitor, the estradiol
    state: the one decision `read_value` and `HistoryReader` both make (§1, §4), handed to
    `reading` (Reading's own fields). The inhibitors and the floor are asked for only when the
    value is an estradiol."""
    flag = flag_value(value, comparator, in_force.low, in_force.high)
    if in_force.analyte != ESTRADIOL:
        return reading(in_force.analyte, in_force, flag)
    inhibitors = inhibitors_on_day()
    if not inhibitors:
        return reading(in_force.analyte, in_force, flag)
    found = floor()
    state = estradiol_state(value, comparator, found.value)
    return reading(in_force.analyte, in_force, flag, state, found, inhibitors)


def read_result(
    result: LabResult,
    day: date,
    history: History,
    who_edition: str = DEFAULT_WHO_EDITION,
) -> Reading:
    """The reading of one stored result of the draw dated `day`, in its history."""
    return read_value(
        result.analyte,
        result.value,
        result.comparator,
        day=day,
        targets=history.targets,
        regimens=history.regimens,
        lab_low=result.lab_low,
        lab_high=result.lab_high,
        who_edition=who_edition,
    )


class HistoryReader:
    """`read_result` and `read_value` for the many values of one history (years of draws
    read at once).

    Each result gets exactly the reading `read_result` gives it; what results share is worked
    out once: the range in force of an analyte with a lab's range, the aromatase inhibitors
    active on a day, the estradiol floor, and each distinct reading (a few dozen readings
    serve thousands of results). The history must not change while the reader is used.
    """

    def __init__(self, history: History, who_edition: str = DEFAULT_WHO_EDITION) -> None:
        self._targets = history.targets
        self._regimens = history.regimens
        self._who_edition = who_edition
        self._ranges: dict[tuple[str, float | None, float | None], RangeInForce] = {}
        self._inhibitors: dict[date, tuple[str, ...]] = {}
        self._floor: Floor | None = None
        # Keyed by the range's identity (the reader keeps each range it made) and what was
        # decided against it.
        self._readings: dict[tuple[object, ...], Reading] = {}

    def read_result(self, result: LabResult, day: date) -> Reading:
        """The reading of one stored result of the draw dated `day` (as `read_result`)."""
        return self.read_value(
            result.analyte, result.value, result.comparator, day, result.lab_low, result.lab_high
        )

    def read_value(
        self,
        analyte_key: str,
        value: float,
        comparator: Comparator | None,
        day: date,
        lab_low: float | None = None,
        lab_high: float | None = None,
    ) -> Reading:
        """The reading of one canonical value measured on `day`, with the lab's printed range
        when there is one (as `read_value` with this history's targets and regimens)."""
        key = (analyte_key, lab_low, lab_high)
        in_force = self._ranges.get(key)
        if in_force is None:
            in_force = self._ranges[key] = range_in_force(
                analyte_key,
                self._targets,
                lab_low=lab_low,
                lab_high=lab_high,
                who_edition=self._who_edition,
            )
        return _decide(
            in_force,
            value,
            comparator,
            lambda: self._inhibitors_on(day),
            self._estradiol_floor,
            self._reading,
        )

    def _reading(
        self,
        analyte: str,
        in_force: RangeInForce,
        flag: Flag,
        state: EstradiolState | None = None,
        floor: Floor | None = None,
        inhibitors: tuple[str, ...] = (),
    ) -> Reading:
        # One object per distinct reading: the views built on it share what it decided.
        key = (id(in_force), flag, state, inhibitors)
        found = self._readings.get(key)
        if found is None:
            found = self._readings[key] = Reading(analyte, in_force, flag, state, floor, inhibitors)
        return found

    def _inhibitors_on(self, day: date) -> tuple[str, ...]:
        found = self._inhibitors.get(day)
        if found is None:
            found = self._inhibitors[day] = active_inhibitors(self._regimens, day)
        return found

    def _estradiol_floor(self) -> Floor:
        if self._floor is None:
            self._floor = estradiol_floor(self._targets)
        return self._floor
