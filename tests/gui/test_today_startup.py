"""Start-up on the way to Today: the journal is checked once, and a broken link still refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fertilitytracker.gui import recovery
from fertilitytracker.gui.app import build_window
from tests import builders

pytestmark = pytest.mark.gui


def test_a_journal_with_a_row_pointing_to_nothing_is_offered_recovery_at_start(
    qtbot, tmp_path: Path, ui_state, monkeypatch
) -> None:
    path = tmp_path / "links.sqlite3"
    with builders.open_journal(path) as journal:
        builders.draw(journal, builders.TODAY, ("lh", "4", "IU/L"))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute(
        "INSERT INTO lab_results (draw_id, analyte, value, entered_value, entered_unit)"
        " VALUES (999, 'fsh', 1, 1, 'IU/L')"
    )
    connection.commit()
    connection.close()
    offered: list[str] = []

    def offer(_parent: object, _path: Path, error: object, passphrase: str | None = None) -> None:
        offered.append(str(error))  # the person declines the copy of a backup

    monkeypatch.setattr(recovery, "offer_recovery", offer)
    made = build_window(path, ui_state)
    qtbot.addWidget(made)
    qtbot.waitUntil(lambda: made.message_buttons.isVisibleTo(made))
    assert len(offered) == 1 and "lab_results row" in offered[0]
    assert "points to a missing draws row" in offered[0]
    assert "links.sqlite3 failed its check and was left unchanged." in made.message_label.text()
    assert made.context is None
