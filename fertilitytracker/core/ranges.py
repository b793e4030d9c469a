"""Target ranges and flags: which range is in force for a result, and whether it is low or high.

Flags are raised only when they are certain. A censored result ("<5", ">1500") carries a bound,
not a value: "<X" means the true value is below X (at most X for "<="). It is flagged "low"
only when every value it allows is below the range's low bound (for "<X": X <= low; for
"<=X": X < low), and it is never flagged "high" because nothing says it is above anything.
Symmetrically ">X" is flagged "high" only when X >= high (">=X": X > high) and never "low".
When the comparator leaves the answer open, the result is not flagged ("in_range"): the chart
and table still show the comparator, so the reader sees it is a limit, not a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, cast

from fertilitytracker.core.analytes import get_analyte, who_edition_sources
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import Comparator, LabResult, TargetRange

Flag = Literal["low", "in_range", "high"]
RangeOrigin = Literal["lab", "clinician", "default"]
DexaBand = Literal["within_range", "osteopenia_band", "osteoporosis_band"]

WHO_EDITIONS: tuple[str, ...] = ("2021", "2010")
DEFAULT_WHO_EDITION = "2021"
LAB_RANGE_SOURCE = "the lab's printed range"


def flag_value(
    value: float, comparator: Comparator | None, low: float | None, high: float | None
) -> Flag:
    """Flag a value (possibly censored by a comparator) against inclusive bounds.

    A value equal to a bound is in range; an open end (None) never flags. See the module
    docstring for comparators.
    """
    if comparator is None:
        if low is not None and value < low:
            return "low"
        if high is not None and value > high:
            return "high"
        return "in_range"
    if comparator == "<":
        return "low" if low is not None and value <= low else "in_range"
    if comparator == "<=":
        return "low" if low is not None and value < low else "in_range"
    if comparator == ">":
        return "high" if high is not None and value >= high else "in_range"
    if comparator == ">=":
        return "high" if high is not None and value > high else "in_range"
    raise InputError("comparator", f"unknown comparator '{comparator}'")


def _check_edition(edition: str) -> str:
    if edition not in WHO_EDITIONS:
        raise InputError("edition", f"unknown WHO edition '{edition}' (use 2021 or 2010)")
    return edition


def semen_lower_limit(key: str, edition: str = DEFAULT_WHO_EDITION) -> float | None:
    """The WHO lower reference limit of a semen parameter in that edition (None if it has none)."""
    analyte = get_analyte(key)
    if _check_edition(edition) == "2021":
        return analyte.who_2021_low
    return analyte.who_2010_low


def below_who(
    key: str,
    value: float,
    edition: str = DEFAULT_WHO_EDITION,
    comparator: Comparator | None = None,
) -> bool:
    """Whether a value is below the WHO lower reference limit (a value at the limit is not)."""
    limit = semen_lower_limit(key, edition)
    if limit is None:
        return False
    return flag_value(value, comparator, limit, None) == "low"


def default_range(analyte_key: str, who_edition: str = DEFAULT_WHO_EDITION) -> TargetRange:
    """The catalogue's default target range; for semen, the WHO lower reference limit."""
    analyte = get_analyte(analyte_key)
    if analyte.is_semen:
        low = semen_lower_limit(analyte.key, who_edition)
        source = (
            f"WHO {who_edition} lower reference limit ({analyte.who_source}); "
            f"{who_edition_sources()[who_edition]}"
        )
        return TargetRange(analyte=analyte.key, low=low, high=None, source=source)
    return TargetRange(
        analyte=analyte.key,
        low=analyte.default_low,
        high=analyte.default_high,
        source=analyte.range_source,
    )


def _latest_target(
    analyte_key: str, targets: Sequence[TargetRange], on_date: date | None
) -> TargetRange | None:
    candidates = [
        (target.set_on or date.min, position, target)
        for position, target in enumerate(targets)
        if target.analyte == analyte_key
        and (on_date is None or target.set_on is None or target.set_on <= on_date)
    ]
    if not candidates:
        return None
    # Latest date first; among equal dates the later one in the sequence wins. A target
    # without a date counts as older than any dated one.
    return max(candidates, key=lambda item: (item[0], item[1]))[2]


def range_in_force(
    result: LabResult,
    targets: Sequence[TargetRange],
    *,
    on_date: date | None = None,
    who_edition: str = DEFAULT_WHO_EDITION,
) -> tuple[TargetRange, RangeOrigin]:
    """The range a result is judged against, and where it comes from.

    The lab's printed range on the result wins; else the latest clinician target for that
    analyte (max `set_on`, later in the sequence wins ties); else the default. With `on_date`
    (the draw's date), clinician targets set after that date are not used.
    """
    analyte = get_analyte(result.analyte)
    if result.lab_low is not None or result.lab_high is not None:
        lab = TargetRange(
            analyte=analyte.key, low=result.lab_low, high=result.lab_high, source=LAB_RANGE_SOURCE
        )
        return lab, "lab"
    clinician = _latest_target(analyte.key, targets, on_date)
    if clinician is not None:
        return clinician, "clinician"
    return default_range(analyte.key, who_edition), "default"


def flag_result(
    result: LabResult,
    targets: Sequence[TargetRange],
    *,
    on_date: date | None = None,
    who_edition: str = DEFAULT_WHO_EDITION,
) -> Flag:
    """The flag of a result against the range in force for it."""
    in_force, _origin = range_in_force(result, targets, on_date=on_date, who_edition=who_edition)
    return flag_value(result.value, result.comparator, in_force.low, in_force.high)


# docs/clinical.md §4, the why of the app's most prominent warning (Today, charts, report).
OVER_SUPPRESSION_SOURCE = (
    "Estradiol below the target range while an aromatase inhibitor is active; "
    "over-suppression harms bone, libido and erectile function, mood and lipids (seed protocol; "
    "Burnett-Bowie 2009 found spine BMD loss at a mean E2 of 12 pg/mL on anastrozole). No "
    "guideline sets a floor for men; the floor is the target range's lower bound (default "
    "10 pg/mL) and is editable."
)


def estradiol_over_suppressed(
    estradiol_result: LabResult,
    targets: Sequence[TargetRange],
    ai_active: bool,
    *,
    on_date: date | None = None,
) -> bool:
    """docs/clinical.md §4: estradiol below the floor while an aromatase inhibitor is active.

    The floor is the low bound of the range in force (default 10 pg/mL). A censored "<X" counts
    when X is at or below the floor (every value it allows is below it); "<=X" when X is below.
    """
    if estradiol_result.analyte != "estradiol":
        raise InputError("analyte", f"expected an estradiol result, got {estradiol_result.analyte}")
    if not ai_active:
        return False
    in_force, _origin = range_in_force(estradiol_result, targets, on_date=on_date)
    if in_force.low is None:
        return False
    return flag_value(estradiol_result.value, estradiol_result.comparator, in_force.low, None) == (
        "low"
    )


def dexa_band(t_score: float) -> DexaBand:
    """The WHO band of a T-score: −1.0 or above, below −1.0 (osteopenia band), ≤ −2.5."""
    bands = get_analyte("dexa_t_score").bands
    # The "at or below" band (osteoporosis) is the more severe one: test it first.
    for band in bands:
        if band.at_or_below is not None and t_score <= band.at_or_below:
            return cast(DexaBand, band.key)
    for band in bands:
        if band.below is not None and t_score < band.below:
            return cast(DexaBand, band.key)
    return "within_range"


def dexa_band_label(band: DexaBand) -> str:
    """The label of a DEXA band as the catalogue words it."""
    if band == "within_range":
        return "−1.0 or above"
    for entry in get_analyte("dexa_t_score").bands:
        if entry.key == band:
            return entry.label
    raise InputError("band", f"unknown DEXA band '{band}'")  # pragma: no cover
