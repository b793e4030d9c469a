"""A draw's context (docs/clinical.md §8): hours since each dose, the morning and confirmation
notes."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from fertilitytracker.core.draw_context import (
    MORNING_DRAW,
    UNCONFIRMED_LOW,
    all_draw_contexts,
    draw_context,
    morning_latest,
)
from fertilitytracker.core.records import (
    DoseEvent,
    History,
    LabDraw,
    LabResult,
    Regimen,
    RegimenId,
    RegimenStep,
    TargetRange,
)

DAY = date(2026, 3, 14)


def total_t(ng_dl: float) -> LabResult:
    return LabResult("total_testosterone", ng_dl, ng_dl, "ng/dL")


def draw(
    day: date = DAY, at: time | None = time(8, 0), *results: LabResult, fasting: bool | None = None
) -> LabDraw:
    return LabDraw(day, tuple(results) or (total_t(450),), at, fasting=fasting)


def regimen(name: str, regimen_id: int, start: date, stop: date | None = None) -> Regimen:
    return Regimen(
        name, "other", (RegimenStep(start, 1, "mg", "daily"),), stop, id=RegimenId(regimen_id)
    )


def taken(regimen_id: int, at: datetime, status: str = "taken") -> DoseEvent:
    return DoseEvent(RegimenId(regimen_id), at, status)  # type: ignore[arg-type]


def keys(the_draw: LabDraw, history: History) -> list[str]:
    return [note.key for note in draw_context(the_draw, history).notes]


def test_hours_since_the_last_dose_taken_before_the_draw_of_each_active_medication() -> None:
    history = History(
        regimens=(
            regimen("anastrozole", 1, date(2026, 1, 1)),
            regimen("hcg", 2, date(2026, 1, 1)),
            regimen("clomiphene", 3, date(2025, 1, 1), stop=date(2025, 6, 1)),  # not active
        ),
        doses=(
            taken(1, datetime(2026, 3, 12, 21, 0)),
            taken(1, datetime(2026, 3, 13, 21, 30)),  # the last one before 08:00 on the 14th
            taken(1, datetime(2026, 3, 14, 9, 0)),  # after the draw
            taken(2, datetime(2026, 3, 13, 20, 0), status="skipped"),
        ),
    )
    context = draw_context(draw(), history)
    assert [(s.medication, s.hours) for s in context.since_doses] == [
        ("anastrozole", pytest.approx(10.5)),
        ("hcg", None),  # only a skipped dose: not logged
    ]


def test_without_a_draw_time_no_interval_can_be_said() -> None:
    history = History(
        regimens=(regimen("anastrozole", 1, date(2026, 1, 1)),),
        doses=(taken(1, datetime(2026, 3, 13, 21, 0)),),
    )
    context = draw_context(draw(at=None), history)
    assert [(s.medication, s.hours) for s in context.since_doses] == [("anastrozole", None)]
    assert context.time is None


def test_the_draw_carries_its_time_and_fasting() -> None:
    context = draw_context(draw(fasting=True), History())
    assert (context.time, context.fasting) == (time(8, 0), True)


@pytest.mark.parametrize(
    ("at", "noted"),
    [(time(7, 30), False), (time(10, 0), False), (time(10, 1), True), (time(15, 45), True)],
)
def test_a_total_testosterone_drawn_after_ten_is_noted(at: time, noted: bool) -> None:
    assert morning_latest() == time(10, 0)
    the_draw = draw(DAY, at, total_t(450))
    assert (MORNING_DRAW in keys(the_draw, History(draws=(the_draw,)))) is noted


def test_the_morning_note_needs_a_testosterone_and_a_known_time() -> None:
    lh_only = draw(DAY, time(15, 0), LabResult("lh", 4, 4, "IU/L"))
    unknown_time = draw(DAY, None, total_t(450))
    assert keys(lh_only, History(draws=(lh_only,))) == []
    assert keys(unknown_time, History(draws=(unknown_time,))) == []


def test_a_single_low_total_testosterone_is_noted_until_a_second_morning_draw_confirms() -> None:
    first = draw(date(2026, 1, 5), time(8, 0), total_t(250))
    assert keys(first, History(draws=(first,))) == [UNCONFIRMED_LOW]
    afternoon = draw(date(2026, 2, 5), time(15, 0), total_t(240))
    history = History(draws=(first, afternoon))
    assert keys(first, history) == [UNCONFIRMED_LOW]
    assert keys(afternoon, history) == [MORNING_DRAW, UNCONFIRMED_LOW]
    morning = draw(date(2026, 3, 5), time(7, 45), total_t(260))
    history = History(draws=(first, afternoon, morning))
    assert keys(first, history) == []
    assert keys(morning, history) == []
    assert keys(afternoon, history) == [MORNING_DRAW]
    assert (
        all_draw_contexts(history)[afternoon.date].notes == draw_context(afternoon, history).notes
    )


def test_low_is_judged_against_the_range_in_force() -> None:
    the_draw = draw(DAY, time(8, 0), total_t(450))
    assert keys(the_draw, History(draws=(the_draw,))) == []
    target = TargetRange("total_testosterone", 500, 900)
    assert keys(the_draw, History(draws=(the_draw,), targets=(target,))) == [UNCONFIRMED_LOW]


def test_each_note_has_its_wording_and_source() -> None:
    late = draw(DAY, time(14, 0), total_t(200))
    notes = draw_context(late, History(draws=(late,))).notes
    assert "early morning" in notes[0].text and "AUA 2018" in notes[0].source
    assert "Endocrine Society 2018" in notes[0].source
    assert "second morning draw" in notes[1].text and "AUA 2018" in notes[1].source
