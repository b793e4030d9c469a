"""The analyte catalogue (resources/analytes.json) as immutable records, looked up by key or LOINC.

Named tuples: every start of the app and every command makes these classes, and Python makes a
named tuple's class several times faster than a frozen dataclass's.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal, NamedTuple

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.resources import load_json

Group = Literal["hormone", "semen", "lipid", "blood", "bone"]

CATALOGUE_FILE = "analytes.json"
SEMEN_GROUP: Group = "semen"


class Unit(NamedTuple):
    """An accepted unit of one analyte; `factor` multiplies a value in it to the canonical unit."""

    text: str
    ucum: str
    factor: float
    aliases: tuple[str, ...] = ()
    source: str = ""


class RefusedUnit(NamedTuple):
    """A unit people do type for an analyte but that cannot be converted safely."""

    text: str
    aliases: tuple[str, ...]
    reason: str


class Band(NamedTuple):
    """A labelled band of values (DEXA WHO bands); bounds in the canonical unit."""

    key: str
    label: str
    below: float | None = None  # values strictly below this
    at_or_below: float | None = None  # values at or below this


class Analyte(NamedTuple):
    """One measurable analyte with its units, codes, default target range and limits."""

    key: str
    name: str
    group: Group
    loinc: tuple[str, ...]
    canonical_unit: str
    canonical_ucum: str
    si_unit: str
    units: tuple[Unit, ...]
    default_low: float | None
    default_high: float | None
    range_source: str
    plausible_max: float | None
    who_2021_low: float | None = None
    who_2010_low: float | None = None
    who_source: str = ""
    phrase: str = ""  # the name inside a sentence ("total testosterone", "LH")
    plausible_min: float | None = None
    plausible_note: str = ""
    loinc_si: str | None = None  # the code for values reported in SI (molar) units
    site_loinc: tuple[tuple[str, str], ...] = ()  # (site, LOINC) for DEXA
    refused_units: tuple[RefusedUnit, ...] = ()
    empty_unit_allowed: bool = False  # only DEXA: an empty unit means SD
    derived: bool = False  # computed by the app, never entered (total sperm count)
    action_high: float | None = None  # hematocrit action level on testosterone
    action_source: str = ""
    bands: tuple[Band, ...] = ()
    plausible_min_hint: str = ""  # why a value under the sanity minimum is likely a slip
    floor: float | None = None  # estradiol: the over-suppression floor (docs/clinical.md §4)
    floor_source: str = ""

    @property
    def preferred_loinc(self) -> str | None:
        """The code to write when exporting a value in the canonical unit."""
        return self.loinc[0] if self.loinc else None

    @property
    def canonical(self) -> Unit:
        """The canonical unit as a Unit (factor 1)."""
        for unit in self.units:
            if unit.text == self.canonical_unit:
                return unit
        raise AssertionError(f"catalogue: {self.key} lacks its canonical unit")  # pragma: no cover

    @property
    def is_semen(self) -> bool:
        return self.group == SEMEN_GROUP


def _optional_float(raw: Any) -> float | None:
    return None if raw is None else float(raw)


def _analyte_from_json(raw: dict[str, Any], plausible_note: str) -> Analyte:
    units = tuple(
        Unit(
            text=u["text"],
            ucum=u["ucum"],
            factor=float(u["factor"]),
            aliases=tuple(u.get("aliases", ())),
            source=u.get("source", ""),
        )
        for u in raw["units"]
    )
    refused = tuple(
        RefusedUnit(text=r["text"], aliases=tuple(r.get("aliases", ())), reason=r["reason"])
        for r in raw.get("refused_units", ())
    )
    bands = tuple(
        Band(
            key=b["key"],
            label=b["label"],
            below=_optional_float(b.get("below")),
            at_or_below=_optional_float(b.get("at_or_below")),
        )
        for b in raw.get("bands", ())
    )
    return Analyte(
        key=raw["key"],
        name=raw["name"],
        group=raw["group"],
        loinc=tuple(raw["loinc"]),
        canonical_unit=raw["canonical_unit"],
        canonical_ucum=raw["canonical_ucum"],
        si_unit=raw["si_unit"],
        units=units,
        default_low=_optional_float(raw["default_low"]),
        default_high=_optional_float(raw["default_high"]),
        range_source=raw["range_source"],
        plausible_max=_optional_float(raw.get("plausible_max")),
        who_2021_low=_optional_float(raw.get("who_2021_low")),
        who_2010_low=_optional_float(raw.get("who_2010_low")),
        who_source=raw.get("who_source", ""),
        phrase=raw.get("phrase", raw["name"]),
        plausible_min=_optional_float(raw.get("plausible_min")),
        plausible_note=plausible_note,
        loinc_si=raw.get("loinc_si"),
        site_loinc=tuple(raw.get("site_loinc", {}).items()),
        refused_units=refused,
        empty_unit_allowed=bool(raw.get("empty_unit_allowed", False)),
        derived=bool(raw.get("derived", False)),
        action_high=_optional_float(raw.get("action_high")),
        action_source=raw.get("action_source", ""),
        bands=bands,
        plausible_min_hint=raw.get("plausible_min_hint", ""),
        floor=_optional_float(raw.get("floor")),
        floor_source=raw.get("floor_source", ""),
    )


@cache
def all_analytes() -> tuple[Analyte, ...]:
    """Every analyte, in catalogue order."""
    data = load_json(CATALOGUE_FILE)
    return tuple(_analyte_from_json(raw, data["plausible_note"]) for raw in data["analytes"])


@cache
def _by_key() -> dict[str, Analyte]:
    return {analyte.key: analyte for analyte in all_analytes()}


@cache
def _by_loinc() -> dict[str, Analyte]:
    index: dict[str, Analyte] = {}
    for analyte in all_analytes():
        for code in analyte.loinc:
            index[code] = analyte
    return index


def analyte_for_loinc(code: str) -> Analyte | None:
    """The analyte a LOINC code belongs to, or None when the catalogue does not know it."""
    return _by_loinc().get(code.strip())


def get_analyte(key_or_loinc: str) -> Analyte:
    """The analyte for a key (any case, spaces around ok) or any of its LOINC codes."""
    if isinstance(key_or_loinc, str):
        exact = _by_key().get(key_or_loinc)  # the common case: a stored key, asked per result
        if exact is not None:
            return exact
    text = key_or_loinc.strip() if isinstance(key_or_loinc, str) else ""
    analyte = _by_key().get(text.lower()) or analyte_for_loinc(text)
    if analyte is None:
        raise InputError("analyte", f"unknown analyte '{text}'")
    return analyte


def analyte_keys() -> tuple[str, ...]:
    """The keys of every analyte, in catalogue order."""
    return tuple(analyte.key for analyte in all_analytes())


def analytes_in_group(group: Group) -> tuple[Analyte, ...]:
    """The analytes of one group ("hormone", "semen", ...), in catalogue order."""
    return tuple(analyte for analyte in all_analytes() if analyte.group == group)


def who_edition_sources() -> dict[str, str]:
    """The source text of each WHO semen-manual edition, keyed by edition ("2021", "2010")."""
    return dict(load_json(CATALOGUE_FILE)["who_editions"])
