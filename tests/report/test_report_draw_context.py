"""The report's lab section prints each draw's context (docs/clinical.md §8), read back."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

from fertilitytracker.cli import run
from fertilitytracker.services.journal import ResultInput, record_draw
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
    assert "Context of each blood draw" in text
    assert (
        # The known journal logs anastrozole every day at 08:00.
        "2025-04-03: drawn 15:30, not fasting; anastrozole 7.5 h after the last logged dose" in text
    )
    assert "2025-01-06: drawn 08:00, fasting not recorded" in text
    assert "guidelines ask for a morning draw" in text
    assert "not yet confirmed by a second morning draw" in text
    assert "AUA 2018" in text and "Endocrine Society 2018" in text
