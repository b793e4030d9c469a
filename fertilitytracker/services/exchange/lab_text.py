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
from dataclasses import dataclass, field, replace
from datetime import date, time

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange.lab_text_dates import (
    DATE_ORDERS,
    DateOrder,
    _find_date,
    _find_time,
    _other_label_pattern,
    _until_other_label,
)
from fertilitytracker.services.exchange.lab_text_line import _looks_like_unit, read_result_line
from fertilitytracker.services.exchange.lab_text_model import (
    LabText,
    NotRead,
    ProposedDraw,
    ReadResult,
)
from fertilitytracker.services.exchange.lab_text_records import (
    DrawToRecord,
    dated_draws,
    draw_json,
    parse_range_text,
    parsed_import,
    record_confirmed,
    store_preview,
    validated_results,
    with_date,
)
from fertilitytracker.services.exchange.lab_text_tables import (
    _alias_pattern,
    _collection_pattern,
    _fasting_pattern,
    _table,
    _Unreadable,
    decimal_style,
)

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


# The pieces of lab report text reading, importable from here as before the split.
__all__ = [
    "DATE_ORDERS",
    "MAX_TEXT_CHARS",
    "DateOrder",
    "DrawToRecord",
    "LabText",
    "NotRead",
    "ProposedDraw",
    "ReadResult",
    "check_date_order",
    "check_text",
    "dated_draws",
    "decimal_style",
    "draw_json",
    "parse_range_text",
    "parsed_import",
    "read_lab_text",
    "read_result_line",
    "record_confirmed",
    "store_preview",
    "validated_results",
    "with_date",
]
