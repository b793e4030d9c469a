"""When an entry of a file is the same reading as a recorded one (values within 0.5 %), and when
a later version of a FHIR Observation replaces the result of an earlier one."""

from __future__ import annotations

import math
from datetime import date

from fertilitytracker.core.records import (
    LabResult,
    Regimen,
    SemenAnalysis,
)
from fertilitytracker.services.exchange.items import (
    AMENDING_STATUSES,
    REPLACEABLE_STATUSES,
    LabItem,
    _number,
)

# Two values closer than this (relative) are the same reading: a value typed by hand and the
# same value imported from the lab with more decimals must not double the result.
SAME_VALUE_RELATIVE = 0.005


def same_value(first: float, second: float) -> bool:
    """Whether two canonical values are the same reading (±0.5 % relative)."""
    if first == second:
        return True
    return math.isclose(first, second, rel_tol=SAME_VALUE_RELATIVE, abs_tol=0.0)


def _same_optional(incoming: float | None, recorded: float | None) -> bool:
    """A value the file does not give matches anything; a given one must be the same."""
    if incoming is None:
        return True
    return recorded is not None and same_value(incoming, recorded)


def _same_result(first: LabResult, second: LabResult) -> bool:
    return first.comparator == second.comparator and same_value(first.value, second.value)


def _same_semen(incoming: SemenAnalysis, recorded: SemenAnalysis) -> bool:
    return (
        same_value(incoming.volume_ml, recorded.volume_ml)
        and same_value(incoming.concentration_m_per_ml, recorded.concentration_m_per_ml)
        and _same_optional(incoming.total_motility_pct, recorded.total_motility_pct)
        and _same_optional(incoming.progressive_motility_pct, recorded.progressive_motility_pct)
        and _same_optional(incoming.normal_morphology_pct, recorded.normal_morphology_pct)
        and (
            incoming.abstinence_days is None or incoming.abstinence_days == recorded.abstinence_days
        )
    )


def _same_regimen(incoming: Regimen, recorded: Regimen) -> bool:
    if (
        incoming.name.casefold() != recorded.name.casefold()
        or incoming.med_class != recorded.med_class
        or incoming.stop != recorded.stop
        or incoming.time_of_day != recorded.time_of_day
        or len(incoming.steps) != len(recorded.steps)
    ):
        return False
    return all(
        a.date == b.date
        and same_value(a.dose, b.dose)
        and a.unit == b.unit
        and a.schedule == b.schedule
        for a, b in zip(incoming.steps, recorded.steps, strict=True)
    )


def _overlap(first: Regimen, second: Regimen) -> bool:
    """Whether two regimens are active on a common day (a stop day is no longer active)."""
    first_end = first.stop or date.max
    second_end = second.stop or date.max
    return first.start < second_end and second.start < first_end


def _may_replace(item: LabItem, earlier_source: str | None, earlier_status: str | None) -> bool:
    """An Observation replaces the result of its own earlier version when amended or when the
    earlier version was only preliminary."""
    if item.source_id is None or item.source_id != earlier_source:
        return False
    return item.status in AMENDING_STATUSES or earlier_status in REPLACEABLE_STATUSES


def _shown(result: LabResult) -> str:
    comparator = result.comparator or ""
    return f"{comparator}{_number(result.entered_value)} {result.entered_unit}".strip()
