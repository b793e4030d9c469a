"""The desktop's preview is the streamed import's dry run: bounded, lazy, and what it imports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import fertilitytracker.services.exchange as exchange
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import ImportCancelled, import_file, stream
from fertilitytracker.services.operations import ResultInput, record_draw
from fertilitytracker.storage.journal import Journal

from .conftest import comparable
from .test_stream import START, _lab_csv, small_chunks  # noqa: F401 (a fixture)


def test_the_preview_of_a_big_file_counts_every_entry_and_lists_the_first(
    journal: Journal, tmp_path: Path
) -> None:
    lab = _lab_csv(tmp_path / "lab.csv", 40_000, repeat=8_000, conflict=2_000)
    preview, change = import_file(journal, lab, dry_run=True)
    assert change is None and journal.is_empty()
    assert preview.summary() == "40000 new, 8000 already present, 2000 skipped"
    listed = stream.SHOWN_ENTRIES
    assert (len(preview.to_add), len(preview.present), len(preview.skipped)) == (listed,) * 3
    assert len(preview.rows()) == 3 * listed
    assert [row.where for row in preview.rows()[:2]] == ["line 2", "line 3"]


def test_the_preview_reads_the_file_a_chunk_ahead_of_what_it_planned(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are taken from the reader as they are planned, never the whole file first."""
    lab = _lab_csv(tmp_path / "lab.csv", 50_000)
    read = 0
    ahead: list[int] = []  # at each chunk planned: rows read but not yet planned before it

    def counted(items: Iterable[Any]) -> Iterator[Any]:
        nonlocal read
        for item in items:
            read += 1
            yield item

    real_stream, real_plan = stream.stream_import, stream.plan_import
    planned = 0

    def streamed(journal: Journal, source: str, parsed: Any, items: Any, **kw: Any) -> Any:
        return real_stream(journal, source, parsed, counted(items), **kw)

    def plan(parsed: Any, *args: Any, **kw: Any) -> Any:
        nonlocal planned
        ahead.append(read - planned)
        planned += len(parsed.items)
        return real_plan(parsed, *args, **kw)

    monkeypatch.setattr(exchange, "stream_import", streamed)
    monkeypatch.setattr(stream, "plan_import", plan)
    preview, _ = import_file(journal, lab, dry_run=True)
    assert preview.new_count == read == planned == 50_000
    assert len(ahead) == 50_000 // stream.CHUNK + 1
    assert max(ahead) == stream.CHUNK


def test_many_notes_are_counted_not_all_listed(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "SHOWN_ENTRIES", 3)
    lines = [f"{START.replace(day=1 + n)},total_testosterone,14.1,ng/dL" for n in range(8)]
    lab = tmp_path / "lab.csv"
    lab.write_text("date,analyte,value,unit\n" + "\n".join(lines) + "\n", encoding="utf-8")
    preview, _ = import_file(journal, lab, dry_run=True)
    assert [note.split(":")[0] for note in preview.notices] == [
        "line 2",
        "line 3",
        "line 4",
        "5 more notes, not listed",
    ]


@pytest.mark.usefixtures("small_chunks")
def test_an_import_does_what_its_preview_showed_or_nothing(
    journal: Journal, tmp_path: Path
) -> None:
    lab = _lab_csv(tmp_path / "lab.csv", 20, repeat=3)
    preview, _ = import_file(journal, lab, dry_run=True)
    # Meanwhile the journal gained a result of the file's first day with another value.
    record_draw(journal, START, [ResultInput("lh", "9", "IU/L")])
    before = comparable(journal.history())
    with pytest.raises(InputError) as refused:
        import_file(journal, lab, expected=preview.outcome)
    assert "changed since the import was previewed" in refused.value.reason
    assert comparable(journal.history()) == before
    # Previewed again, it imports: the first row and its repeat now conflict and are skipped.
    again, _ = import_file(journal, lab, dry_run=True)
    assert again.outcome != preview.outcome
    done, change = import_file(journal, lab, expected=again.outcome)
    assert done.summary() == again.summary() == "19 new, 2 already present, 2 skipped"
    assert change is not None and "labs" in change.kinds


@pytest.mark.usefixtures("small_chunks")
def test_a_cancelled_import_writes_nothing_though_chunks_were_written(
    demo_journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "ASK_EVERY", 10)
    lab = _lab_csv(tmp_path / "lab.csv", 40)
    before = comparable(demo_journal.history())
    asked: list[bool] = []
    told: list[int] = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) == 3  # after 30 rows: seven chunks of 4 written

    with pytest.raises(ImportCancelled):
        import_file(demo_journal, lab, cancelled=cancelled, progress=told.append)
    assert told == [10, 20]
    assert comparable(demo_journal.history()) == before
