"""The printed-lab-text tables (names, flags, units, labels, months) and printed numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.resources import load_json
from fertilitytracker.core.units import normalise_unit_text

RESOURCE = "lab_text.json"


# --- the resource tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Alias:
    text: str
    analyte: str
    method: str | None


@cache
def _table() -> dict[str, Any]:
    data: dict[str, Any] = load_json(RESOURCE)
    return data


@cache
def _aliases() -> tuple[_Alias, ...]:
    aliases = [
        _Alias(_fold(entry["text"]), get_analyte(key).key, entry.get("method"))
        for key, entries in _table()["analytes"].items()
        for entry in entries
    ]
    # The longest printed name wins ("Testosterone, Free" before "Testosterone").
    return tuple(sorted(aliases, key=lambda alias: -len(alias.text)))


@cache
def _alias_pattern() -> re.Pattern[str]:
    names = "|".join(re.escape(alias.text).replace(r"\ ", r"\s+") for alias in _aliases())
    return re.compile(rf"(?<![\w])(?:{names})(?![\w])", re.IGNORECASE)


@cache
def _flag_words() -> frozenset[str]:
    return frozenset(_table()["flags"]["words"])


@cache
def _annotation_words() -> frozenset[str]:
    return frozenset(word.casefold() for word in _table()["annotations"]["words"])


@cache
def _methods() -> dict[str, str]:
    return {key.casefold(): value for key, value in _table()["methods"]["words"].items()}


@cache
def _known_units() -> frozenset[str]:
    spellings = set()
    # Only the units of analytes a lab text can hold: a bare "M" (million, for sperm counts)
    # would otherwise turn "GENDER: M" into a unit.
    for analyte in (get_analyte(key) for key in _table()["analytes"]):
        for unit in analyte.units:
            for spelling in (unit.text, unit.ucum, *unit.aliases):
                spellings.add(normalise_unit_text(spelling))
        for refused in analyte.refused_units:
            for spelling in (refused.text, *refused.aliases):
                spellings.add(normalise_unit_text(spelling))
    spellings.discard("")
    return frozenset(spellings)


@cache
def _label_pattern(group: str) -> re.Pattern[str]:
    words = sorted(_table()["range_labels"][group], key=len, reverse=True)
    names = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)
    return re.compile(rf"(?<![\w])(?:{names})\s*:", re.IGNORECASE)


@cache
def _collection_pattern() -> re.Pattern[str]:
    words = sorted(_table()["collection_labels"]["words"], key=len, reverse=True)
    names = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)
    return re.compile(rf"(?<![\w])(?:{names})(?![\w])\s*[:.]?", re.IGNORECASE)


@cache
def _fasting_pattern() -> re.Pattern[str]:
    table = _table()["fasting_labels"]
    labels = "|".join(re.escape(word) for word in sorted(table["labels"], key=len, reverse=True))
    answers = "|".join(
        re.escape(word) for word in sorted(table["yes"] + table["no"], key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w])(?:{labels})\s*:\s*(?P<answer>{answers})(?![\w])", re.IGNORECASE)


@cache
def _months() -> dict[str, int]:
    return {name.casefold(): int(number) for name, number in _table()["months"]["names"].items()}


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).casefold()


# --- numbers ---------------------------------------------------------------------------------

_NUMBER_TEXT = r"\d+(?:[.,]\d+)*"
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d+,(?:\d{1,2}|\d{4,})(?![\d.,])")
_DECIMAL_POINT = re.compile(r"(?<![\d.,:])\d+\.\d+(?![\d.,:])")
_DOTTED_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")

DecimalStyle = Literal["point", "comma", "unknown"]


def decimal_style(text: str) -> DecimalStyle:
    """Whether the text writes decimals with a point or a comma (dates left aside)."""
    bare = _DOTTED_DATE.sub(" ", text)
    commas = bool(_DECIMAL_COMMA.search(bare))
    points = bool(_DECIMAL_POINT.search(bare))
    if commas and not points:
        return "comma"
    if points and not commas:
        return "point"
    return "unknown"


class _Unreadable(Exception):
    """This line cannot be read exactly; the message says why."""


def _number(text: str, style: DecimalStyle) -> float:
    """A printed number: "4,12" is 4.12; "1,050" depends on the report's decimal style."""
    if "," in text and "." in text:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+", text):
            return float(text.replace(".", "").replace(",", "."))
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", text):
            return float(text.replace(",", ""))
        raise _Unreadable(f"'{text}' is not a number")
    if "," in text:
        if text.count(",") > 1:
            if style == "point" and re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
                return float(text.replace(",", ""))
            raise _Unreadable(f"'{text}' is not a number")
        whole, fraction = text.split(",")
        if len(fraction) == 3 and style != "comma":
            if style == "point":
                return float(whole + fraction)
            raise _Unreadable(f"'{text}' could be {whole}{fraction} or {whole}.{fraction}")
        return float(f"{whole}.{fraction}")
    if text.count(".") > 1:
        raise _Unreadable(f"'{text}' is not a number")
    return float(text)
