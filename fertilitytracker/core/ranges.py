"""Target ranges and flags: default ranges, WHO limits, flagging a value against bounds.

Which range is in force for a result, and the estradiol floor, are decided in
`core.reading` (docs/clinical.md §1, §4). Flags of censored values follow docs/clinical.md §1
"Censored values": "<X" is "low" when every value it allows is below the low bound (X <= low;
"<=X": X < low), "in_range" only when the whole interval [0, X) lies inside the range, and
otherwise "indeterminate" ("below X: cannot tell"); ">X" mirrors it. A censored value is never
shown as simply "in range" unless the range holds every value it allows.
"""

from __future__ import annotations

from typing import Literal, cast

from fertilitytracker.core.analytes import get_analyte, who_edition_sources
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import Comparator, TargetRange

Flag = Literal["low", "in_range", "high", "indeterminate"]
RangeOrigin = Literal["lab", "clinician", "default"]
DexaBand = Literal["within_range", "osteopenia_band", "osteoporosis_band"]

WHO_EDITIONS: tuple[str, ...] = ("2021", "2010")
DEFAULT_WHO_EDITION = "2021"
LAB_RANGE_SOURCE = "the lab's printed range"


def flag_value(
    value: float, comparator: Comparator | None, low: float | None, high: float | None
) -> Flag:
    """Flag a value (possibly censored by a comparator) against inclusive bounds.

    A value equal to a bound is in range; an open end (None) never flags. A censored value is
    "indeterminate" when the limit cannot place it (see the module docstring).
    """
    if comparator is None:
        if low is not None and value < low:
            return "low"
        if high is not None and value > high:
            return "high"
        return "in_range"
    if comparator in ("<", "<="):
        # Every value the limit allows is below the low bound.
        if low is not None and (value <= low if comparator == "<" else value < low):
            return "low"
        # The whole interval [0, X) (or [0, X]) lies inside the range.
        if (low is None or low <= 0) and (high is None or value <= high):
            return "in_range"
        return "indeterminate"
    if comparator in (">", ">="):
        if high is not None and (value >= high if comparator == ">" else value > high):
            return "high"
        # Nothing bounds the value from above: in range only when the range has no top.
        if high is None and (low is None or value >= low):
            return "in_range"
        return "indeterminate"
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


# docs/clinical.md §4, the why of the app's most prominent warning (Today, charts, report).
OVER_SUPPRESSION_SOURCE = (
    "Estradiol below the floor while an aromatase inhibitor is active; over-suppression harms "
    "bone, libido and erectile function, mood and lipids (seed protocol; Burnett-Bowie 2009 "
    "found spine BMD loss at a mean E2 of 12 pg/mL on anastrozole). No guideline sets a floor "
    "for men; the floor is the low bound of the clinician's estradiol target, else 10 pg/mL, "
    "and a lab's printed range never sets or removes it."
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
