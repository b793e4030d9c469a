"""Reminders screen: tests with window, status in colour and words, reason; Log result; export."""

from __future__ import annotations

import stat
from datetime import date, datetime, time
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel
from pytestqt.modeltest import ModelTester

from fertilitytracker.gui import autostart
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.navigation import Navigation, NewAnalysis, NewDraw
from fertilitytracker.gui.screens.reminders import RemindersScreen, status_colour
from fertilitytracker.gui.theme import error_color, muted_color
from fertilitytracker.services.operations import (
    ResultInput,
    build_semen,
    change_regimen,
    record_draw,
    record_semen,
    start_regimen,
)
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.builders import Clock

pytestmark = pytest.mark.gui

TEST_COLUMN, STATUS_COLUMN, OPENS_COLUMN, DUE_COLUMN, REASON_COLUMN = range(5)


@pytest.fixture(autouse=True)
def _private_autostart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Autostart entries go to tmp_path, never to the user's ~/.config."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 10, 23, 9, 0))


@pytest.fixture
def ctx(journal: Journal, clock: Clock) -> AppContext:
    return AppContext(journal, today=clock.today, now=clock.now)


@pytest.fixture
def screen(show, ctx: AppContext) -> RemindersScreen:
    return show(RemindersScreen(ctx), 1100, 700)


def cell(screen: RemindersScreen, test: str, column: int, role: int = 0) -> object:
    model = screen.model
    for row in range(model.rowCount()):
        if model.row_at(row).test == test:
            return model.data(model.index(row, column), role)
    raise AssertionError(f"no row for {test}")


def shown_tests(screen: RemindersScreen) -> list[str]:
    model = screen.model
    return [str(model.data(model.index(row, TEST_COLUMN))) for row in range(model.rowCount())]


def anastrozole_changed(journal: Journal) -> None:
    start_regimen(journal, "anastrozole", "1", "mg", "daily", date(2026, 9, 1), time(8, 0))
    change_regimen(journal, "anastrozole", date(2026, 10, 22), dose="0.5")


def test_empty_journal_says_nothing_is_due(screen: RemindersScreen) -> None:
    assert screen.model.rowCount() == 0
    assert screen.empty_label.isVisible()
    assert not screen.table.isVisible()
    assert "no dose reminders" in " ".join(
        label.text() for label in screen.doses_box.findChildren(QLabel)
    )


def test_each_test_with_window_status_and_reason(
    qtbot, screen: RemindersScreen, ctx: AppContext, clock: Clock
) -> None:
    anastrozole_changed(ctx.journal)
    clock.moment = datetime(2026, 11, 6, 9, 0)
    with qtbot.waitSignal(ctx.journal_changed):
        ctx.reload()
    # Sorted by due date: the lipid baseline (due 2026-09-29) first.
    assert shown_tests(screen) == ["Lipid panel", "Hormone panel", "Semen analysis", "DEXA scan"]
    assert cell(screen, "hormone_panel", OPENS_COLUMN) == "2026-11-05"
    assert cell(screen, "hormone_panel", DUE_COLUMN) == "2026-11-19"
    assert cell(screen, "hormone_panel", REASON_COLUMN) == (
        "anastrozole changed to 0.5 mg daily on 2026-10-22"
    )
    assert cell(screen, "hormone_panel", STATUS_COLUMN) == "● open"
    assert cell(screen, "lipid_panel", STATUS_COLUMN) == "▲ overdue"
    assert cell(screen, "dexa", STATUS_COLUMN) == "○ upcoming"
    # Colour as well as words, from the palette.
    palette = screen.palette()
    foreground = Qt.ItemDataRole.ForegroundRole
    assert cell(screen, "lipid_panel", STATUS_COLUMN, foreground) == error_color(palette)
    assert cell(screen, "dexa", STATUS_COLUMN, foreground) == muted_color(palette)
    open_colour = cell(screen, "hormone_panel", STATUS_COLUMN, foreground)
    assert isinstance(open_colour, QColor)
    assert open_colour not in (error_color(palette), muted_color(palette))
    # The rule's own wording is one hover away.
    tooltip = str(cell(screen, "hormone_panel", REASON_COLUMN, Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith("hormone_panel after a change.")


def test_status_follows_the_pinned_today(
    qtbot, screen: RemindersScreen, ctx: AppContext, clock: Clock
) -> None:
    anastrozole_changed(ctx.journal)
    for day, status in (("2026-11-04", "○ upcoming"), ("2026-11-19", "● open"),
                        ("2026-11-20", "▲ overdue")):  # fmt: skip
        clock.moment = datetime.combine(date.fromisoformat(day), time(9, 0))
        ctx.reload()
        assert cell(screen, "hormone_panel", STATUS_COLUMN) == status, day
    assert screen.as_of.text() == "as of Friday 20 November 2026"


def test_a_later_result_makes_the_reminder_go_away(
    qtbot, screen: RemindersScreen, ctx: AppContext, clock: Clock
) -> None:
    anastrozole_changed(ctx.journal)
    clock.moment = datetime(2026, 11, 10, 9, 0)
    ctx.reload()
    assert cell(screen, "hormone_panel", REASON_COLUMN) == (
        "anastrozole changed to 0.5 mg daily on 2026-10-22"
    )
    change = record_draw(
        ctx.journal,
        date(2026, 11, 10),
        [
            ResultInput("total_testosterone", "610", "ng/dL"),
            ResultInput("estradiol", "24", "pg/mL"),
        ],
    )
    with qtbot.waitSignal(ctx.journal_changed):
        ctx.notify(change)
    reason = str(cell(screen, "hormone_panel", REASON_COLUMN))
    assert reason == "on anastrozole: 90 days after the panel of 2026-11-10"
    assert cell(screen, "hormone_panel", DUE_COLUMN) == "2027-02-08"


def test_log_result_asks_for_the_lab_form_with_the_panel(
    qtbot, screen: RemindersScreen, ctx: AppContext
) -> None:
    anastrozole_changed(ctx.journal)
    ctx.reload()
    button = screen.log_button("hormone_panel")
    assert button is not None and button.isVisible()
    assert button.accessibleName() == "Log result: Hormone panel"
    with qtbot.waitSignal(screen.navigate_requested) as signal:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert signal.args == [
        Navigation("labs", NewDraw(("total_testosterone", "estradiol"), "hormone_panel"))
    ]


def test_log_result_for_a_semen_analysis_asks_for_the_semen_form(
    qtbot, screen: RemindersScreen, ctx: AppContext
) -> None:
    start_regimen(ctx.journal, "clomiphene", "25", "mg", "daily", date(2026, 5, 1))
    ctx.reload()
    with qtbot.waitSignal(screen.navigate_requested) as signal:
        qtbot.mouseClick(screen.log_button("semen_analysis"), Qt.MouseButton.LeftButton)
    assert signal.args == [Navigation("semen", NewAnalysis("semen_analysis"))]
    # A recorded analysis re-anchors the window.
    record_semen(ctx.journal, build_semen(date(2026, 10, 1), "3", "20"))
    ctx.reload()
    assert cell(screen, "semen_analysis", OPENS_COLUMN) == "2026-12-30"


def test_dexa_asks_for_the_labs_page_and_enter_on_a_row_logs_too(
    qtbot, screen: RemindersScreen, ctx: AppContext
) -> None:
    start_regimen(ctx.journal, "anastrozole", "1", "mg", "daily", date(2025, 9, 1))
    ctx.reload()
    row = next(r for r in range(screen.model.rowCount()) if screen.model.row_at(r).test == "dexa")
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.model.index(row, TEST_COLUMN))
    with qtbot.waitSignal(screen.navigate_requested) as signal:
        qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert signal.args == [Navigation("labs", NewDraw(("dexa_t_score",), "dexa"))]


def test_buttons_follow_their_rows_after_sorting(
    qtbot, screen: RemindersScreen, ctx: AppContext
) -> None:
    anastrozole_changed(ctx.journal)
    ctx.reload()
    screen.table.sortByColumn(TEST_COLUMN, Qt.SortOrder.DescendingOrder)
    assert shown_tests(screen)[0] == "Semen analysis"
    with qtbot.waitSignal(screen.navigate_requested) as signal:
        qtbot.mouseClick(screen.log_button("semen_analysis"), Qt.MouseButton.LeftButton)
    assert signal.args[0].page == "semen"
    first_row_button = screen.table.indexWidget(screen.model.index(0, 5))
    assert first_row_button is screen.log_button("semen_analysis")


def test_stored_offsets_apply_and_bad_ones_fall_back_with_a_message(
    qtbot, screen: RemindersScreen, ctx: AppContext
) -> None:
    start_regimen(ctx.journal, "testosterone", "100", "mg", "mon,thu", date(2026, 10, 1))
    set_setting(ctx.journal, "rule_offsets", {"hormone_after_change_opens_days": 21})
    ctx.reload()
    assert cell(screen, "hormone_panel", OPENS_COLUMN) == "2026-10-22"
    assert "schedule set in Settings" in screen.rules_label.text()
    set_setting(ctx.journal, "rule_offsets", {"hormone_after_change_opens_days": 99})
    ctx.reload()
    assert screen.offsets_warning.isVisible()
    assert "hormone_after_change_opens_days" in screen.offsets_warning.text()
    assert cell(screen, "hormone_panel", OPENS_COLUMN) == "2026-10-15"  # the default 14 days


def test_dose_reminder_times_are_listed(qtbot, screen: RemindersScreen, ctx: AppContext) -> None:
    anastrozole_changed(ctx.journal)
    start_regimen(ctx.journal, "clomiphene", "25", "mg", "daily x2", date(2026, 10, 1), time(7, 30))
    start_regimen(ctx.journal, "hcg", "1500", "IU", "mon,thu", date(2026, 10, 1))
    ctx.reload()
    words = {
        label.accessibleName(): label.text()
        for label in screen.doses_box.findChildren(QLabel)
        if label.accessibleName()
    }
    # 2026-10-23 09:00: anastrozole's 08:00 has passed, tomorrow is next.
    assert words["anastrozole reminder"] == "reminder at 08:00 · next: Sat 2026-10-24 08:00"
    assert words["clomiphene reminder"] == "reminder at 07:30, 19:30 · next: today 19:30"
    assert words["hcg reminder"] == "no reminder: set a time of day in Medications"


def test_export_to_calendar_writes_a_private_ics(
    qtbot, screen: RemindersScreen, ctx: AppContext, tmp_path: Path, monkeypatch
) -> None:
    anastrozole_changed(ctx.journal)
    ctx.reload()
    target = tmp_path / "out.ics"
    monkeypatch.setattr(screen, "ask_export_path", lambda: target)
    with qtbot.waitSignal(screen.calendar_exported) as signal:
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert signal.args == [target]
    assert screen.message.text().startswith(f"✓ Calendar written to {target}.")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert len([e for e in events if str(e["UID"]).startswith("test-")]) == 4
    assert len([e for e in events if str(e["UID"]).startswith("dose-")]) == 2


def test_export_cancelled_writes_nothing_and_failure_says_why(
    qtbot, screen: RemindersScreen, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(screen, "ask_export_path", lambda: None)
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert screen.message.text() == ""
    assert screen.export_calendar_to(tmp_path / "missing" / "out.ics") is None
    assert screen.message.text().startswith("Not exported:")
    assert screen.message.palette().color(screen.message.foregroundRole()) == error_color(
        screen.palette()
    )


def test_start_at_login_writes_and_removes_the_autostart_entry(
    qtbot, screen: RemindersScreen, ctx: AppContext, _private_autostart: Path
) -> None:
    entry = _private_autostart / "autostart" / autostart.ENTRY_NAME
    assert not screen.autostart_box.isChecked()
    screen.autostart_box.setFocus()
    qtbot.keyClick(screen.autostart_box, Qt.Key.Key_Space)
    assert entry.is_file()
    text = entry.read_text()
    assert "--minimized" in text and str(ctx.journal.path) in text
    assert autostart.is_enabled()
    screen.refresh()
    assert screen.autostart_box.isChecked()
    qtbot.mouseClick(screen.autostart_box, Qt.MouseButton.LeftButton, pos=QPoint(6, 8))
    assert not entry.exists()
    assert screen.message.text() == "✓ Will no longer start at login."


def test_the_model_passes_modeltest(qtbot, screen: RemindersScreen, ctx: AppContext) -> None:
    anastrozole_changed(ctx.journal)
    ctx.reload()
    tester = ModelTester(None)
    tester.check(screen.model, force_py=True)
    assert screen.model.rowCount(screen.model.index(0, 0)) == 0
    assert screen.model.data(QModelIndex()) is None


def test_status_colours_read_on_light_and_dark_palettes(qtbot) -> None:
    from fertilitytracker.gui.theme import _dark_palette, _light_palette

    for palette in (_light_palette(), _dark_palette()):
        window = palette.color(palette.ColorRole.Base)
        for status in ("upcoming", "open", "overdue"):
            colour = status_colour(palette, status)
            assert abs(colour.lightness() - window.lightness()) > 60, (status, colour.name())


def test_the_calendar_is_never_written_over_the_journal(
    qtbot, screen: RemindersScreen, ctx: AppContext, tmp_path: Path, monkeypatch
) -> None:
    journal = ctx.journal.path
    before = journal.read_bytes()
    link = tmp_path / "calendar.ics"
    link.symlink_to(journal)
    for target in (journal, link):
        monkeypatch.setattr(screen, "ask_export_path", lambda target=target: target)
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
        assert screen.message.text().startswith("Not exported: ics:")
        assert "is the journal or one of its backups" in screen.message.text()
    assert journal.read_bytes() == before
