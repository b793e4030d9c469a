"""A blood draw's context: its time and fasting, hours since each dose, and notes with sources.

docs/clinical.md §8. A testosterone value means little without when it was drawn: this module
says how long after the last logged dose of each medication active that day the blood was
taken, and notes a total testosterone drawn after the morning window and a low total
testosterone that no second morning draw confirms yet (wording and sources in
resources/draw_context.json).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

from fertilitytracker.core.reading import read_result
from fertilitytracker.core.records import History, LabDraw
from fertilitytracker.core.resources import load_json

RESOURCE = "draw_context.json"
MORNING_DRAW = "morning_draw"
UNCONFIRMED_LOW = "unconfirmed_low"


@dataclass(frozen=True)
class ContextNote:
    """A note about how a draw was taken, with the guidance it comes from."""

    key: str
    text: str
    source: str


@dataclass(frozen=True)
class SinceDose:
    """Hours from the last logged dose of a medication to the draw (None: not logged)."""

    medication: str
    hours: float | None


@dataclass(frozen=True)
class DrawContext:
    """When and how a draw was taken, and what to keep in mind reading it."""

    time: time | None
    fasting: bool | None
    since_doses: tuple[SinceDose, ...]
    notes: tuple[ContextNote, ...]


@cache
def _table() -> dict[str, Any]:
    data: dict[str, Any] = load_json(RESOURCE)
    return data


def _note(key: str) -> ContextNote:
    entry = _table()[key]
    return ContextNote(key, str(entry["text"]), str(entry["source"]))


def morning_latest() -> time:
    """The latest time of day a draw counts as a morning draw (resources/draw_context.json)."""
    return time.fromisoformat(str(_table()[MORNING_DRAW]["latest"]))


def is_morning_draw(draw: LabDraw) -> bool:
    """Whether the draw's recorded time is within the morning window (an unknown time is not)."""
    return draw.time is not None and draw.time <= morning_latest()


def hours_since_doses(
    draw: LabDraw,
    history: History,
    taken: dict[int, list[datetime]] | None = None,
    last_taken: Mapping[int, datetime] | None = None,
) -> tuple[SinceDose, ...]:
    """For each medication active on the draw's day, hours since its last dose taken before
    the draw; None when no such dose is logged or the draw's time is not recorded.

    `taken` (regimen id → times of doses taken, from `_taken_by_regimen`) saves re-reading
    the dose log when many draws are placed at once; `last_taken` (regimen id → the time of
    its last dose taken at or before the draw, as the journal's index finds it) saves reading
    the dose log at all: `history.doses` is then not used.
    """
    moment = datetime.combine(draw.date, draw.time) if draw.time is not None else None
    # A draw without a time has no hours to count: the dose log is not read for it.
    if taken is None and last_taken is None and moment is not None:
        taken = _taken_by_regimen(history)
    since: list[SinceDose] = []
    for regimen in history.regimens:
        if not regimen.is_active_on(draw.date):
            continue
        hours: float | None = None
        if moment is not None and regimen.id is not None:
            last = _last_before(taken, regimen.id, moment) if taken is not None else None
            if last_taken is not None:
                last = last_taken.get(regimen.id)
            if last is not None:
                hours = (moment - last).total_seconds() / 3600
        since.append(SinceDose(regimen.name, hours))
    return tuple(since)


def _last_before(
    taken: dict[int, list[datetime]], regimen: int, moment: datetime
) -> datetime | None:
    times = taken.get(regimen, [])
    # The times are in order: the last one at or before the draw, without a scan of the whole
    # log for every draw (years of doses times hundreds of draws).
    position = bisect_right(times, moment)
    return times[position - 1] if position else None


def _taken_by_regimen(history: History) -> dict[int, list[datetime]]:
    """Regimen id → the times of its doses taken, in time order."""
    taken: dict[int, list[datetime]] = {}
    for dose in history.doses:
        if dose.status == "taken":
            taken.setdefault(dose.regimen_id, []).append(dose.at)
    for times in taken.values():
        times.sort()
    return taken


def _low_total_t(draw: LabDraw, history: History) -> bool:
    analyte = _table()[UNCONFIRMED_LOW]["analyte"]
    result = draw.result(analyte)
    # The one reading of the result (docs/clinical.md §1), as every surface shows it.
    return result is not None and read_result(result, draw.date, history).flag == "low"


def morning_low_dates(history: History, draws: Iterable[LabDraw] | None = None) -> frozenset[date]:
    """The dates of morning draws (of `draws`, else of every draw) whose total testosterone is
    low: with fewer than two, every low total testosterone carries the unconfirmed-low note.

    A screen that keeps them re-reads only the draws a change touched."""
    return frozenset(
        draw.date
        for draw in (history.draws if draws is None else draws)
        if is_morning_draw(draw) and _low_total_t(draw, history)
    )


def _morning_low_dates(history: History) -> frozenset[date]:
    """The dates of morning draws whose total testosterone is low."""
    return morning_low_dates(history)


def context_notes(
    draw: LabDraw, history: History, morning_lows: frozenset[date] | None = None
) -> tuple[ContextNote, ...]:
    """The notes that apply to a draw (docs/clinical.md §8)."""
    notes: list[ContextNote] = []
    morning_analyte = _table()[MORNING_DRAW]["analyte"]
    if (
        draw.result(morning_analyte) is not None
        and draw.time is not None
        and not is_morning_draw(draw)
    ):
        notes.append(_note(MORNING_DRAW))
    if _low_total_t(draw, history):
        if morning_lows is None:
            morning_lows = _morning_low_dates(history)
        # Confirmed once two morning draws (two days) show it low: this one and another when
        # it was drawn in the morning, else two others.
        if len(morning_lows) < 2:
            notes.append(_note(UNCONFIRMED_LOW))
    return tuple(notes)


def draw_context(
    draw: LabDraw, history: History, morning_lows: frozenset[date] | None = None
) -> DrawContext:
    """The whole context of one blood draw, from the journal's history (`morning_lows`, when
    known: `morning_low_dates(history)`)."""
    return DrawContext(
        time=draw.time,
        fasting=draw.fasting,
        since_doses=hours_since_doses(draw, history),
        notes=context_notes(draw, history, morning_lows),
    )


def all_draw_contexts(
    history: History, last_taken: Mapping[date, Mapping[int, datetime]] | None = None
) -> dict[date, DrawContext]:
    """The context of every blood draw, by date, reading the dose log and the draws once.

    With `last_taken` (draw date → regimen id → the time of its last dose taken at or before
    the draw, e.g. `LabRepository.last_doses_taken`) the dose log is not read at all.
    """
    taken = None if last_taken is not None else _taken_by_regimen(history)
    morning_lows = _morning_low_dates(history)
    return {
        draw.date: DrawContext(
            time=draw.time,
            fasting=draw.fasting,
            since_doses=hours_since_doses(
                draw,
                history,
                taken,
                None if last_taken is None else last_taken.get(draw.date, {}),
            ),
            notes=context_notes(draw, history, morning_lows),
        )
        for draw in history.draws
    }
