"""A blood draw's context: its time and fasting, hours since each dose, and notes with sources.

docs/clinical.md §8. A testosterone value means little without when it was drawn: this module
says how long after the last logged dose of each medication active that day the blood was
taken, and notes a total testosterone drawn after the morning window and a low total
testosterone that no second morning draw confirms yet (wording and sources in
resources/draw_context.json).
"""

from __future__ import annotations

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
    draw: LabDraw, history: History, taken: dict[int, list[datetime]] | None = None
) -> tuple[SinceDose, ...]:
    """For each medication active on the draw's day, hours since its last dose taken before
    the draw; None when no such dose is logged or the draw's time is not recorded.

    `taken` (regimen id → times of doses taken, from `_taken_by_regimen`) saves re-reading
    the dose log when many draws are placed at once.
    """
    if taken is None:
        taken = _taken_by_regimen(history)
    moment = datetime.combine(draw.date, draw.time) if draw.time is not None else None
    since: list[SinceDose] = []
    for regimen in history.regimens:
        if not regimen.is_active_on(draw.date):
            continue
        hours: float | None = None
        if moment is not None and regimen.id is not None:
            before = [at for at in taken.get(regimen.id, ()) if at <= moment]
            if before:
                hours = (moment - max(before)).total_seconds() / 3600
        since.append(SinceDose(regimen.name, hours))
    return tuple(since)


def _taken_by_regimen(history: History) -> dict[int, list[datetime]]:
    taken: dict[int, list[datetime]] = {}
    for dose in history.doses:
        if dose.status == "taken":
            taken.setdefault(dose.regimen_id, []).append(dose.at)
    return taken


def _low_total_t(draw: LabDraw, history: History) -> bool:
    analyte = _table()[UNCONFIRMED_LOW]["analyte"]
    result = draw.result(analyte)
    # The one reading of the result (docs/clinical.md §1), as every surface shows it.
    return result is not None and read_result(result, draw.date, history).flag == "low"


def _morning_low_dates(history: History) -> frozenset[date]:
    """The dates of morning draws whose total testosterone is low."""
    return frozenset(
        draw.date for draw in history.draws if is_morning_draw(draw) and _low_total_t(draw, history)
    )


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


def draw_context(draw: LabDraw, history: History) -> DrawContext:
    """The whole context of one blood draw, from the journal's history."""
    return DrawContext(
        time=draw.time,
        fasting=draw.fasting,
        since_doses=hours_since_doses(draw, history),
        notes=context_notes(draw, history),
    )


def all_draw_contexts(history: History) -> dict[date, DrawContext]:
    """The context of every blood draw, by date, reading the dose log and the draws once."""
    taken = _taken_by_regimen(history)
    morning_lows = _morning_low_dates(history)
    return {
        draw.date: DrawContext(
            time=draw.time,
            fasting=draw.fasting,
            since_doses=hours_since_doses(draw, history, taken),
            notes=context_notes(draw, history, morning_lows),
        )
        for draw in history.draws
    }
