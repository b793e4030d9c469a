"""A streamed import (many chunks in one transaction) does what the whole-file plan does."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from fertilitytracker.cli import run
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import (
    JournalSnapshot,
    apply_plan,
    export_journal,
    import_file,
    plan_file,
    stream,
)
from fertilitytracker.services.operations import ResultInput, record_draw
from fertilitytracker.storage.journal import Journal

from .conftest import SHARED_FHIR, comparable

START = date(2020, 1, 1)
ANALYTES = (("lh", "IU/L", 2.0), ("fsh", "IU/L", 3.0), ("estradiol", "pg/mL", 20.0))


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 4 lab results, so that a file of a few dozen rows crosses many of them."""
    monkeypatch.setattr(stream, "CHUNK", 4)


def _lab_csv(path: Path, rows: int, *, repeat: int = 0, conflict: int = 0) -> Path:
    """`rows` distinct results, then `repeat` of them again and `conflict` with other values."""
    lines = ["date,analyte,value,unit"]
    for index in range(rows):
        key, unit, value = ANALYTES[index % len(ANALYTES)]
        day = START + timedelta(days=index // len(ANALYTES))
        lines.append(f"{day},{key},{value + index % 7},{unit}")
    lines += lines[1 : 1 + repeat]
    for line in lines[1 : 1 + conflict]:
        day, key, value, unit = line.split(",")
        lines.append(f"{day},{key},{float(value) * 3},{unit}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _whole_file(journal: Journal, path: Path) -> tuple[int, int, int]:
    """The import as the desktop does it: the whole file planned, then applied."""
    plan = plan_file(path, JournalSnapshot.of(journal))
    apply_plan(journal, plan)
    return plan.new_count, plan.present_count, plan.skipped_count


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("format", ["csv", "fhir", "json"])
def test_streamed_import_gives_the_journal_of_the_whole_file_plan(
    demo_journal: Journal, journal: Journal, other_journal: Journal, tmp_path: Path, format: str
) -> None:
    exported = tmp_path / {"csv": "out.csv", "fhir": "out.fhir.json", "json": "out.json"}[format]
    export_journal(demo_journal, exported)
    counts = _whole_file(journal, exported)
    plan, change = import_file(other_journal, exported)
    assert (plan.new_count, plan.present_count, plan.skipped_count) == counts
    assert comparable(other_journal.history()) == comparable(journal.history())
    assert change is not None and "labs" in change.kinds
    # Imported again, every entry is already present, whichever chunk it falls in.
    again, _ = import_file(other_journal, exported)
    assert (again.new_count, again.present_count) == (0, counts[0] + counts[1])


@pytest.mark.usefixtures("small_chunks")
def test_repeats_and_conflicts_in_later_chunks_count_as_in_one_plan(
    journal: Journal, other_journal: Journal, tmp_path: Path
) -> None:
    lab = _lab_csv(tmp_path / "lab.csv", 30, repeat=10, conflict=5)
    plan, _ = import_file(journal, lab)
    assert _whole_file(other_journal, lab) == (30, 10, 5)
    assert (plan.new_count, plan.present_count, plan.skipped_count) == (30, 10, 5)
    assert comparable(journal.history()) == comparable(other_journal.history())
    # Rows of earlier chunks are named as the file's own, not as what the journal held.
    repeat = plan.present[0]
    assert (repeat[0].where, repeat[1]) == ("line 32", "same as an earlier entry of the file")
    conflict = plan.skipped[0]
    assert conflict.where == "line 42"  # the first row given again with another value
    assert conflict.reason == "conflicts with an earlier entry of the file (2 IU/L)"


@pytest.mark.usefixtures("small_chunks")
def test_a_bad_row_near_the_end_writes_nothing(demo_journal: Journal, tmp_path: Path) -> None:
    lab = _lab_csv(tmp_path / "lab.csv", 40)
    lines = lab.read_text(encoding="utf-8").splitlines()
    lines[-2] = "2021-02-30,lh,3,IU/L"  # line 40 of 41: many chunks were written before it
    lab.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = comparable(demo_journal.history())
    with pytest.raises(InputError) as refused:
        import_file(demo_journal, lab)
    assert refused.value.field == "line 40"
    assert "date" in refused.value.reason
    assert comparable(demo_journal.history()) == before


@pytest.mark.usefixtures("small_chunks")
def test_a_dry_run_counts_like_the_import_and_writes_nothing(
    journal: Journal, tmp_path: Path
) -> None:
    lab = _lab_csv(tmp_path / "lab.csv", 25, repeat=6, conflict=2)
    dry, change = import_file(journal, lab, dry_run=True)
    assert change is None
    assert journal.is_empty()
    done, _ = import_file(journal, lab)
    assert dry.summary() == done.summary() == "25 new, 6 already present, 2 skipped"


def test_a_big_import_lists_its_first_entries_and_counts_them_all(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "SHOWN_ENTRIES", 3)
    lab = _lab_csv(tmp_path / "lab.csv", 12, repeat=5, conflict=4)
    plan, _ = import_file(journal, lab)
    assert plan.summary() == "12 new, 5 already present, 4 skipped"
    assert [row.where for row in plan.rows()] == [f"line {n}" for n in (2, 3, 4, 14, 15, 16)] + [
        "line 19",
        "line 20",
        "line 21",
    ]
    assert plan.to_json()["skipped_unlisted"] == 1
    # Such an account is never written a second time.
    with pytest.raises(ValueError, match="plan the file again"):
        apply_plan(journal, plan)


def test_a_shared_fhir_file_imports_streamed_as_planned_whole(
    journal: Journal, other_journal: Journal
) -> None:
    source = SHARED_FHIR / "r4-synthea-male-lipids-Valentin_Keeling.json"
    if not source.exists():
        pytest.skip("the shared FHIR samples are not on this machine")
    plan, _ = import_file(journal, source)
    assert _whole_file(other_journal, source) == (
        plan.new_count,
        plan.present_count,
        plan.skipped_count,
    )
    assert comparable(journal.history()) == comparable(other_journal.history())


def test_imported_results_join_the_draw_of_their_day_and_fill_only_what_it_lacks(
    journal: Journal, tmp_path: Path
) -> None:
    record_draw(journal, date(2026, 1, 5), [ResultInput("lh", "3", "IU/L")])
    record_draw(journal, date(2026, 1, 6), [ResultInput("lh", "3", "IU/L")], time(7, 45), True)
    lab = tmp_path / "lab.csv"
    lab.write_text(
        "date,time,analyte,value,unit,fasting\n"
        "2026-01-05,,fsh,4,IU/L,\n"
        "2026-01-05,08:10,estradiol,20,pg/mL,\n"
        "2026-01-06,09:30,fsh,4,IU/L,\n"
        "2026-01-07,10:00,fsh,4,IU/L,\n"
        "2026-01-07,11:00,lh,4,IU/L,\n",
        encoding="utf-8",
    )
    plan, _ = import_file(journal, lab)
    assert plan.new_count == 5
    draws = {draw.date.day: draw for draw in journal.history().draws}
    assert {day: len(draw.results) for day, draw in draws.items()} == {5: 3, 6: 2, 7: 2}
    assert draws[5].time == time(8, 10)  # the draw had no time: the file's first one
    assert (draws[6].time, draws[6].fasting) == (time(7, 45), True)  # kept as recorded
    assert draws[7].time == time(10, 0)  # a new draw takes its day's first time


def test_the_command_line_says_how_many_skipped_entries_it_does_not_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(stream, "SHOWN_ENTRIES", 1)
    lab = tmp_path / "lab.csv"
    lab.write_text("date,test,value,unit\n2026-01-05,Ferritin,80,ng/mL\n2026-01-05,Zinc,9,umol/L\n")
    assert run(["--db", str(tmp_path / "journal.sqlite3"), "import", str(lab)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "0 new, 0 already present, 2 skipped",
        "  skipped 1: unknown analyte 'Ferritin' (not in the catalogue) (line 2)",
        "  skipped 1 more, not listed",
    ]
