"""Import planning and applying: dedup rules per record kind, previews, one transaction."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import DexaScan, History, SemenAnalysis
from fertilitytracker.services.exchange.apply import apply_plan
from fertilitytracker.services.exchange.builders import (
    dexa_item,
    dose_item,
    lab_item,
    regimen_item,
    semen_item,
    symptom_item,
)
from fertilitytracker.services.exchange.plan import (
    JournalSnapshot,
    ParsedImport,
    plan_import,
    same_value,
)
from fertilitytracker.services.operations import ResultInput, record_draw, start_regimen
from fertilitytracker.storage.journal import Journal

from .conftest import comparable

DAY = date(2026, 1, 5)


def _plan(journal: Journal, *items: object) -> object:
    parsed = ParsedImport("test", items=list(items))  # type: ignore[arg-type]
    return plan_import(parsed, JournalSnapshot.of(journal), "test file")


@given(st.floats(min_value=0.001, max_value=1e6))
def test_same_value_is_half_a_percent_relative(value: float) -> None:
    assert same_value(value, value * 1.004)
    assert not same_value(value, value * 1.006)


def test_zero_is_only_the_same_as_zero() -> None:
    assert same_value(0.0, 0.0)
    assert not same_value(0.0, 1e-9)


def test_a_result_with_a_different_comparator_conflicts(journal: Journal) -> None:
    record_draw(journal, DAY, [ResultInput("estradiol", "5", "pg/mL")])
    plan = _plan(journal, lab_item("line 2", DAY, "estradiol", 5, "pg/mL", comparator="<"))
    assert plan.skipped[0].reason == "conflicts with the recorded value 5 pg/mL"  # type: ignore[attr-defined]


def test_results_of_a_date_join_the_existing_draw(journal: Journal) -> None:
    record_draw(journal, DAY, [ResultInput("estradiol", "25", "pg/mL")])
    plan = _plan(journal, lab_item("line 2", DAY, "lh", 4, "IU/L", draw_time=time(9, 0)))
    apply_plan(journal, plan)  # type: ignore[arg-type]
    (draw,) = journal.history().draws
    assert [r.analyte for r in draw.results] == ["estradiol", "lh"]
    assert draw.time == time(9, 0)


def test_semen_matches_when_the_file_gives_fewer_fields(journal: Journal) -> None:
    journal.semen.add(SemenAnalysis(DAY, 3.0, 20.0, 50.0, 40.0, 4.0, 3))
    same = semen_item("entry 1", DAY, 3.0, 20.0, 50.0)  # no abstinence, as FHIR gives it
    different = semen_item("entry 2", DAY, 3.0, 25.0)
    plan = _plan(journal, same, different)
    assert (plan.present_count, plan.new_count) == (1, 1)  # type: ignore[attr-defined]


def test_dexa_and_symptoms_are_present_when_identical(journal: Journal) -> None:
    journal.dexa.add(DexaScan(DAY, -1.5, "hip", 0.9))
    plan = _plan(
        journal,
        dexa_item("line 2", DAY, "-1.5", "hip"),
        dexa_item("line 3", DAY, "-1.5", "spine"),
        symptom_item("line 4", DAY, "mood", 3),
        symptom_item("line 5", DAY, "mood", 3),
        symptom_item("line 6", DAY, "mood", 4),
    )
    rows = {row.where: (row.action, row.reason) for row in plan.rows()}  # type: ignore[attr-defined]
    assert rows == {
        "line 2": ("present", "already recorded"),
        "line 3": ("add", "new"),
        "line 4": ("add", "new"),
        "line 5": ("present", "same as line 4"),
        "line 6": ("add", "new"),
    }


def _regimen(where: str, start: str, stop: str | None = None, dose: float = 1.0) -> object:
    return regimen_item(where, "Arimidex", [(start, dose, "mg", "eod")], stop=stop)


def test_an_identical_regimen_is_present_and_takes_its_doses(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "eod", date(2026, 1, 1))
    regimen = _regimen("line 2", "2026-01-01")
    dose = dose_item("line 3", regimen.regimen, "2026-01-03T08:00", "taken")  # type: ignore[attr-defined]
    plan = _plan(journal, dose, regimen)
    assert (plan.present_count, plan.new_count) == (1, 1)  # type: ignore[attr-defined]
    apply_plan(journal, plan)  # type: ignore[arg-type]
    history = journal.history()
    assert len(history.regimens) == 1
    assert history.doses[0].regimen_id == history.regimens[0].id
    assert history.doses[0].at == datetime(2026, 1, 3, 8, 0)
    assert _plan(journal, dose, regimen).new_count == 0  # type: ignore[attr-defined]


def test_an_overlapping_different_regimen_is_skipped_with_its_doses(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "eod", date(2026, 1, 1))
    regimen = _regimen("line 2", "2026-01-10", dose=0.5)
    dose = dose_item("line 3", regimen.regimen, "2026-01-11T08:00", "taken")  # type: ignore[attr-defined]
    later = _regimen("line 4", "2025-06-01", stop="2025-07-01")  # before: no overlap
    plan = _plan(journal, regimen, dose, later)
    reasons = {entry.where: entry.reason for entry in plan.skipped}  # type: ignore[attr-defined]
    assert reasons == {
        "line 2": "overlaps the recorded anastrozole regimen started 2026-01-01",
        "line 3": "its regimen is skipped",
    }
    assert plan.new_count == 1  # type: ignore[attr-defined]


def test_plan_writes_nothing_and_apply_is_one_transaction(journal: Journal) -> None:
    plan = _plan(
        journal,
        symptom_item("line 2", DAY, "mood", 3),
        lab_item("line 3", DAY, "estradiol", 25, "pg/mL"),
    )
    assert journal.is_empty()
    # Someone records the same analyte between the preview and the import.
    record_draw(journal, DAY, [ResultInput("estradiol", "30", "pg/mL")])
    before = comparable(journal.history())
    with pytest.raises(InputError) as refused:
        apply_plan(journal, plan)  # type: ignore[arg-type]
    assert refused.value.field == "journal"
    assert comparable(journal.history()) == before  # the symptom was rolled back too


def test_plan_json_and_summary() -> None:
    parsed = ParsedImport("csv", items=[symptom_item("line 2", DAY, "mood", 3)])
    plan = plan_import(parsed, JournalSnapshot(History()), "x.csv")
    assert plan.summary() == "1 new, 0 already present, 0 skipped"
    assert plan.to_json() == {
        "source": "x.csv",
        "format": "csv",
        "new": 1,
        "replaced": 0,
        "present": 0,
        "skipped": [],
        "skipped_unlisted": 0,
        "notices": [],
    }


def test_a_result_that_fits_another_unit_gets_a_preview_note(journal: Journal) -> None:
    plan = _plan(
        journal,
        lab_item("line 2", DAY, "total_testosterone", 14.1, "ng/dL"),
        lab_item("line 3", DAY, "estradiol", 25, "pg/mL"),
    )
    note = (
        "14.1 ng/dL is far below usual adult male values of total testosterone. "
        "Did you mean 14.1 nmol/L?"
    )
    assert plan.notices == (f"line 2: {note}",)  # type: ignore[attr-defined]
    reasons = {row.where: row.reason for row in plan.rows()}  # type: ignore[attr-defined]
    assert reasons == {"line 2": f"new; check the unit: {note}", "line 3": "new"}
