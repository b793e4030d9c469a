"""The journal operations a person undoes or repeats: remove, restore, replace, backfill.

Each test writes to a real journal file, and reads the journal back (reopened where it matters)
to check what the person would see in it afterwards.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import History
from fertilitytracker.services.operations import (
    BACKFILL_MAX_DAYS,
    RecordKind,
    ResultInput,
    backfill_doses,
    build_semen,
    log_dose,
    record_dexa,
    record_semen,
    record_symptom,
    remove,
    replace_result,
    restore,
    start_regimen,
    stop_regimen,
)
from fertilitytracker.storage.journal import Journal
from tests import builders

DAY = date(2026, 3, 2)


def reopened(journal: Journal) -> History:
    """The journal's file as the next start of the app (or another command) reads it."""
    with builders.open_journal(journal.path, create=False) as again:
        return again.history()


def doses_of(history: History) -> list[tuple[str, datetime, str]]:
    names = {regimen.id: regimen.name for regimen in history.regimens}
    return sorted((names[dose.regimen_id], dose.at, dose.status) for dose in history.doses)


# --- remove and restore ---------------------------------------------------------------------


def test_a_removed_result_is_gone_and_undo_brings_it_back_with_its_draw(journal: Journal) -> None:
    saved = builders.draw(
        journal,
        DAY,
        ("estradiol", "110", "pmol/L"),
        ("lh", "4", "IU/L"),
        at=time(8, 15),
        fasting=True,
    )
    _change, removed = remove(journal, "lab_result", saved.ids[0])
    (draw,) = reopened(journal).draws
    assert [result.analyte for result in draw.results] == ["lh"]

    restore(journal, removed)
    (draw,) = reopened(journal).draws
    assert (draw.date, draw.time, draw.fasting) == (DAY, time(8, 15), True)
    estradiol = next(result for result in draw.results if result.analyte == "estradiol")
    # What was typed comes back as typed: 110 pmol/L, not only its canonical value.
    assert (estradiol.entered_value, estradiol.entered_unit) == (110.0, "pmol/L")


def test_the_only_result_of_a_draw_comes_back_on_its_date_time_and_fasting(
    journal: Journal,
) -> None:
    saved = builders.draw(journal, DAY, ("lh", "4", "IU/L"), at=time(7, 40), fasting=False)
    _change, removed = remove(journal, "lab_result", saved.ids[0])
    assert all(not draw.results for draw in reopened(journal).draws)
    restore(journal, removed)
    (draw,) = [draw for draw in reopened(journal).draws if draw.results]
    assert (draw.date, draw.time, draw.fasting) == (DAY, time(7, 40), False)


def test_a_removed_regimen_takes_its_doses_and_undo_restores_both(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "0.5", "mg", "daily", date(2026, 1, 1), time(8, 0))
    start_regimen(journal, "clomiphene", "25", "mg", "daily", date(2026, 1, 1))
    log_dose(journal, "anastrozole", datetime(2026, 1, 2, 8, 0))
    log_dose(journal, "anastrozole", datetime(2026, 1, 3, 8, 0), skipped=True)
    log_dose(journal, "clomiphene", datetime(2026, 1, 2, 21, 0))
    anastrozole = next(r for r in journal.regimens.all() if r.name == "anastrozole")
    assert anastrozole.id is not None

    _change, removed = remove(journal, "regimen", anastrozole.id)
    after = reopened(journal)
    assert [regimen.name for regimen in after.regimens] == ["clomiphene"]
    assert doses_of(after) == [("clomiphene", datetime(2026, 1, 2, 21, 0), "taken")]

    restore(journal, removed)
    back = reopened(journal)
    restored = next(r for r in back.regimens if r.name == "anastrozole")
    assert (restored.start, restored.current.dose, restored.time_of_day) == (
        date(2026, 1, 1),
        0.5,
        time(8, 0),
    )
    assert doses_of(back) == [
        ("anastrozole", datetime(2026, 1, 2, 8, 0), "taken"),
        ("anastrozole", datetime(2026, 1, 3, 8, 0), "skipped"),
        ("clomiphene", datetime(2026, 1, 2, 21, 0), "taken"),
    ]


def test_semen_dexa_symptom_and_dose_each_come_back_as_they_were(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "daily", date(2026, 1, 1))
    ids: dict[RecordKind, int] = {
        "semen": record_semen(journal, build_semen(DAY, "3.1", "12", abstinence="3")).ids[0],
        "dexa": record_dexa(journal, DAY, "-1.2", "spine").ids[0],
        "symptom": record_symptom(journal, DAY, "hot flushes", "6", "mostly at night").ids[0],
        "dose": log_dose(journal, "anastrozole", datetime(2026, 3, 2, 9, 0)).ids[0],
    }
    before = reopened(journal)
    for kind, record_id in ids.items():
        _change, removed = remove(journal, kind, record_id)
        restore(journal, removed)
    after = reopened(journal)

    def without_ids(history: History) -> tuple[object, ...]:
        return (
            [
                (s.date, s.volume_ml, s.concentration_m_per_ml, s.abstinence_days)
                for s in history.semen
            ],
            [(s.date, s.t_score, s.site) for s in history.dexa],
            [(s.date, s.name, s.severity, s.note) for s in history.symptoms],
            [(d.at, d.status, d.dose, d.unit) for d in history.doses],
        )

    assert without_ids(after) == without_ids(before)
    assert after.symptoms[0].note == "mostly at night"


def test_removing_what_is_not_there_is_refused_naming_the_kind(journal: Journal) -> None:
    saved = record_symptom(journal, DAY, "fatigue", "4")
    remove(journal, "symptom", saved.ids[0])
    with pytest.raises(InputError) as refused:
        remove(journal, "symptom", saved.ids[0])
    assert refused.value.field == "symptom"
    assert "deleted already" in str(refused.value)
    with pytest.raises(InputError):
        remove(journal, "lab_result", 999)
    assert reopened(journal).symptoms == ()


# --- replace ---------------------------------------------------------------------------------


def test_an_edited_result_replaces_the_old_one_on_the_same_draw(journal: Journal) -> None:
    saved = builders.draw(
        journal, DAY, ("estradiol", "30", "pg/mL"), ("lh", "4", "IU/L"), at=time(8, 0), fasting=True
    )
    change = replace_result(journal, saved.ids[0], ResultInput("estradiol", "<5", "pg/mL"))
    assert change.dates == frozenset({DAY})
    (draw,) = reopened(journal).draws
    assert (draw.time, draw.fasting) == (time(8, 0), True)
    values = {r.analyte: (r.comparator, r.entered_value) for r in draw.results}
    assert values == {"estradiol": ("<", 5.0), "lh": (None, 4.0)}


def test_a_refused_edit_keeps_the_old_result(journal: Journal) -> None:
    saved = builders.draw(journal, DAY, ("estradiol", "30", "pg/mL"), ("lh", "4", "IU/L"), at=None)
    estradiol_id, _lh_id = saved.ids
    with pytest.raises(InputError) as bad_unit:
        replace_result(journal, estradiol_id, ResultInput("estradiol", "30", "IU/L"))
    assert bad_unit.value.field == "unit"
    # Turning the estradiol into a second LH of the same draw: refused inside the transaction
    # that had already deleted the estradiol, which must come back.
    with pytest.raises(InputError) as clash:
        replace_result(journal, estradiol_id, ResultInput("lh", "5", "IU/L"))
    assert clash.value.field == "analyte"
    (draw,) = reopened(journal).draws
    assert sorted((r.analyte, r.entered_value) for r in draw.results) == [
        ("estradiol", 30.0),
        ("lh", 4.0),
    ]


# --- backfill --------------------------------------------------------------------------------


def test_backfill_logs_every_scheduled_dose_left_unlogged_at_the_regimen_time(
    journal: Journal,
) -> None:
    start_regimen(journal, "anastrozole", "0.5", "mg", "daily", date(2026, 5, 1), time(8, 30))
    log_dose(journal, "anastrozole", datetime(2026, 5, 2, 9, 15))
    log_dose(journal, "anastrozole", datetime(2026, 5, 3, 8, 30), skipped=True)
    change = backfill_doses(journal, "anastrozole", date(2026, 5, 1), date(2026, 5, 4))
    assert change.summary == "2 anastrozole dose(s) from 2026-05-01 to 2026-05-04 logged as taken"
    assert change.dates == frozenset({date(2026, 5, 1), date(2026, 5, 4)})
    assert doses_of(reopened(journal)) == [
        ("anastrozole", datetime(2026, 5, 1, 8, 30), "taken"),
        ("anastrozole", datetime(2026, 5, 2, 9, 15), "taken"),  # logged: kept as it was
        ("anastrozole", datetime(2026, 5, 3, 8, 30), "skipped"),  # a skip is not filled in
        ("anastrozole", datetime(2026, 5, 4, 8, 30), "taken"),
    ]
    again = backfill_doses(journal, "anastrozole", date(2026, 5, 1), date(2026, 5, 4))
    assert again.ids == ()
    assert again.summary.startswith("nothing to backfill")
    assert len(reopened(journal).doses) == 4


def test_backfill_keeps_to_the_schedule_and_the_stop(journal: Journal) -> None:
    # Every other day from Friday 1 May, stopped on the 8th; twice a day at 09:00 and later.
    start_regimen(journal, "clomiphene", "25", "mg", "every 2 days", date(2026, 5, 1))
    stop_regimen(journal, "clomiphene", date(2026, 5, 8))
    start_regimen(journal, "anastrozole", "0.5", "mg", "daily x2", date(2026, 5, 1), time(9, 0))
    backfill_doses(journal, "clomiphene", date(2026, 4, 20), date(2026, 5, 7))
    backfill_doses(journal, "anastrozole", date(2026, 5, 1), date(2026, 5, 1))
    doses = doses_of(reopened(journal))
    assert [at.date().day for name, at, _ in doses if name == "clomiphene"] == [1, 3, 5, 7]
    # Untimed regimens are logged at noon; the second dose of the day follows the first.
    assert {at.time() for name, at, _ in doses if name == "clomiphene"} == {time(12, 0)}
    assert [at for name, at, _ in doses if name == "anastrozole"] == [
        datetime(2026, 5, 1, 9, 0),
        datetime(2026, 5, 1, 16, 30),
    ]


def test_backfill_refuses_a_reversed_or_too_long_span_and_writes_nothing(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "0.5", "mg", "daily", date(2000, 1, 1))
    with pytest.raises(InputError) as reversed_span:
        backfill_doses(journal, "anastrozole", date(2026, 5, 4), date(2026, 5, 1))
    assert reversed_span.value.field == "end"
    with pytest.raises(InputError) as too_long:
        backfill_doses(journal, "anastrozole", date(2000, 1, 1), date(2026, 5, 1))
    assert too_long.value.field == "start"
    assert str(BACKFILL_MAX_DAYS) in str(too_long.value)
    with pytest.raises(InputError) as unknown:
        backfill_doses(journal, "letrozole", date(2026, 5, 1), date(2026, 5, 4))
    assert unknown.value.field == "name"
    assert reopened(journal).doses == ()
