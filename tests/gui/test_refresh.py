"""A write says what it changed: screens show it, hidden ones once they are shown again."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.main_window import MainWindow
from fertilitytracker.gui.screens.labs import LabsScreen
from fertilitytracker.gui.screens.today import TodayScreen
from fertilitytracker.gui.theme import flag_color
from fertilitytracker.services.operations import (
    ResultInput,
    log_dose,
    record_draw,
    record_symptom,
    remove,
    start_regimen,
)
from tests.builders import TODAY
from tests.gui._fixtures_labs import column_named, column_texts

pytestmark = pytest.mark.gui

NEW_DAY = date(2026, 5, 25)


def value_text(today: TodayScreen, name: str) -> str:
    for label in today.latest_box.findChildren(QLabel):
        if label.accessibleName() == f"{name} value":
            return label.text()
    raise AssertionError(f"no value shown for {name}")


def draw_dates(labs: LabsScreen) -> list[str]:
    proxy = labs.draws_table.model()
    return column_texts(proxy, column_named(proxy, "Date"))


def save_draw(qtbot, labs: LabsScreen, day: date, value: str) -> None:
    labs.open_new_draw(["total_testosterone"])
    labs.draw_form.date_edit.set_value(day)
    labs.draw_form.rows[0].value_edit.setText(value)
    with qtbot.waitSignal(labs.result_saved):
        qtbot.mouseClick(labs.draw_form.save_button, Qt.MouseButton.LeftButton)


def test_a_save_on_labs_shows_in_its_table_and_on_today_once_shown(
    qtbot, demo_window: MainWindow
) -> None:
    today = demo_window.page("today")
    assert isinstance(today, TodayScreen)
    assert "712" in value_text(today, "Total testosterone")
    labs = demo_window.show_page("labs")
    assert isinstance(labs, LabsScreen)
    rows_before = len(draw_dates(labs))

    save_draw(qtbot, labs, NEW_DAY, "650")

    assert len(draw_dates(labs)) == rows_before + 1
    assert draw_dates(labs)[0] == "2026-05-25"  # newest first
    # Today is hidden: it waits, and shows the new value when it is shown again.
    assert today.follower.is_stale
    assert "712" in value_text(today, "Total testosterone")
    demo_window.show_page("today")
    assert not today.follower.is_stale
    assert "650" in value_text(today, "Total testosterone")


def test_deleting_the_only_result_of_a_draw_removes_its_row_and_undo_brings_it_back(
    qtbot, demo_window: MainWindow
) -> None:
    labs = demo_window.show_page("labs")
    assert isinstance(labs, LabsScreen)
    save_draw(qtbot, labs, NEW_DAY, "650")
    assert labs.show_draw(NEW_DAY)
    labs.results_table.selectRow(0)

    qtbot.mouseClick(labs.delete_button, Qt.MouseButton.LeftButton)

    assert "2026-05-25" not in draw_dates(labs)
    qtbot.mouseClick(labs.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert "2026-05-25" in draw_dates(labs)


def test_a_write_elsewhere_reaches_a_shown_screen_and_leaves_the_other_records(
    qtbot, demo_window: MainWindow, demo_context: AppContext
) -> None:
    labs = demo_window.show_page("labs")
    assert isinstance(labs, LabsScreen)
    before = demo_context.history()
    change = record_draw(demo_context.journal, NEW_DAY, [ResultInput("lh", "5", "IU/L")])

    demo_context.notify(change)

    after = demo_context.history()
    assert [draw.date for draw in after.draws] == sorted([*(d.date for d in before.draws), NEW_DAY])
    assert after.doses is before.doses  # a lab write leaves the doses as they were read
    assert "2026-05-25" in draw_dates(labs)
    deleted, _removed = remove(demo_context.journal, "lab_result", change.ids[0])
    demo_context.notify(deleted)
    assert NEW_DAY not in [draw.date for draw in demo_context.history().draws]
    assert "2026-05-25" not in draw_dates(labs)


def test_a_hidden_screen_does_nothing_until_shown(qtbot, demo_context: AppContext) -> None:
    labs = LabsScreen(demo_context)
    qtbot.addWidget(labs)  # never shown yet
    rows_before = len(draw_dates(labs))
    change = record_draw(demo_context.journal, NEW_DAY, [ResultInput("lh", "5", "IU/L")])

    demo_context.notify(change)

    assert labs.follower.is_stale
    assert len(draw_dates(labs)) == rows_before
    labs.show()
    assert len(draw_dates(labs)) == rows_before + 1


def test_a_dose_logged_before_a_draw_updates_that_draws_context(qtbot, context: AppContext) -> None:
    start_regimen(context.journal, "anastrozole", "0.5", "mg", "daily", date(2026, 5, 1))
    record_draw(
        context.journal, TODAY, [ResultInput("estradiol", "24", "pg/mL")], draw_time=time(10, 0)
    )
    labs = LabsScreen(context)
    qtbot.addWidget(labs)
    labs.show()
    assert labs.show_draw(TODAY)
    assert "anastrozole: no dose logged before the draw" in labs.context_label.text()

    change = log_dose(context.journal, "anastrozole", datetime(2026, 6, 1, 7, 30))
    context.notify(change)

    assert "anastrozole 2.5 h after the last logged dose" in labs.context_label.text()


def test_a_second_low_morning_testosterone_clears_the_unconfirmed_note_of_the_first(
    qtbot, context: AppContext
) -> None:
    low = [ResultInput("total_testosterone", "150", "ng/dL")]
    record_draw(context.journal, date(2026, 5, 1), low, draw_time=time(8, 0))
    labs = LabsScreen(context)
    qtbot.addWidget(labs)
    labs.show()
    assert labs.show_draw(date(2026, 5, 1))
    assert "Note:" in labs.context_label.text()

    second = record_draw(context.journal, date(2026, 5, 8), low, draw_time=time(8, 0))
    context.notify(second)

    assert labs.show_draw(date(2026, 5, 1))
    assert "Note:" not in labs.context_label.text()

    # A normal draw changes one row only; the first low stays confirmed.
    normal = [ResultInput("total_testosterone", "550", "ng/dL")]
    context.notify(record_draw(context.journal, date(2026, 5, 15), normal, draw_time=time(8, 0)))
    assert labs.show_draw(date(2026, 5, 1))
    assert "Note:" not in labs.context_label.text()

    # The second low deleted, the first is unconfirmed again.
    deleted, _removed = remove(context.journal, "lab_result", second.ids[0])
    context.notify(deleted)
    assert labs.show_draw(date(2026, 5, 1))
    assert "not yet confirmed by a second morning draw" in labs.context_label.text()


def test_recent_doses_are_the_same_read_bounded_or_from_the_kept_history(
    demo_context: AppContext,
) -> None:
    since = date(2026, 5, 25)
    bounded = demo_context.doses_since(since)  # nothing kept yet: read through the index
    assert bounded and all(dose.at.date() >= since for dose in bounded)
    everything = demo_context.history()
    assert demo_context.doses_since(since) == bounded
    assert bounded == tuple(dose for dose in everything.doses if dose.at.date() >= since)
    only = demo_context.history(("regimens",))
    assert only.regimens == everything.regimens and only.doses == ()


def test_the_kept_records_stay_those_of_the_journal_through_bounded_changes(
    demo_context: AppContext,
) -> None:
    kept = demo_context.history()  # every kind read whole, then kept up to date
    assert kept.draws and kept.doses and kept.symptoms
    first_draw, last_draw = kept.draws[0].date, kept.draws[-1].date
    unmeasured = next(
        key for key in ("prolactin", "psa", "hdl", "albumin") if kept.draws[0].result(key) is None
    )
    unit = {"prolactin": "ng/mL", "psa": "ng/mL", "hdl": "mg/dL", "albumin": "g/dL"}[unmeasured]
    busy_day = kept.symptoms[len(kept.symptoms) // 2].date
    changes = [
        # before the first draw, between two, on a day that has one, after the last
        record_draw(demo_context.journal, date(2020, 1, 1), [ResultInput("lh", "5", "IU/L")]),
        record_draw(demo_context.journal, NEW_DAY, [ResultInput("fsh", "6", "IU/L")]),
        record_draw(demo_context.journal, first_draw, [ResultInput(unmeasured, "2", unit)]),
        record_draw(demo_context.journal, date(2027, 1, 1), [ResultInput("lh", "4", "IU/L")]),
        # a second and a third symptom on a day that has some, a dose between two others
        record_symptom(demo_context.journal, busy_day, "Fatigue", 3),
        record_symptom(demo_context.journal, busy_day, "Low libido", 5),
        log_dose(demo_context.journal, "anastrozole", datetime(2026, 5, 20, 7, 45)),
    ]
    for change in changes:
        demo_context.notify(change)
    removed, _undo = remove(demo_context.journal, "lab_result", changes[1].ids[0])
    demo_context.notify(removed)

    spliced = demo_context.history()
    read = demo_context.journal.history()
    assert spliced.draws == read.draws
    assert spliced.symptoms == read.symptoms
    assert spliced.doses == read.doses
    for days in ({busy_day}, {first_draw, last_draw, NEW_DAY}, {date(1990, 1, 1)}):
        assert demo_context.records_on("symptoms", days) == tuple(
            entry for entry in read.symptoms if entry.date in days
        )
        assert demo_context.records_on("draws", days) == tuple(
            draw for draw in read.draws if draw.date in days
        )


def test_a_theme_change_reaches_a_hidden_page_when_it_is_shown(
    qtbot, demo_window: MainWindow
) -> None:
    labs = demo_window.show_page("labs")
    assert isinstance(labs, LabsScreen)
    demo_window.show_page("today")
    app = QApplication.instance()
    try:
        demo_window.set_theme("dark")
        assert labs.follower.is_stale  # hidden: nothing redrawn yet
        demo_window.show_page("labs")
        proxy = labs.draws_table.model()
        colours = [
            proxy.index(row, column).data(Qt.ItemDataRole.ForegroundRole)
            for row in range(proxy.rowCount())
            for column in range(proxy.columnCount())
        ]
        flagged = [colour for colour in colours if colour is not None]
        dark = [flag_color(app.palette(), "low"), flag_color(app.palette(), "high")]
        assert flagged and all(colour in dark for colour in flagged)
    finally:
        demo_window.set_theme("system")
