"""Corrections after the fact: a result moved to another draw, a dose corrected, a miss kept."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.operations import (
    ResultInput,
    confirm_missed,
    confirmed_missed,
    correct_dose,
    log_dose,
    record_draw,
    replace_result,
    start_regimen,
)
from fertilitytracker.storage.journal import Journal


def test_a_result_moves_to_the_draw_of_another_date(journal: Journal) -> None:
    record_draw(journal, date(2026, 5, 1), [ResultInput("lh", "4", "IU/L")], time(8, 0))
    (result,) = journal.history().draws[0].results
    assert result.id is not None
    replace_result(journal, result.id, ResultInput("lh", "4.5", "IU/L"), date(2026, 4, 30))
    (draw,) = journal.history().draws
    assert (draw.date, draw.time, draw.results[0].entered_value) == (date(2026, 4, 30), None, 4.5)


def test_a_move_onto_a_draw_holding_that_analyte_is_refused_and_nothing_changes(
    journal: Journal,
) -> None:
    record_draw(journal, date(2026, 5, 1), [ResultInput("lh", "4", "IU/L")])
    record_draw(journal, date(2026, 5, 2), [ResultInput("lh", "5", "IU/L")])
    first = journal.history().draws[0].results[0]
    assert first.id is not None
    with pytest.raises(InputError) as refused:
        replace_result(journal, first.id, ResultInput("lh", "4", "IU/L"), date(2026, 5, 2))
    assert refused.value.field == "date"
    assert [(d.date, d.results[0].entered_value) for d in journal.history().draws] == [
        (date(2026, 5, 1), 4.0),
        (date(2026, 5, 2), 5.0),
    ]


def test_a_skipped_dose_is_corrected_to_taken_at_another_time(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "daily", date(2026, 5, 1))
    log_dose(journal, "anastrozole", datetime(2026, 5, 2, 8, 0), skipped=True)
    (dose,) = journal.doses.all()
    assert dose.id is not None
    correct_dose(journal, dose.id, skipped=False, at=datetime(2026, 5, 2, 21, 30))
    (corrected,) = journal.doses.all()
    assert (corrected.status, corrected.at, corrected.dose, corrected.unit) == (
        "taken",
        datetime(2026, 5, 2, 21, 30),
        1.0,
        "mg",
    )
    with pytest.raises(InputError):
        assert corrected.id is not None
        correct_dose(journal, corrected.id, skipped=False, at=datetime(2026, 4, 1, 8, 0))
    assert journal.doses.all() == [corrected]  # a refused correction changes nothing


def test_confirmed_misses_are_kept_per_regimen(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "daily", date(2026, 5, 1))
    (regimen,) = journal.regimens.all()
    assert regimen.id is not None
    confirm_missed(journal, regimen.id, [date(2026, 5, 3)])
    confirm_missed(journal, regimen.id, [date(2026, 5, 2), date(2026, 5, 3)])
    assert confirmed_missed(journal) == {
        regimen.id: frozenset({date(2026, 5, 2), date(2026, 5, 3)})
    }
    with pytest.raises(InputError):
        confirm_missed(journal, regimen.id + 1, [date(2026, 5, 2)])
