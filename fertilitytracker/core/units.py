"""Units as people type them: matching to an analyte's accepted units and exact conversion."""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache

from fertilitytracker.core.analytes import Analyte, Unit, get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import UnitSystem

UNIT_SYSTEMS: tuple[UnitSystem, ...] = ("us", "si")

_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT_RUN = re.compile(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_MULTIPLY_PREFIX = re.compile(r"^[xX×*]\s*(?=[0-9])")


# An import asks the same few spellings once per row: the pure look-ups below are cached.
@lru_cache(maxsize=1024)
def normalise_unit_text(text: str) -> str:
    """A matching key for a typed unit: letter case, spaces and spelling variants folded.

    Folds: case; spaces; µ/μ/mcg → u; ^ → * (and superscript powers of ten: 10⁶ → 10*6);
    a leading multiplication sign before a number (x10^6/mL); UCUM brackets ([IU], {SD}).
    """
    folded = text.strip()
    folded = _SUPERSCRIPT_RUN.sub(
        lambda m: "10*" + m.group(1).translate(_SUPERSCRIPT_DIGITS), folded
    )
    folded = _MULTIPLY_PREFIX.sub("", folded)
    folded = re.sub(r"\s+", "", folded).lower()
    folded = folded.replace("µ", "u").replace("μ", "u").replace("mcg", "ug")
    folded = folded.replace("^", "*")
    return folded.replace("[", "").replace("]", "").replace("{", "").replace("}", "")


@cache
def _unit_index(analyte_key: str) -> dict[str, Unit]:
    analyte = get_analyte(analyte_key)
    index: dict[str, Unit] = {}
    for unit in analyte.units:
        for spelling in (unit.text, unit.ucum, *unit.aliases):
            index[normalise_unit_text(spelling)] = unit
    return index


@cache
def _refused_index(analyte_key: str) -> dict[str, str]:
    analyte = get_analyte(analyte_key)
    index: dict[str, str] = {}
    for refused in analyte.refused_units:
        for spelling in (refused.text, *refused.aliases):
            index[normalise_unit_text(spelling)] = refused.reason
    return index


def accepted_units_text(analyte: Analyte) -> str:
    """The accepted units of an analyte as a comma-separated list for messages."""
    return ", ".join(unit.text for unit in analyte.units)


def parse_unit(analyte_key: str, unit_text: str) -> Unit:
    """The accepted unit of `analyte_key` that `unit_text` names (tolerant of typing variants).

    Raises InputError("unit", ...) for an empty unit (except the unitless DEXA T-score, where
    empty means SD), a unit that belongs to another analyte, or a refused unit such as prolactin
    in mIU/L.
    """
    text = unit_text.strip() if isinstance(unit_text, str) else ""
    return _parse_unit(analyte_key, text)


@lru_cache(maxsize=1024)
def _parse_unit(analyte_key: str, text: str) -> Unit:
    """`parse_unit` of a stripped text (a refusal raises and is not cached)."""
    analyte = get_analyte(analyte_key)
    if not text:
        if analyte.empty_unit_allowed:
            return analyte.canonical
        raise InputError("unit", f"a unit is required for {analyte.phrase}")
    key = normalise_unit_text(text)
    unit = _unit_index(analyte.key).get(key)
    if unit is not None:
        return unit
    refusal = _refused_index(analyte.key).get(key)
    if refusal is not None:
        raise InputError("unit", refusal)
    raise InputError(
        "unit",
        f"'{text}' is not a unit for {analyte.phrase} (accepted: {accepted_units_text(analyte)})",
    )


def is_accepted_unit(analyte_key: str, unit_text: str) -> bool:
    """Whether `unit_text` names an accepted unit of the analyte."""
    try:
        parse_unit(analyte_key, unit_text)
    except InputError:
        return False
    return True


def to_canonical(analyte_key: str, value: float, unit_text: str) -> float:
    """`value` in `unit_text` expressed in the analyte's canonical unit (full precision)."""
    unit = parse_unit(analyte_key, unit_text)
    # A factor of exactly 1 returns the very same number, so canonical values typed in the
    # canonical unit never pick up floating-point noise.
    return value if unit.factor == 1 else value * unit.factor


def from_canonical(analyte_key: str, value: float, unit_text: str) -> float:
    """A canonical value of the analyte expressed in `unit_text` (full precision)."""
    unit = parse_unit(analyte_key, unit_text)
    return value if unit.factor == 1 else value / unit.factor


def _check_system(system: str) -> UnitSystem:
    if system == "us":
        return "us"
    if system == "si":
        return "si"
    raise InputError("units", f"unknown unit system '{system}' (use us or si)")


@cache  # the catalogue is fixed: every view of every result asks this
def unit_for_system(analyte_key: str, system: UnitSystem | str) -> Unit:
    """The unit an analyte is shown in: the canonical one for "us", `si_unit` for "si"."""
    analyte = get_analyte(analyte_key)
    wanted = analyte.canonical_unit if _check_system(system) == "us" else analyte.si_unit
    return parse_unit(analyte.key, wanted)


def convert_for_display(
    analyte_key: str, canonical_value: float, system: UnitSystem | str
) -> tuple[float, str]:
    """A canonical value converted to the unit system's unit: (value unrounded, unit text)."""
    unit = unit_for_system(analyte_key, system)
    value = canonical_value if unit.factor == 1 else canonical_value / unit.factor
    return value, unit.text


def _format_number(value: float) -> str:
    return f"{value:.6g}"


def check_plausible(analyte_key: str, canonical_value: float, *, field: str = "value") -> None:
    """Refuse a canonical value beyond the analyte's sanity bounds (a typing or unit error).

    The bounds are not clinical ranges; they only catch numbers no measurement can produce.
    """
    analyte = get_analyte(analyte_key)
    if not math.isfinite(canonical_value):
        raise InputError(field, f"{canonical_value} is not a finite number")
    unit = analyte.canonical_unit
    if analyte.plausible_max is not None and canonical_value > analyte.plausible_max:
        raise InputError(
            field,
            f"{_format_number(canonical_value)} {unit} is beyond any plausible {analyte.phrase} "
            f"(at most {_format_number(analyte.plausible_max)} {unit}); check the number and "
            "the unit",
        )
    if analyte.plausible_min is not None and canonical_value < analyte.plausible_min:
        raise InputError(
            field,
            f"{_format_number(canonical_value)} {unit} is below any plausible {analyte.phrase} "
            f"(at least {_format_number(analyte.plausible_min)} {unit}); check the number"
            + (f" ({analyte.plausible_min_hint})" if analyte.plausible_min_hint else ""),
        )
