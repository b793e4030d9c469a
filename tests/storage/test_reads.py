"""Bounded reads: the records of some dates, one result by id, the latest draws."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from fertilitytracker.core.records import (
    DexaScan,
    DoseEvent,
    Regimen,
    RegimenStep,
    SemenAnalysis,
    SymptomEntry,
)
from fertilitytracker.services.operations import log_dose, record_symptom, start_regimen
from fertilitytracker.storage.journal import Journal
from tests.builders import draw

START = date(2026, 1, 1)


@pytest.fixture
def journal(journal: Journal) -> Journal:
    """The suite's empty journal, six weekly draws and symptoms in."""
    opened = journal
    for week in range(6):
        day = START + timedelta(weeks=week)
        draw(opened, day, ("estradiol", str(20 + week), "pg/mL"), ("lh", "4", "IU/L"), at=None)
        record_symptom(opened, day, "fatigue", str(week))
    return opened


def test_draws_of_some_dates_come_with_all_their_results(journal: Journal) -> None:
    wanted = {START + timedelta(weeks=1), START + timedelta(weeks=4), date(2025, 1, 1)}
    draws = journal.labs.on_dates(wanted)
    assert [draw.date for draw in draws] == sorted(wanted - {date(2025, 1, 1)})
    assert [len(draw.results) for draw in draws] == [2, 2]
    assert draws == [draw for draw in journal.labs.all() if draw.date in wanted]


def test_the_latest_draws_oldest_first(journal: Journal) -> None:
    assert [draw.date for draw in journal.labs.latest(2)] == [
        START + timedelta(weeks=4),
        START + timedelta(weeks=5),
    ]


def test_one_result_is_found_by_id_with_its_draw(journal: Journal) -> None:
    draw = journal.labs.all()[2]
    found = journal.labs.find_result(draw.results[1].id)  # type: ignore[arg-type]
    assert found is not None
    assert (found[0].date, found[1]) == (draw.date, draw.results[1])
    assert journal.labs.find_result(9999) is None  # type: ignore[arg-type]


def test_symptoms_and_doses_of_some_dates(journal: Journal) -> None:
    day = START + timedelta(weeks=2)
    assert [entry.severity for entry in journal.symptoms.on_dates({day})] == [2]
    start_regimen(journal, "anastrozole", "0.5", "mg", "daily", START)
    for hour in (8, 23):
        log_dose(
            journal, "anastrozole", datetime.combine(day, datetime.min.time()).replace(hour=hour)
        )
    log_dose(journal, "anastrozole", datetime.combine(day + timedelta(days=1), datetime.min.time()))
    assert [dose.at.hour for dose in journal.doses.on_dates({day})] == [8, 23]
    assert len(journal.doses.between(day, day + timedelta(days=1))) == 3


def test_every_field_of_every_record_kind_reads_back_as_written(journal: Journal) -> None:
    # `journal` holds symptoms already: each kind is compared on the records added here.
    day = date(2027, 3, 4)
    steps = (
        RegimenStep(day, 1.0, "mg", "eod"),
        RegimenStep(day + timedelta(days=9), 0.5, "mg", "eod"),
    )
    regimens = [
        Regimen("anastrozole", "aromatase_inhibitor", steps, day + timedelta(days=30), time(7, 45)),
        Regimen("clomiphene", "serm", steps[:1]),
    ]
    regimen_ids = [journal.regimens.add(regimen) for regimen in regimens]
    written = {
        "doses": [
            DoseEvent(regimen_ids[0], datetime(2027, 3, 4, 7, 45), "taken", 1.0, "mg"),
            DoseEvent(regimen_ids[1], datetime(2027, 3, 5, 21, 5), "skipped"),
        ],
        "semen": [
            SemenAnalysis(day, 2.5, 15.0, 40.0, 30.0, 4.0, 3),
            SemenAnalysis(day + timedelta(days=1), 0.0, 0.0),
        ],
        "dexa": [DexaScan(day, -1.5, "femur_neck", 0.91), DexaScan(day + timedelta(days=1), 0.2)],
        "symptoms": [
            SymptomEntry(day, "hot flushes", 7, "worse at night\nsecond line"),
            SymptomEntry(day, "mood", 0),
        ],
        "regimens": regimens,  # last: a regimen with doses cannot be deleted
    }
    for kind, records in written.items():
        repository = getattr(journal, kind)
        ids = regimen_ids if kind == "regimens" else [repository.add(r) for r in records]
        expected = [
            record._replace(id=record_id) for record, record_id in zip(records, ids, strict=True)
        ]
        assert [repository.get(record_id) for record_id in ids] == expected, kind
        assert [record for record in repository.all() if record.id in ids] == expected, kind
        repository.delete(ids[-1])
        assert repository.get(ids[-1]) is None, kind
