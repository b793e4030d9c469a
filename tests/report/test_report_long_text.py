"""Text longer than any way in allows (a journal from before the caps) cannot break the report."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fertilitytracker.cli import run
from fertilitytracker.storage.journal import Journal
from tests.report.conftest import known_journal, read_pdf


@pytest.mark.parametrize(
    ("name", "note"),
    [("A" * 2000, "N" * 2000), ("B " * 50_000, "word " * 20_000), ("C" * 100_000, "x")],
)
def test_long_names_and_notes_are_cut_not_a_layout_error_or_a_hang(
    tmp_path: Path, capsys, name: str, note: str
) -> None:
    db = tmp_path / "journal.sqlite3"
    journal = Journal.open(db)
    known_journal(journal)
    journal.close()
    # Written behind the app's back, as a journal from before the length limits could hold.
    connection = sqlite3.connect(db)
    connection.execute("UPDATE regimens SET name = ?", (name,))
    connection.execute("UPDATE lab_results SET method = ?", (name,))
    connection.execute(
        "INSERT INTO symptoms (date, name, severity, note) VALUES ('2025-03-01', ?, 4, ?)",
        (name, note),
    )
    connection.commit()
    connection.close()
    out = tmp_path / "report.pdf"
    capsys.readouterr()
    assert run(["--db", str(db), "report", str(out)]) == 0, capsys.readouterr().err
    text = read_pdf(out).text
    assert "…" in text
    assert name[:40].strip() in text.replace("\n", "")
