"""Lab report text: one printed result line read exactly (value, comparator, unit, flag, range)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import Comparator
from fertilitytracker.core.units import normalise_unit_text, parse_unit
from fertilitytracker.services.exchange.lab_text_model import ReadResult
from fertilitytracker.services.exchange.lab_text_tables import (
    _NUMBER_TEXT,
    DecimalStyle,
    _Alias,
    _alias_pattern,
    _aliases,
    _annotation_words,
    _flag_words,
    _fold,
    _known_units,
    _label_pattern,
    _methods,
    _number,
    _Unreadable,
)

_COMPARATOR_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<\s*or\s*=|=\s*<|≤|<\s*=", re.IGNORECASE), " <="),
    (re.compile(r">\s*or\s*=|=\s*>|≥|>\s*=", re.IGNORECASE), " >="),
)
_TOKEN = re.compile(
    rf"""
    (?P<range>(?<![\w.,])(?P<low>{_NUMBER_TEXT})\s*(?:-|–|—|to|bis|\.\.\.?)\s*(?P<high>{_NUMBER_TEXT})(?![\w.,]))
    | (?P<cmp>(?P<op><=|>=|<|>)\s*(?P<bound>{_NUMBER_TEXT})(?![\w.,]))
    | (?P<number>(?<![\w.,]){_NUMBER_TEXT}(?P<star>\*)?(?![\w.,]))
    | (?P<label>\x01(?:male|other)\x01)
    | (?P<word>\S+)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_FOOTNOTE = re.compile(r"0\d")
_LAB_CODE = re.compile(r"[A-Z]{2}")
_UNIT_SHAPE = re.compile(r"(?:[a-zA-Zµμ%]|10|x10)[\w%µμ*^/\[\].{}]*")
_COMPARATORS: dict[str, Comparator] = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _looks_like_unit(word: str) -> bool:
    key = normalise_unit_text(word)
    if key in _known_units():
        return True
    return word == "%" or ("/" in word and bool(_UNIT_SHAPE.fullmatch(word)))


def _prepare(rest: str) -> str:
    text = rest.replace("\t", "  ").replace("\u00a0", " ")
    for pattern, replacement in _COMPARATOR_SPELLINGS:
        text = pattern.sub(replacement, text)
    text = _label_pattern("male").sub(" \x01male\x01 ", text)
    text = _label_pattern("other").sub(" \x01other\x01 ", text)
    # Brackets and leaders around values and ranges carry nothing: "(8.6 - 29.0)", ": 245".
    text = re.sub(r"[()\[\]|;]", " ", text)
    return re.sub(r"(?<![\w<>=])[:=](?![\w])", " ", text)


@dataclass
class _Line:
    value: tuple[Comparator | None, str] | None = None
    units: list[str] = field(default_factory=list)
    ranges: list[tuple[str | None, str | None]] = field(default_factory=list)
    male_ranges: list[tuple[str | None, str | None]] = field(default_factory=list)
    flag: str | None = None
    method: str | None = None


def _read_rest(rest: str) -> _Line:
    """The value, unit, flag and range in what follows an analyte's name."""
    tokens = list(_TOKEN.finditer(_prepare(rest)))
    found = _Line()
    label: str | None = None
    for position, token in enumerate(tokens):
        if token.group("range"):
            pair = (token.group("low"), token.group("high"))
            _add_range(found, label, pair)
            label = None
        elif token.group("cmp"):
            op = token.group("op")
            bound = token.group("bound")
            if found.value is None and label is None:
                found.value = (_COMPARATORS[op], bound)
            else:
                pair = (bound, None) if op.startswith(">") else (None, bound)
                _add_range(found, label, pair)
                label = None
        elif token.group("number"):
            digits = token.group("number").rstrip("*")
            if token.group("star"):
                found.flag = found.flag or "*"
            later = tokens[position + 1 :]
            following = any(t.group("number") or t.group("cmp") for t in later)
            if _FOOTNOTE.fullmatch(digits) and (
                (found.value is None and position == 0 and following)
                or (found.value is not None and not later)
            ):
                continue  # a lab's footnote code after the name or in the last column ("01")
            if found.value is not None:
                raise _Unreadable(f"two values ({found.value[1]} and {digits})")
            if label is not None:
                raise _Unreadable(f"'{digits}' follows a range label")
            found.value = (None, digits)
        elif token.group("label"):
            label = token.group("label").strip("\x01")
        else:
            _read_word(found, token.group("word"), last=position == len(tokens) - 1)
    if found.value is None:
        raise _Unreadable("no value")
    return found


def _add_range(found: _Line, label: str | None, pair: tuple[str | None, str | None]) -> None:
    if label == "male":
        found.male_ranges.append(pair)
    elif label is None:
        found.ranges.append(pair)


def _read_word(found: _Line, printed: str, *, last: bool) -> None:
    word = printed.strip(",;")
    folded = word.casefold()
    if not folded:
        return
    if word in _flag_words() or word.capitalize() in _flag_words() or folded in _flag_words():
        if found.value is None and word in ("-", "--"):
            raise _Unreadable("no value")
        found.flag = word
        return
    if folded in _methods():
        found.method = _methods()[folded]
        return
    if folded in _annotation_words() or f"({folded})" in _annotation_words():
        return
    if _looks_like_unit(word):
        found.units.append(word)
        return
    if last and _LAB_CODE.fullmatch(word):
        return  # the performing lab's code in the last column (Quest "EN")
    raise _Unreadable(f"'{word}' is not understood")


def _one_range(found: _Line) -> tuple[str | None, str | None]:
    ranges = found.male_ranges or found.ranges
    if len(ranges) > 1:
        raise _Unreadable("more than one reference range")
    return ranges[0] if ranges else (None, None)


def _one_unit(found: _Line) -> str:
    keys = {normalise_unit_text(unit) for unit in found.units}
    if len(keys) > 1:
        raise _Unreadable(f"more than one unit ({', '.join(found.units)})")
    return found.units[0] if found.units else ""


def _unit_problem(analyte: str, unit: str) -> str | None:
    if not unit:
        return f"no unit printed for {get_analyte(analyte).phrase}"
    try:
        parse_unit(analyte, unit)
    except InputError as error:
        return error.reason
    return None


def read_result_line(
    line: str, line_number: int, style: DecimalStyle = "point"
) -> ReadResult | None:
    """The result a line prints, None when it names no analyte at its start.

    Raises `_Unreadable` (internal) when it names one but cannot be read exactly.
    """
    stripped = line.strip().lstrip("•*-· ").strip()
    match = _alias_pattern().match(stripped)
    if match is None:
        return None
    alias = _alias_for(match.group(0))
    found = _read_rest(stripped[match.end() :])
    assert found.value is not None
    comparator, digits = found.value
    low_text, high_text = _one_range(found)
    unit = _one_unit(found)
    return ReadResult(
        line_number=line_number,
        line=line.strip(),
        analyte=alias.analyte,
        value=_number(digits, style),
        comparator=comparator,
        unit=unit,
        lab_low=None if low_text is None else _number(low_text, style),
        lab_high=None if high_text is None else _number(high_text, style),
        flag=found.flag,
        method=found.method or alias.method,
        problem=_unit_problem(alias.analyte, unit),
    )


def _alias_for(printed: str) -> _Alias:
    folded = _fold(printed)
    for alias in _aliases():
        if alias.text == folded:
            return alias
    raise AssertionError(f"no alias for {printed!r}")  # pragma: no cover
