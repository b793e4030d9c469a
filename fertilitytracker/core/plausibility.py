"""Noticing a lab value typed with the wrong unit: far outside the usual adult male range in
the chosen unit, and well inside it in another accepted unit of the same analyte.

The usual ranges and the margin live in resources/plausibility.json with their sources (the
default target ranges of docs/clinical.md §1). The check never refuses a value; the caller asks
the person, and whatever he answers is saved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Literal

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.resources import load_json
from fertilitytracker.core.units import parse_unit
from fertilitytracker.core.validation import parse_lab_value

PLAUSIBILITY_FILE = "plausibility.json"

Direction = Literal["below", "above"]


@dataclass(frozen=True)
class UsualRange:
    """The usual adult male range of one analyte in its canonical unit (a side may be open)."""

    analyte: str
    low: float | None
    high: float | None
    source: str


@dataclass(frozen=True)
class UnitMismatch:
    """A value that fits another accepted unit of its analyte far better than the chosen one."""

    analyte: str
    value_text: str  # the number as typed, comparator included ("14.1", "<5")
    unit: str  # the unit chosen
    direction: Direction  # where the value lies against the usual range in the chosen unit
    suggested_unit: str  # the accepted unit the value fits
    suggested_canonical: float  # the value in the canonical unit if read in `suggested_unit`

    def message(self) -> str:
        """ "14.1 ng/dL is far below usual adult male values. Did you mean 14.1 nmol/L?" """
        analyte = get_analyte(self.analyte)
        return (
            f"{self.value_text} {self.unit} is far {self.direction} usual adult male values of "
            f"{analyte.phrase}. Did you mean {self.value_text} {self.suggested_unit}?"
        )


@cache
def _margin() -> float:
    return float(load_json(PLAUSIBILITY_FILE)["margin"])


@cache
def usual_ranges() -> dict[str, UsualRange]:
    """The usual adult male range of each analyte that has one, by analyte key."""
    data = load_json(PLAUSIBILITY_FILE)
    ranges: dict[str, UsualRange] = {}
    for raw in data["usual"]:
        low = None if raw["low"] is None else float(raw["low"])
        high = None if raw["high"] is None else float(raw["high"])
        ranges[raw["analyte"]] = UsualRange(raw["analyte"], low, high, raw["source"])
    return ranges


def _outside(usual: UsualRange, canonical: float) -> Direction | None:
    margin = _margin()
    if usual.low is not None and canonical < usual.low / margin:
        return "below"
    if usual.high is not None and canonical > usual.high * margin:
        return "above"
    return None


def _distance(usual: UsualRange, canonical: float) -> float:
    """How far (in orders of magnitude) a value lies from the middle of the usual range."""
    if canonical <= 0:
        return math.inf
    bounds = [bound for bound in (usual.low, usual.high) if bound is not None]
    centre = math.sqrt(bounds[0] * bounds[1]) if len(bounds) == 2 else bounds[0]
    return abs(math.log10(canonical / centre))


def check_unit_fit(
    analyte_key: str, value: float, unit_text: str, *, value_text: str | None = None
) -> UnitMismatch | None:
    """A UnitMismatch when `value` in `unit_text` is far outside the usual adult male range and
    the same number in another accepted unit of the analyte lies inside it; else None.

    Raises InputError for an unknown analyte or a unit that does not belong to it (as
    `core.units.parse_unit` does). `value_text` is the number as typed, used in the message.
    """
    analyte = get_analyte(analyte_key)
    usual = usual_ranges().get(analyte.key)
    if usual is None or not math.isfinite(value) or value <= 0:
        return None
    chosen = parse_unit(analyte.key, unit_text)
    direction = _outside(usual, value * chosen.factor)
    if direction is None:
        return None
    candidates = [
        unit
        for unit in analyte.units
        if unit.factor != chosen.factor and _outside(usual, value * unit.factor) is None
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda unit: _distance(usual, value * unit.factor))
    shown = value_text if value_text is not None else f"{value:g}"
    return UnitMismatch(
        analyte=analyte.key,
        value_text=shown,
        unit=chosen.text,
        direction=direction,
        suggested_unit=best.text,
        suggested_canonical=value * best.factor,
    )


def check_typed_unit_fit(analyte_key: str, value_text: str, unit_text: str) -> UnitMismatch | None:
    """`check_unit_fit` for a value as typed ("14.1", "<5", "1,2"); None when it is no number."""
    try:
        comparator, number = parse_lab_value(value_text, "value")
        return check_unit_fit(
            analyte_key, number, unit_text, value_text=f"{comparator or ''}{number:g}"
        )
    except InputError:
        return None
