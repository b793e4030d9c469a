"""Reading lab results from text as labs print it (a portal page, an e-mail, a PDF's text).

Pure: text in, proposed draws out; nothing is read from disk and nothing is written (but by
`record_confirmed`, which writes the draws a person confirmed, through the `lab` rules). Each
line is read on its own: an analyte's printed name (resources/lab_text.json) at the start, then
the value with its comparator, the unit (before or after it), the lab's flag and its printed
reference range. A line that mentions an analyte or a unit but cannot be read exactly is listed
as "not read", never guessed. Proposed results go through the same builder as the `lab`
command (`services.operations.build_result`) before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from functools import cache
from typing import Literal

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import Comparator, LabResult
from fertilitytracker.core.units import normalise_unit_text, parse_unit
from fertilitytracker.core.validation import MAX_YEAR, MIN_YEAR
from fertilitytracker.services.exchange.lab_text_tables import (
    _NUMBER_TEXT,
    DecimalStyle,
    _Alias,
    _alias_pattern,
    _aliases,
    _annotation_words,
    _collection_pattern,
    _fasting_pattern,
    _flag_words,
    _fold,
    _known_units,
    _label_pattern,
    _methods,
    _months,
    _number,
    _table,
    _Unreadable,
    decimal_style,
)
from fertilitytracker.services.exchange.plan import LabItem, ParsedImport, Skipped
from fertilitytracker.services.operations import Change, ResultInput, build_result, record_draw
from fertilitytracker.storage.journal import Journal

DateOrder = Literal["mdy", "dmy"]
DATE_ORDERS: tuple[DateOrder, ...] = ("mdy", "dmy")

# A lab report is a few pages; a million characters is far beyond any (and keeps the reading
# of a pasted log file or a 10 MB blob quick and refused with a reason).
MAX_TEXT_CHARS = 1_000_000
# No printed result line is this long; longer lines are listed as not read, unparsed.
MAX_LINE_CHARS = 400
# Text holding more control characters than this share is binary data, not a report.
MAX_CONTROL_SHARE = 0.01
SHOWN_LINE_CHARS = 120
# A panel has tens of results; thousands of result lines are a log or a dump, not a report.
MAX_RESULTS = 500


@dataclass(frozen=True)
class ReadResult:
    """One result as printed: what the line says, before any validation."""

    line_number: int
    line: str
    analyte: str
    value: float
    comparator: Comparator | None
    unit: str  # as printed ("" when none was printed)
    lab_low: float | None = None  # the lab's range, in the printed unit
    lab_high: float | None = None
    flag: str | None = None  # the lab's own mark beside the value (L, H, *), as printed
    method: str | None = None
    problem: str | None = None  # why it cannot be stored as printed (a unit of another analyte)

    def entry(self) -> ResultInput:
        """The result as the recording services take it (the `lab` command's builder)."""
        comparator = self.comparator or ""
        return ResultInput(
            analyte=self.analyte,
            value=f"{comparator}{self.value!r}",
            unit=self.unit,
            lab_low=self.lab_low,
            lab_high=self.lab_high,
            method=self.method,
        )


@dataclass(frozen=True)
class NotRead:
    """A line that looks like a result but could not be read exactly."""

    line_number: int
    line: str
    reason: str


@dataclass(frozen=True)
class ProposedDraw:
    """The results printed under one collection date (date None when none was printed)."""

    date: date | None
    time: time | None
    results: tuple[ReadResult, ...]
    not_read: tuple[NotRead, ...] = ()
    fasting: bool | None = None
    date_text: str | None = None  # the collection date as printed
    date_problem: str | None = None  # why `date` is None although a date was printed


@dataclass(frozen=True)
class LabText:
    """Everything read from one text."""

    draws: tuple[ProposedDraw, ...]

    @property
    def results(self) -> tuple[ReadResult, ...]:
        return tuple(result for draw in self.draws for result in draw.results)

    @property
    def not_read(self) -> tuple[NotRead, ...]:
        return tuple(line for draw in self.draws for line in draw.not_read)

    @property
    def needs_date_order(self) -> bool:
        """A printed date such as 03/04/2026 cannot be read without knowing the date order."""
        return any(
            draw.date is None and _SLASHED_DATE.fullmatch(draw.date_text or "")
            for draw in self.draws
        )


# --- one result line -------------------------------------------------------------------------

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


# --- dates -----------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_SLASHED_DATE = re.compile(r"(?<![\d/])(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\.?[\s\-/]*([A-Za-zÄÖÜäöü]{3,9})\.?[\s\-/,]*(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"(?<![\w])([A-Za-zÄÖÜäöü]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})")
_CLOCK = re.compile(
    r"(?<![\d:.])(\d{1,2}):(\d{2})(?::\d{2})?\s*(am|pm|a\.m\.|p\.m\.)?(?![\w])", re.IGNORECASE
)


@dataclass(frozen=True)
class _FoundDate:
    text: str
    day: date | None
    problem: str | None
    end: int


def _make_date(year: int, month: int, day: int, text: str) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Unreadable(f"the year of '{text}' is out of range")
    try:
        return date(year, month, day)
    except ValueError:
        raise _Unreadable(f"'{text}' is not a date") from None


def _find_date(text: str, order: DateOrder | None) -> _FoundDate | None:
    """The first date in `text`, read strictly; slashed dates need the date order."""
    candidates: list[tuple[int, re.Match[str], str]] = []
    for kind, pattern in (
        ("iso", _ISO_DATE),
        ("dotted", _DOTTED),
        ("slashed", _SLASHED_DATE),
        ("dmy_name", _DAY_MONTH_YEAR),
        ("mdy_name", _MONTH_DAY_YEAR),
    ):
        match = pattern.search(text)
        if match is not None:
            if kind.endswith("_name"):
                month_word = match.group(2 if kind == "dmy_name" else 1).casefold()
                if month_word not in _months():
                    continue
            candidates.append((match.start(), match, kind))
    if not candidates:
        return None
    _, match, kind = min(candidates, key=lambda item: item[0])
    printed = match.group(0).strip()
    try:
        if kind == "iso":
            day = _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), printed)
        elif kind == "dotted":
            day = _make_date(int(match.group(3)), int(match.group(2)), int(match.group(1)), printed)
        elif kind == "dmy_name":
            month = _months()[match.group(2).casefold()]
            day = _make_date(int(match.group(3)), month, int(match.group(1)), printed)
        elif kind == "mdy_name":
            month = _months()[match.group(1).casefold()]
            day = _make_date(int(match.group(3)), month, int(match.group(2)), printed)
        else:
            first, second, year = (int(part) for part in match.groups())
            if order is None:
                return _FoundDate(
                    printed,
                    None,
                    f"'{printed}' could be month/day or day/month: choose the date order",
                    match.end(),
                )
            month, day_of_month = (first, second) if order == "mdy" else (second, first)
            day = _make_date(year, month, day_of_month, printed)
    except _Unreadable as error:
        return _FoundDate(printed, None, str(error), match.end())
    return _FoundDate(printed, day, None, match.end())


@cache
def _other_label_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(word) for word in _table()["collection_labels"]["other_dates"])
    return re.compile(rf"(?<![\w])(?:{words})(?![\w])", re.IGNORECASE)


def _until_other_label(text: str) -> str:
    """The text up to another date's label ("Received", "Reported") or another date."""
    ends = [len(text)]
    for pattern in (_other_label_pattern(), _ISO_DATE, _DOTTED, _SLASHED_DATE):
        match = pattern.search(text)
        if match is not None:
            ends.append(match.start())
    return text[: min(ends)]


def _find_time(text: str) -> time | None:
    match = _CLOCK.search(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    marker = (match.group(3) or "").replace(".", "").casefold()
    if marker:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# --- the whole text --------------------------------------------------------------------------


def check_text(text: str) -> str:
    """Refuse text that cannot be a lab report (too long, binary); returns it with \\n lines."""
    if not isinstance(text, str):
        raise InputError("text", "lab results must be given as text")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            "text",
            f"the text is {len(text) / 1_000_000:.1f} million characters, too long to be a lab"
            f" report (at most {MAX_TEXT_CHARS // 1_000_000} million); nothing was read",
        )
    if "\x00" in text:
        raise InputError("text", "this is binary data, not text; nothing was read")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise InputError("text", "this is binary data, not text; nothing was read")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


@dataclass
class _Draft:
    date: date | None = None
    time: time | None = None
    fasting: bool | None = None
    date_text: str | None = None
    date_problem: str | None = None
    results: list[ReadResult] = field(default_factory=list)
    not_read: list[NotRead] = field(default_factory=list)

    def freeze(self) -> ProposedDraw:
        seen: set[str] = set()
        results = []
        for result in self.results:
            if result.analyte in seen and result.problem is None:
                name = get_analyte(result.analyte).phrase
                result = replace(result, problem=f"a second {name} in the same draw")
            seen.add(result.analyte)
            results.append(result)
        return ProposedDraw(
            date=self.date,
            time=self.time,
            results=tuple(results),
            not_read=tuple(self.not_read),
            fasting=self.fasting,
            date_text=self.date_text,
            date_problem=self.date_problem,
        )


def _shown(line: str) -> str:
    line = line.strip()
    return line if len(line) <= SHOWN_LINE_CHARS else line[: SHOWN_LINE_CHARS - 1] + "…"


def _looks_like_result(line: str) -> bool:
    """A line with a number and an analyte's name or a unit: worth a "not read"."""
    if not re.search(r"\d", line):
        return False
    if _alias_pattern().search(line):
        return True
    return any(_looks_like_unit(word) for word in re.split(r"[\s()\[\]]+", line) if word)


def check_date_order(text: str | None) -> DateOrder | None:
    """A date order as chosen ("mdy", "dmy"), None when none was chosen."""
    if text is None or text == "":
        return None
    if text == "mdy":
        return "mdy"
    if text == "dmy":
        return "dmy"
    raise InputError("date order", f"'{text}' is not mdy (03/14/2026) or dmy (14/03/2026)")


def read_lab_text(text: str, date_order: DateOrder | None = None) -> LabText:
    """Read every result the text prints, grouped into draws by their collection date.

    Raises InputError("text", ...) for text that cannot be a report (too long, binary) or that
    holds no result at all. `date_order` ("mdy" or "dmy") reads slashed dates like 03/04/2026;
    without it such a date is left unread (`date_problem`) rather than guessed.
    """
    if date_order is not None and date_order not in DATE_ORDERS:
        raise InputError("date order", f"'{date_order}' is not mdy or dmy")
    lines = check_text(text).split("\n")
    style = decimal_style(text)
    drafts = [_Draft()]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            if _looks_like_result(line[:MAX_LINE_CHARS]):
                drafts[-1].not_read.append(NotRead(number, _shown(line), "the line is too long"))
            continue
        if _read_context(line, drafts, date_order):
            continue
        try:
            result = read_result_line(line, number, style)
        except _Unreadable as error:
            drafts[-1].not_read.append(NotRead(number, _shown(line), str(error)))
            continue
        if result is not None:
            drafts[-1].results.append(result)
        elif _looks_like_result(line):
            drafts[-1].not_read.append(NotRead(number, _shown(line), "no analyte the app knows"))
    found = sum(len(draft.results) for draft in drafts)
    if found > MAX_RESULTS:
        raise InputError(
            "text",
            f"the text holds {found} results, more than a lab report does (at most"
            f" {MAX_RESULTS}); nothing was read",
        )
    draws = tuple(draft.freeze() for draft in drafts if draft.results or draft.not_read)
    if not any(draw.results for draw in draws):
        raise InputError("text", "no lab results were found in the text; nothing was read")
    return LabText(draws)


def _read_context(line: str, drafts: list[_Draft], order: DateOrder | None) -> bool:
    """Take a collection date/time or fasting line into the drafts; True when it was one."""
    fasting = _fasting_pattern().search(line)
    label = _collection_pattern().search(line)
    if fasting is None and label is None:
        return False
    if fasting is not None:
        answer = fasting.group("answer").casefold()
        drafts[-1].fasting = answer in {
            word.casefold() for word in _table()["fasting_labels"]["yes"]
        }
    if label is None:
        return True
    after = line[label.end() :]
    other = _other_label_pattern().search(after)
    if other is not None:
        after = after[: other.start()]
    found = _find_date(after, order)
    if found is None:
        moment = _find_time(after)
        if moment is not None and drafts[-1].time is None:
            drafts[-1].time = moment
        return moment is not None or fasting is not None
    current = drafts[-1]
    starts_new = current.date_text is not None and current.date_text != found.text
    if starts_new:
        current = _Draft()
        drafts.append(current)
    current.date_text = found.text
    current.date = found.day
    current.date_problem = found.problem
    moment = _find_time(_until_other_label(after[found.end :]))
    if moment is not None:
        current.time = moment
    return True


# --- into the journal's records --------------------------------------------------------------


def store_preview(result: ReadResult) -> LabResult | InputError:
    """What storing `result` would keep (the `lab` builder's record), or why it is refused."""
    if result.problem is not None:
        return InputError(result.analyte, result.problem)
    try:
        return build_result(result.entry())
    except InputError as error:
        return error


def validated_results(draw: ProposedDraw) -> list[LabResult]:
    """Every result of a draw through the `lab` builder; the first refusal names its line."""
    built = []
    for result in draw.results:
        outcome = store_preview(result)
        if isinstance(outcome, InputError):
            name = get_analyte(result.analyte).phrase
            raise InputError(f"line {result.line_number}", f"{name}: {outcome.reason}")
        built.append(outcome)
    return built


def draw_json(draw: ProposedDraw) -> dict[str, object]:
    """The `read-lab --json` shape of docs/cli.md for one proposed draw."""
    return {
        "date": draw.date.isoformat() if draw.date else None,
        "time": draw.time.strftime("%H:%M") if draw.time else None,
        "fasting": draw.fasting,
        "results": [
            {
                "analyte": result.analyte,
                "value": result.value,
                "comparator": result.comparator,
                "unit": result.unit or None,
                "lab_low": result.lab_low,
                "lab_high": result.lab_high,
                "flag": result.flag,
                "method": result.method,
                "line": result.line_number,
                "problem": result.problem,
            }
            for result in draw.results
        ],
        "not_read": [line.line for line in draw.not_read],
        "date_problem": draw.date_problem,
    }


def with_date(lab_text: LabText, day: date | None) -> LabText:
    """The draws with `day` as their date where the text gives none (an --date or a choice)."""
    if day is None:
        return lab_text
    return LabText(
        tuple(
            replace(draw, date=day, date_problem=None) if draw.date is None else draw
            for draw in lab_text.draws
        )
    )


def dated_draws(lab_text: LabText) -> Sequence[ProposedDraw]:
    """The draws, refusing any whose date is unknown (named by its first line)."""
    for draw in lab_text.draws:
        if draw.date is None and draw.results:
            where = f"line {draw.results[0].line_number}"
            if draw.date_problem:
                raise InputError("date", draw.date_problem)
            raise InputError(
                "date", f"the text prints no collection date for the results from {where}"
            )
    return lab_text.draws


def parsed_import(lab_text: LabText) -> ParsedImport:
    """The proposed draws as an import (`import --format text`): every result validated by the
    `lab` builder, every draw dated; a refused result refuses the whole text, naming its line."""
    parsed = ParsedImport(format="text")
    for draw in dated_draws(lab_text):
        assert draw.date is not None
        for read, result in zip(draw.results, validated_results(draw), strict=True):
            parsed.items.append(
                LabItem(
                    f"line {read.line_number}", draw.date, result, draw.time, fasting=draw.fasting
                )
            )
        parsed.skipped += [
            Skipped(f"line {line.line_number}", line.line, f"not read: {line.reason}")
            for line in draw.not_read
        ]
    return parsed


def parse_range_text(text: str) -> tuple[float | None, float | None]:
    """A lab range as typed or printed ("264-916", "8,6 - 29,0", "<=39", "> 40", "") as (low,
    high); InputError("lab range", ...) for anything else."""
    stripped = text.strip()
    if not stripped or stripped in ("-", "—", "–"):
        return None, None
    tokens = list(_TOKEN.finditer(_prepare(stripped)))
    style = decimal_style(stripped)
    try:
        if len(tokens) == 1 and tokens[0].group("range"):
            low = _number(tokens[0].group("low"), style)
            high = _number(tokens[0].group("high"), style)
            return low, high
        if len(tokens) == 1 and tokens[0].group("cmp"):
            bound = _number(tokens[0].group("bound"), style)
            return (bound, None) if tokens[0].group("op").startswith(">") else (None, bound)
    except _Unreadable as error:
        raise InputError("lab range", str(error)) from None
    raise InputError("lab range", f"'{stripped}' is not a range: use e.g. 264-916, <=39 or >40")


@dataclass(frozen=True)
class DrawToRecord:
    """One draw as confirmed in the preview: its date, time, fasting and edited results."""

    date: date
    time: time | None
    fasting: bool | None
    entries: tuple[ResultInput, ...]


def record_confirmed(journal: Journal, draws: Sequence[DrawToRecord]) -> Change:
    """Write the confirmed draws with the `lab` command's rules, all in one transaction."""
    if not any(draw.entries for draw in draws):
        raise InputError("results", "no result is chosen to be saved")
    changes = []
    with journal.transaction():
        for draw in draws:
            if draw.entries:
                changes.append(
                    record_draw(journal, draw.date, draw.entries, draw.time, fasting=draw.fasting)
                )
    count = sum(len(change.ids) for change in changes)
    days = ", ".join(draw.date.isoformat() for draw in draws if draw.entries)
    ids = tuple(record_id for change in changes for record_id in change.ids)
    return Change(frozenset({"labs"}), f"{count} result(s) recorded for {days}", ids)
