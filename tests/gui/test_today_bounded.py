"""Today reads only the latest records it shows, and shows what the whole history would give.

A ten-year-style journal (inhibitors with dose changes and stops, a fertility course, hCG, a draw
a month with censored estradiols, lipid panels, T-scores from the lab and from the DEXA form,
semen analyses) is looked at on many days of its decade: Today's due tests and latest hormones
from its bounded read are those computed from every record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from fertilitytracker.core.monitoring import DueTest, due_tests
from fertilitytracker.core.records import History
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.today import TodayScreen
from fertilitytracker.gui.screens.today_latest import latest_values
from fertilitytracker.services.operations import change_regimen, remove, stop_regimen
from fertilitytracker.services.reminders import due_tests_in_force
from fertilitytracker.storage.journal import Journal
from tests import builders
from tests.builders import Clock

pytestmark = pytest.mark.gui

FIRST = date(2016, 6, 1)
LAST = date(2026, 6, 1)


def _fill(journal: Journal) -> None:
    """Ten years of treatment, a draw about every month (see the module docstring)."""
    builders.regimen(journal, "anastrozole", date(2016, 7, 1), "1", schedule="eod")
    for step, day in enumerate(range(0, 1200, 170)):
        dose = "0.5" if step % 2 else "1"
        change_regimen(journal, "anastrozole", date(2016, 9, 1) + timedelta(day), dose=dose)
    stop_regimen(journal, "anastrozole", date(2020, 2, 1))
    builders.regimen(journal, "clomiphene", date(2018, 1, 10), "25")
    stop_regimen(journal, "clomiphene", date(2019, 1, 10))
    builders.regimen(journal, "letrozole", date(2021, 3, 1), "2.5", schedule="mon,thu")
    change_regimen(journal, "letrozole", date(2022, 8, 1), dose="1.25")
    builders.regimen(journal, "hcg", date(2023, 6, 1), "1500", "IU", "mon,thu")

    day, index = FIRST + timedelta(days=10), 0
    while day < LAST:
        if date(2024, 1, 1) <= day < date(2024, 9, 1):
            day += timedelta(days=30)  # months without a draw: the panel on therapy falls due
            continue
        # Estradiol below the assay's limit now and then, and at every draw of the last nine
        # months: the T/E ratio Today shows is then an older draw's, of no other row.
        censored = index % 7 == 3 or date(2025, 9, 1) <= day
        entries = [
            ("total_testosterone", str(300 + (index * 37) % 500), "ng/dL"),
            ("estradiol", "<5" if censored else str(12 + (index * 11) % 40), "pg/mL"),
        ]
        if index % 5 == 4:
            entries = entries[1:]  # an estradiol alone: no panel, no ratio
        if index % 3 == 0 or date(2025, 6, 1) <= day:
            entries.append(("lh", str(1 + (index % 9)), "IU/L"))
        if index % 11 == 0 and not date(2019, 6, 1) <= day < date(2021, 9, 1):
            entries.append(("total_cholesterol", str(160 + index % 60), "mg/dL"))
        if index % 29 == 7:
            entries.append(("dexa_t_score", "-1.2", "SD"))
        builders.draw(journal, day, *entries)
        if index % 13 == 5:
            builders.semen(journal, day + timedelta(days=2))
        if index % 17 == 9:
            builders.dexa(journal, day + timedelta(days=5), "-0.8")
        day += timedelta(days=28 + index % 9)
        index += 1


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with builders.open_journal(tmp_path / "ten-years.sqlite3") as opened:
        _fill(opened)
        yield opened


def _due(journal: Journal, day: date, history: History) -> list[DueTest]:
    return due_tests_in_force(journal, day, history)


def test_todays_due_tests_and_latest_hormones_are_those_of_the_whole_history(
    qtbot, journal: Journal
) -> None:
    clock = Clock(datetime.combine(FIRST, time(9, 0)))
    context = AppContext(journal, today=clock.today, now=clock.now)
    screen = TodayScreen(context)
    qtbot.addWidget(screen)
    whole = journal.history()
    rules, older_ratio, read_most = set(), 0, 0
    day = FIRST
    while day <= LAST:
        clock.moment = datetime.combine(day, time(9, 0))
        shown = screen.shown_records()
        read_most = max(read_most, len(shown.draws))

        assert list(context.due_tests(day)) == _due(journal, day, whole), day
        assert _due(journal, day, shown) == _due(journal, day, whole), day
        assert due_tests(shown, day) == due_tests(whole, day), day  # upcoming windows too
        latest, ratio = latest_values(context, shown)
        assert (latest, ratio) == latest_values(context, whole), day

        rules |= {w.rule for w in context.due_tests(day) if w.status in ("open", "overdue")}
        panels = [draw for draw in shown.draws if draw.result("total_testosterone")]
        if ratio is not None and panels and panels[-1].date > ratio.date:
            older_ratio += 1
        day += timedelta(days=19)
    # The comparison covered every rule and the ratio of an older draw, from a bounded read.
    assert rules >= {
        "hormone_panel_after_change",
        "hormone_panel_on_therapy",
        "semen_analysis",
        "lipid_panel_baseline",
        "lipid_panel_yearly",
        "dexa_after_scan",
    }
    assert older_ratio > 0
    assert len(whole.draws) > 100
    assert read_most <= 20, read_most


def test_a_draw_saved_or_deleted_elsewhere_shows_on_today_at_once(show, journal: Journal) -> None:
    context = AppContext(journal, today=lambda: LAST, now=lambda: builders.NOW)
    screen = show(TodayScreen(context))
    before = _row(screen, "Total testosterone value")

    change = builders.draw(journal, LAST, ("total_testosterone", "812", "ng/dL"))
    context.notify(change)
    assert _row(screen, "Total testosterone value") == ("<b>812</b> ng/dL", str(LAST))

    context.notify(remove(journal, "lab_result", change.ids[0])[0])
    assert _row(screen, "Total testosterone value") == before != ("<b>812</b> ng/dL", str(LAST))


def _row(screen: TodayScreen, name: str) -> tuple[str, str]:
    """The value a latest-hormones row shows and the date of its draw."""
    grid = screen.latest_box.grid
    for index in range(grid.count()):
        found = grid.itemAt(index).widget()
        if isinstance(found, QLabel) and found.accessibleName() == name:
            row, _column, _rows, _columns = grid.getItemPosition(index)
            when = grid.itemAtPosition(row, 3).widget()
            assert isinstance(when, QLabel)
            return found.text(), when.text()
    raise AssertionError(f"no label {name!r}")
