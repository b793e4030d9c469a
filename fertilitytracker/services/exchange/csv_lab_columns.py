"""Lab CSVs from other tools: header names, analyte look-up, printed dates and ranges, cells."""

from __future__ import annotations

import re
from datetime import date, time
from functools import cache, lru_cache

from fertilitytracker.core.analytes import Analyte, all_analytes, analyte_for_loinc
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.validation import parse_date, parse_time
from fertilitytracker.services.exchange.builders import located
from fertilitytracker.services.exchange.csv_export import MISSING_CELLS

# --- cells -----------------------------------------------------------------------------------


def _is_missing(cell: str | None) -> bool:
    return cell is None or cell.strip().casefold() in MISSING_CELLS


def _number_text(cell: str, decimal_comma: bool) -> str:
    """A number cell with a decimal comma turned into a point (only with `;` separators)."""
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if decimal_comma and "," in text and "." not in text and text.count(",") == 1:
        return text.replace(",", ".")
    return text


FOREIGN_HEADERS: dict[str, tuple[str, ...]] = {
    "date": (
        "date",
        "collected",
        "collection date",
        "collected date",
        "date collected",
        "collection datetime",
        "collection date time",
        "date time",
        "datetime",
        "specimen date",
        "sample date",
        "draw date",
        "observation date",
        "effective date",
    ),
    "time": ("time", "collection time", "collected time", "draw time"),
    "analyte": (
        "analyte",
        "test",
        "test name",
        "name",
        "component",
        "parameter",
        "analyte name",
        "observation",
    ),
    "loinc": ("loinc", "loinc code", "code"),
    "value": ("value", "result", "result value", "numeric value", "value numeric"),
    "unit": ("unit", "units", "uom", "unit of measure", "result unit", "result units"),
    "comparator": ("comparator", "operator"),
    "range": (
        "reference range",
        "ref range",
        "range",
        "normal range",
        "reference interval",
        "reference",
    ),
    "low": (
        "low",
        "ref low",
        "reference low",
        "range low",
        "lower limit",
        "reference range low",
        "normal low",
    ),
    "high": (
        "high",
        "ref high",
        "reference high",
        "range high",
        "upper limit",
        "reference range high",
        "normal high",
    ),
    "method": ("method", "assay"),
}
_HEADER_INDEX = {name: role for role, names in FOREIGN_HEADERS.items() for name in names}
_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
_RANGE_BOTH = re.compile(rf"^\s*({_NUMBER})\s*(?:-|–|—|to)\s*({_NUMBER})\s*$")
_RANGE_BELOW = re.compile(rf"^\s*(?:<=?|≤)\s*({_NUMBER})\s*$")
_RANGE_ABOVE = re.compile(rf"^\s*(?:>=?|≥)\s*({_NUMBER})\s*$")
_ISO_MOMENT = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}:\d{2})(?::\d{2})?)?$")


@lru_cache(maxsize=4096)
def _header_key(name: str) -> str:
    folded = name.strip().lstrip("\ufeff").casefold()
    folded = re.sub(r"[_\-/]+", " ", folded)
    return re.sub(r"\s+", " ", folded).strip(" :")


@cache
def _analytes_by_name() -> dict[str, Analyte]:
    """Catalogue analytes by key, name and phrase, case-folded ("Total testosterone", "LH")."""
    index: dict[str, Analyte] = {}
    for analyte in all_analytes():
        for spelling in (analyte.key, analyte.key.replace("_", " "), analyte.name, analyte.phrase):
            index.setdefault(_header_key(spelling), analyte)
    return index


@lru_cache(maxsize=4096)
def _find_analyte(name: str | None, loinc: str | None) -> Analyte | None:
    """The analyte a row names by LOINC or by catalogue name/key; None when unknown.

    Cached: a big file names the same few analytes on every row.
    """
    if loinc and not _is_missing(loinc):
        found = analyte_for_loinc(loinc)
        if found is not None:
            return found
    if name and not _is_missing(name):
        found = analyte_for_loinc(name) or _analytes_by_name().get(_header_key(name))
        if found is not None:
            return found
    return None


def _foreign_moment(text: str, time_text: str | None, where: str) -> tuple[date, time | None]:
    """A collection date (and time) as lab tools write it: ISO, or day.month.year."""
    try:
        return _known_moment(text, time_text)
    except InputError:
        return _read_moment(text, time_text, where)  # again, to name the line


@lru_cache(maxsize=4096)
def _known_moment(text: str, time_text: str | None) -> tuple[date, time | None]:
    """A moment read once: a lab file gives the same collection date on every row of a draw."""
    return _read_moment(text, time_text, "")


def _read_moment(text: str, time_text: str | None, where: str) -> tuple[date, time | None]:
    stripped = text.strip()
    iso = _ISO_MOMENT.match(stripped)
    dotted = _DOTTED_DATE.match(stripped)
    with located(where):
        if iso:
            day = parse_date(iso.group(1), "date")
            clock_text = iso.group(2)
        elif dotted:
            d, m, y, clock_text = dotted.groups()
            day = parse_date(f"{y}-{int(m):02d}-{int(d):02d}", "date")
        else:
            raise InputError("date", f"'{stripped}' is not a date: use YYYY-MM-DD (or DD.MM.YYYY)")
        if time_text and not _is_missing(time_text):
            clock_text = time_text.strip()[:5]
        moment = parse_time(clock_text, "time") if clock_text else None
    return day, moment


def _foreign_range(
    cell: str | None, decimal_comma: bool, where: str, notices: list[str]
) -> tuple[str | None, str | None]:
    """(low, high) texts from a printed range "10-40", "<40", ">10"; 0–0 means no range."""
    if _is_missing(cell):
        return None, None
    assert cell is not None
    for pattern, sides in ((_RANGE_BOTH, "both"), (_RANGE_BELOW, "high"), (_RANGE_ABOVE, "low")):
        match = pattern.match(cell)
        if match is None:
            continue
        numbers = [_number_text(group, decimal_comma) for group in match.groups()]
        if sides == "both":
            return numbers[0], numbers[1]
        return (None, numbers[0]) if sides == "high" else (numbers[0], None)
    notices.append(f"{where}: reference range '{cell.strip()}' not understood; ignored")
    return None, None


def _is_zero(text: str) -> bool:
    try:
        return float(text) == 0
    except ValueError:
        return False
