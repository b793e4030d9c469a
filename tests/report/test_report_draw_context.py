"""The report's lab section prints each draw's context (docs/clinical.md §8), read back."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

from fertilitytracker.cli import run
from fertilitytracker.services.operations import ResultInput, record_draw
from fertilitytracker.storage.journal import Journal
from tests.report.conftest import known_journal, read_pdf


def test_the_lab_section_prints_time_fasting_dose_intervals_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = Journal.open(path)
    known_journal(journal)
    record_draw(
        journal,
        date(2025, 4, 3),
        [ResultInput("total_testosterone", "240", "ng/dL")],
        time(15, 30),
        fasting=False,
    )
    journal.close()
    out = tmp_path / "report.pdf"
    assert run(["--db", str(path), "report", str(out)]) == 0
    text = re.sub(r"\s+", " ", read_pdf(out).text)
    labs = text[text.index("All laboratory results") :]
    # The grid's Time column: when drawn, N not fasting, and the marks of the notes.
    assert "2025-04-03 15:30 N¹²" in labs or "2025-04-03 15:30 N²¹" in labs
    assert "2025-01-06 08:00" in labs
    assert "Drawn after 10:00" in labs and "guidelines ask for a morning draw" in labs
    assert "not yet confirmed by a second morning draw" in labs
    assert "AUA 2018" in labs and "Endocrine Society 2018" in labs
    # The known journal logs anastrozole every day at 08:00.
    assert "Hours from the last logged dose to the draw" in labs
    assert "2025-04-03 15:30 anastrozole 7.5 h" in labs
