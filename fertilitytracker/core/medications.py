"""The medication list (docs/clinical.md §5): name lookup, classes and dose sanity checks."""

from __future__ import annotations

import math
import re
import zlib
from functools import cache, lru_cache
from typing import Any, NamedTuple

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.limits import MEDICATION_NAME_MAX, UNIT_MAX, check_text, text_problem
from fertilitytracker.core.resources import load_json

MEDICATION_CLASSES: tuple[str, ...] = (
    "aromatase_inhibitor",
    "serm",
    "gonadotropin",
    "gnrh",
    "testosterone",
    "other",
)
# docs/clinical.md §6: "Hormone medication" = any class except `other`.
HORMONE_CLASSES: frozenset[str] = frozenset(MEDICATION_CLASSES) - {"other"}
# docs/clinical.md §6: "fertility medication" = aromatase_inhibitor, serm, gonadotropin, gnrh.
FERTILITY_CLASSES: frozenset[str] = frozenset(
    {"aromatase_inhibitor", "serm", "gonadotropin", "gnrh"}
)

DOSE_UNITS: tuple[str, ...] = ("mg", "mcg", "IU", "mL")
# Mass units convert to each other; IU and mL never convert to mass.
_MG_PER_UNIT: dict[str, float] = {"mg": 1.0, "mcg": 0.001}

# Spellings people type, after casefolding and removing spaces, to the canonical unit.
_UNIT_SPELLINGS: dict[str, str] = {
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "mcg": "mcg",
    "ug": "mcg",
    "µg": "mcg",  # micro sign U+00B5
    "μg": "mcg",  # Greek small mu U+03BC
    "microgram": "mcg",
    "micrograms": "mcg",
    "iu": "IU",
    "[iu]": "IU",
    "i.u.": "IU",
    "ml": "mL",
}

# Classes whose accepted units are fixed when a medication is not in the list itself.
_CLASS_UNITS: dict[str, tuple[str, ...]] = {
    "aromatase_inhibitor": ("mg", "mcg"),
    "serm": ("mg", "mcg"),
    "gonadotropin": ("IU",),
    "gnrh": ("mcg", "mg"),
    "testosterone": ("mg", "mcg", "mL"),
}


class Medication(NamedTuple):
    """A medication as the journal knows it; `max_single_dose` is in `usual_unit`."""

    name: str
    med_class: str
    usual_unit: str | None
    aliases: tuple[str, ...] = ()
    max_single_dose: float | None = None
    # Units a dose of this medication may be given in; empty for class other (any unit).
    accepted_units: tuple[str, ...] = ()
    # Sanity bound for doses given as a volume (testosterone injections), in mL.
    max_single_volume_ml: float | None = None
    typical_doses_seen_in_studies: str | None = None
    chart_colour: str | None = None  # an Okabe-Ito colour name (resources/medications.json)
    # How many of `usual_unit` one unit of another accepted unit is, where a label states it
    # (Ovidrel: 250 mcg = 6,500 IU): only for the typing-error bound, never to convert a dose.
    label_equivalence: tuple[tuple[str, float], ...] = ()

    @property
    def is_known(self) -> bool:
        """True when the name is in the medication list (not a free-typed `other`)."""
        return self.med_class != "other"

    @property
    def is_hormone(self) -> bool:
        return self.med_class in HORMONE_CLASSES

    @property
    def is_fertility(self) -> bool:
        return self.med_class in FERTILITY_CLASSES


def _match_key(text: str) -> str:
    """The form names are compared in: case-folded, inner runs of spaces collapsed."""
    return " ".join(text.casefold().split())


def _medication_from_json(entry: dict[str, Any]) -> Medication:
    bound = entry.get("max_single_dose")
    volume_bound = entry.get("max_single_volume_ml")
    typical = entry.get("typical_doses_seen_in_studies")
    if bound is not None and bound["unit"] != entry["usual_unit"]:
        raise ValueError(f"medications.json: bound of {entry['name']} not in its usual unit")
    equivalence = entry.get("label_equivalence")
    if equivalence is not None and equivalence["equals_unit"] != entry["usual_unit"]:
        raise ValueError(f"medications.json: equivalence of {entry['name']} not in its usual unit")
    return Medication(
        name=entry["name"],
        med_class=entry["class"],
        usual_unit=entry["usual_unit"],
        aliases=tuple(entry.get("aliases", ())),
        max_single_dose=float(bound["value"]) if bound is not None else None,
        accepted_units=tuple(entry["accepted_units"]),
        max_single_volume_ml=float(volume_bound["value"]) if volume_bound is not None else None,
        typical_doses_seen_in_studies=typical["text"] if typical is not None else None,
        chart_colour=entry.get("chart_colour"),
        label_equivalence=(
            ((equivalence["unit"], float(equivalence["equals"]) / float(equivalence["value"])),)
            if equivalence is not None
            else ()
        ),
    )


@cache
def all_medications() -> tuple[Medication, ...]:
    """Every medication of the list, in the order of `resources/medications.json`."""
    return tuple(
        _medication_from_json(entry) for entry in load_json("medications.json")["medications"]
    )


@cache
def _by_match_key() -> dict[str, Medication]:
    index: dict[str, Medication] = {}
    for medication in all_medications():
        for spelling in (medication.name, *medication.aliases):
            key = _match_key(spelling)
            if key in index and index[key] is not medication:
                raise ValueError(f"medications.json: '{spelling}' names two medications")
            index[key] = medication
    return index


def chart_colour(name: str) -> str:
    """The Okabe-Ito colour name medication `name` is drawn in, the same in every journal.

    Listed medications have their own (resources/medications.json); any other name gets one
    of the same palette from a checksum of its folded name, so it is stable too.
    """
    palette: list[str] = load_json("medications.json")["chart_colours"]["palette"]
    medication = _by_match_key().get(_match_key(name))
    if medication is not None and medication.chart_colour is not None:
        return medication.chart_colour
    return palette[zlib.crc32(_match_key(name).encode("utf-8")) % len(palette)]


def class_label(med_class: str) -> str:
    """The display label of a medication class ("aromatase inhibitor", "SERM", ...)."""
    for entry in load_json("medications.json")["classes"]:
        if entry["key"] == med_class:
            return str(entry["label"])
    raise InputError("class", f"unknown medication class '{med_class}'")


def lookup_medication(name: str) -> Medication:
    """The listed medication called `name` (or one of its aliases), else an `other` one.

    Matching ignores letter case and surrounding or repeated spaces ("Clomiphene  Citrate" is
    clomiphene). An unknown name is allowed and kept exactly as typed (only surrounding spaces
    removed), with class `other`.
    """
    if not isinstance(name, str):
        raise InputError("name", "a medication name is required")
    return _lookup(name)


@lru_cache(maxsize=256)
def _lookup(name: str) -> Medication:
    # Cached: an import or a list of doses looks the same regimen name up once per dose, and
    # the name is normalised only the first time. Refusals (InputError) are not cached.
    stripped = name.strip()
    if not stripped:
        raise InputError("name", "a medication name is required")
    # Too long, control characters (line breaks, NUL) and lone surrogates are refused;
    # everything else (quotes, markup, emoji, RTL text) is kept exactly.
    problem = text_problem(stripped, MEDICATION_NAME_MAX)
    if problem is not None:
        raise InputError("name", f"a medication name {problem}" if "cannot" in problem else problem)
    known = _by_match_key().get(_match_key(stripped))
    if known is not None:
        return known
    return Medication(name=stripped, med_class="other", usual_unit=None)


def normalize_unit(unit_text: str) -> str | None:
    """The canonical dose unit (mg, mcg, IU, mL) for what was typed, or None if not one."""
    compact = re.sub(r"\s+", "", unit_text).casefold()
    return _UNIT_SPELLINGS.get(compact)


def _accepted_units(medication: Medication) -> tuple[str, ...]:
    if medication.accepted_units:
        return medication.accepted_units
    return _CLASS_UNITS.get(medication.med_class, ())


def _parse_dose_number(dose: str | float | int) -> float:
    if isinstance(dose, bool):
        raise InputError("dose", f"'{dose}' is not a number")
    if isinstance(dose, int | float):
        value = float(dose)
        shown = f"{dose}"
    elif isinstance(dose, str):
        shown = dose.strip()
        if not shown:
            raise InputError("dose", "a dose is required")
        # Only plain decimals: "1,5" could be 1.5 or 15, so it is refused rather than guessed.
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", shown):
            raise InputError(
                "dose", f"'{shown}' is not a number (use digits and a point, e.g. 0.5)"
            )
        value = float(shown)
    else:
        raise InputError("dose", "a dose is required")
    if not math.isfinite(value):
        raise InputError("dose", f"'{shown}' is not a finite number")
    if value <= 0:
        raise InputError("dose", f"the dose must be more than 0 (got {shown})")
    return value


def _format_amount(value: float) -> str:
    """A dose as people write it: 1000, 0.5, never 1e+03."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def validate_dose(
    medication: Medication, dose: str | float | int, unit_text: str | None
) -> tuple[float, str]:
    """The dose as a positive number and its canonical unit (mg, mcg, IU or mL).

    A blank unit means the medication's usual unit. A unit that does not fit the medication
    (IU for anastrozole) is refused unless the class is `other`, whose unit is kept as typed
    when it is not one of the known units. Doses above the sanity bound against typing errors
    are refused (InputError fields "dose" and "unit").
    """
    value = _parse_dose_number(dose)
    typed = (unit_text or "").strip()
    if not typed:
        if medication.usual_unit is None:
            raise InputError("unit", f"a unit is required for {medication.name}")
        unit = medication.usual_unit
    else:
        normalized = normalize_unit(typed)
        accepted = _accepted_units(medication)
        if medication.med_class == "other":
            check_text(typed, "unit", UNIT_MAX)
            unit = normalized if normalized is not None else typed
        elif normalized is None or normalized not in accepted:
            raise InputError(
                "unit",
                f"'{typed}' is not a unit for {medication.name} (accepted: {', '.join(accepted)})",
            )
        else:
            unit = normalized
    _check_sanity_bound(medication, value, unit)
    return value, unit


def same_dose(dose: float, unit: str, other_dose: float, other_unit: str) -> bool:
    """Whether two doses are the same amount: 0.5 mg is 500 mcg (docs/clinical.md §6).

    Only mass units convert (1 mg = 1000 mcg); IU and mL compare only with themselves, and a
    unit kept as typed only with the same text.
    """
    if unit == other_unit:
        return math.isclose(dose, other_dose, rel_tol=1e-9)
    if unit in _MG_PER_UNIT and other_unit in _MG_PER_UNIT:
        return math.isclose(
            dose * _MG_PER_UNIT[unit], other_dose * _MG_PER_UNIT[other_unit], rel_tol=1e-9
        )
    return False


def _check_sanity_bound(medication: Medication, value: float, unit: str) -> None:
    """Refuse a dose far beyond any plausible one: a typing error, not a clinical judgement."""
    if unit == "mL":
        bound, bound_unit, value_in_bound_unit = medication.max_single_volume_ml, "mL", value
    elif medication.max_single_dose is None or medication.usual_unit is None:
        return
    else:
        bound, bound_unit = medication.max_single_dose, medication.usual_unit
        if unit == bound_unit:
            value_in_bound_unit = value
        elif unit in _MG_PER_UNIT and bound_unit in _MG_PER_UNIT:
            value_in_bound_unit = value * _MG_PER_UNIT[unit] / _MG_PER_UNIT[bound_unit]
        elif unit in dict(medication.label_equivalence):
            # The bound said in the unit typed, so the message reads in the user's terms.
            factor = dict(medication.label_equivalence)[unit]
            bound, bound_unit, value_in_bound_unit = float(round(bound / factor)), unit, value
        else:
            return
    if bound is not None and value_in_bound_unit > bound:
        raise InputError(
            "dose",
            f"{_format_amount(value)} {unit} is far beyond any {medication.name} dose "
            f"(at most {_format_amount(bound)} {bound_unit}); check the number",
        )
