"""Lab report text into the journal: validated results, JSON, a ParsedImport, confirmed draws."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, time

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import LabResult
from fertilitytracker.services.exchange.lab_text_line import _TOKEN, _prepare
from fertilitytracker.services.exchange.lab_text_model import LabText, ProposedDraw, ReadResult
from fertilitytracker.services.exchange.lab_text_tables import (
    _number,
    _Unreadable,
    decimal_style,
)
from fertilitytracker.services.exchange.plan import LabItem, ParsedImport, Skipped
from fertilitytracker.services.operations import Change, ResultInput, build_result, record_draw
from fertilitytracker.storage.journal import Journal


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
