"""Today: due doses with Taken/Skipped and undo, missed doses, latest hormones, E2 warning."""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.navigation import Navigation, NewAnalysis, NewDraw
from fertilitytracker.gui.screens.today import TodayScreen
from fertilitytracker.gui.theme import muted_color
from fertilitytracker.services.operations import Change, start_regimen
from fertilitytracker.services.settings import set_setting
from tests import builders

pytestmark = pytest.mark.gui


def button(parent: QWidget, accessible_name: str) -> QPushButton:
    for found in parent.findChildren(QPushButton):
        if found.accessibleName() == accessible_name:
            return found
    raise AssertionError(f"no button {accessible_name!r}")


def label(parent: QWidget, accessible_name: str) -> QLabel:
    for found in parent.findChildren(QLabel):
        if found.accessibleName() == accessible_name:
            return found
    raise AssertionError(f"no label {accessible_name!r}")


def click(qtbot, box: QWidget, accessible_name: str) -> None:
    qtbot.mouseClick(button(box, accessible_name), Qt.MouseButton.LeftButton)


def started(
    context: AppContext, name: str, dose: str, schedule: str, since: date, at: time | None = None
) -> None:
    """A regimen (in mg) started elsewhere, say on the command line, and the context reloaded."""
    start_regimen(context.journal, name, dose, "mg", schedule, since, at)
    context.reload()


def texts(widget: QWidget) -> str:
    return "\n".join(found.text() for found in widget.findChildren(QLabel))


@pytest.fixture
def screen(show, context: AppContext) -> TodayScreen:
    return show(TodayScreen(context))


def test_empty_journal_says_what_to_do(screen: TodayScreen) -> None:
    assert "Monday 01 June 2026" in screen.heading.text()
    assert "No medication is active today" in texts(screen.doses_box)
    assert "No lab results yet" in texts(screen.latest_box)
    assert not screen.warning_banner.isVisible()


def test_taken_logs_a_dose_and_undo_removes_it(qtbot, screen: TodayScreen, context) -> None:
    started(context, "Arimidex", "0.5", "daily", date(2026, 5, 20))
    assert label(screen.doses_box, "anastrozole status").text() == "1 dose due"

    click(qtbot, screen.doses_box, "Taken: anastrozole")

    assert label(screen.doses_box, "anastrozole status").text() == "✓ taken 09:00"
    assert not button(screen.doses_box, "Taken: anastrozole").isEnabled()
    assert not button(screen.doses_box, "Skipped: anastrozole").isEnabled()
    assert [dose.status for dose in context.journal.doses.all()] == ["taken"]
    assert screen.undo_bar.isVisible()
    assert "anastrozole taken 2026-06-01 09:00" in screen.undo_bar.message.text()

    qtbot.mouseClick(screen.undo_bar.undo_button, Qt.MouseButton.LeftButton)

    assert context.journal.doses.all() == []
    assert label(screen.doses_box, "anastrozole status").text() == "1 dose due"
    assert button(screen.doses_box, "Taken: anastrozole").isEnabled()


def test_skipped_is_logged_as_skipped(qtbot, screen: TodayScreen, context) -> None:
    started(context, "clomiphene", "25", "daily", date(2026, 5, 20))
    click(qtbot, screen.doses_box, "Skipped: clomiphene")
    status = label(screen.doses_box, "clomiphene status")
    assert status.text() == "⊘ skipped 09:00"  # never "✓" like a dose taken
    assert status.palette().color(QPalette.ColorRole.WindowText) == muted_color(screen.palette())
    assert [dose.status for dose in context.journal.doses.all()] == ["skipped"]


def test_twice_daily_counts_down(qtbot, screen: TodayScreen, context) -> None:
    started(context, "clomiphene", "25", "daily x2", date(2026, 5, 31))
    assert label(screen.doses_box, "clomiphene status").text() == "2 doses due"
    click(qtbot, screen.doses_box, "Taken: clomiphene")
    assert label(screen.doses_box, "clomiphene status").text() == "1 dose due; ✓ taken 09:00"
    assert button(screen.doses_box, "Taken: clomiphene").isEnabled()


def test_missed_doses_of_the_last_week_can_be_logged(qtbot, screen: TodayScreen, context) -> None:
    started(context, "anastrozole", "1", "daily", date(2026, 5, 31), time(8, 0))
    missed = texts(screen.missed_box)
    assert "Sun 2026-05-31 missed" in missed
    assert "2026-06-01" not in missed  # today's dose can still be taken

    click(qtbot, screen.missed_box, "Log anastrozole of 2026-05-31 as taken")
    assert "2026-05-31" not in texts(screen.missed_box)
    (dose,) = context.journal.doses.all()
    assert dose.at.isoformat() == "2026-05-31T08:00:00"


def test_after_a_backdated_start_all_missed_days_are_one_line_logged_at_once(
    qtbot, screen: TodayScreen, context
) -> None:
    started(context, "anastrozole", "1", "eod", date(2026, 5, 1), time(8, 0))
    missed = texts(screen.missed_box)
    # Every other day from 2026-05-01 to 2026-05-31: 16 days, on one line (not one per day).
    assert "16 days missed, Fri 2026-05-01 to Sun 2026-05-31" in missed
    with qtbot.waitSignal(context.journal_changed):
        click(qtbot, screen.missed_box, "Log anastrozole of 2026-05-01 to 2026-05-31 as taken")
    assert len(context.journal.doses.all()) == 16
    assert "No missed doses" in texts(screen.missed_box)


def test_a_missed_dose_can_be_confirmed_as_missed(qtbot, screen: TodayScreen, context) -> None:
    started(context, "clomiphene", "25", "daily", date(2026, 5, 31), time(8, 0))
    click(qtbot, screen.missed_box, "Confirm clomiphene of 2026-05-31 missed")
    assert "No missed doses" in texts(screen.missed_box)  # Today stops asking
    assert context.journal.doses.all() == []  # still missed: nothing was logged


def draw(context: AppContext, day: date, *entries: tuple[str, str, str]) -> None:
    builders.draw(context.journal, day, *entries, at=None)
    context.reload()


def panel(
    context: AppContext, day: date, testosterone: str, estradiol: str, *more: tuple[str, str, str]
) -> None:
    """A draw of total testosterone in ng/dL and estradiol in pg/mL, and `more` as typed."""
    builders.panel(context.journal, day, testosterone, estradiol, *more, at=None)
    context.reload()


def test_latest_hormones_with_flags_and_ratio(screen: TodayScreen, context) -> None:
    draw(context, date(2026, 4, 1), ("total_testosterone", "250", "ng/dL"))
    panel(context, date(2026, 5, 1), "500", "50", ("lh", "1.0", "IU/L"))
    assert label(screen.latest_box, "Total testosterone value").text() == "<b>500</b> ng/dL"
    assert label(screen.latest_box, "Estradiol flag").text() == "▲ high"
    assert label(screen.latest_box, "LH flag").text() == "▼ low"
    assert label(screen.latest_box, "Total testosterone flag").text() == "in range"
    assert label(screen.latest_box, "T/E ratio value").text() == "<b>10</b> ng/dL per pg/mL"


def test_si_units_convert_the_latest_values(screen: TodayScreen, context) -> None:
    panel(context, date(2026, 5, 1), "692", "27.24")
    set_setting(context.journal, "unit_system", "si")
    context.reload()
    assert label(screen.latest_box, "Total testosterone value").text() == "<b>24</b> nmol/L"
    assert label(screen.latest_box, "Estradiol value").text() == "<b>100</b> pmol/L"
    assert "nmol/L per pmol/L" in label(screen.latest_box, "T/E ratio value").text()


def test_estradiol_over_suppression_warning_on_an_aromatase_inhibitor(
    screen: TodayScreen, context
) -> None:
    draw(context, date(2026, 5, 25), ("estradiol", "<8", "pg/mL"))
    assert not screen.warning_banner.isVisible()  # no aromatase inhibitor: no warning

    started(context, "anastrozole", "1", "eod", date(2026, 5, 1))
    assert screen.warning_banner.isVisible()
    text = screen.warning_banner.text()
    assert "Estradiol may be over-suppressed" in text
    assert "(&lt;8 pg/mL on 2026-05-25)" in text  # escaped, so the label shows "<8"
    assert "the floor of 10 pg/mL" in text
    assert "(anastrozole)" in text

    assert label(screen.latest_box, "Estradiol value").text() == "<b>&lt;8</b> pg/mL"

    draw(context, date(2026, 5, 30), ("estradiol", "22", "pg/mL"))
    assert not screen.warning_banner.isVisible()


def test_overdue_test_offers_log_result(qtbot, screen: TodayScreen, context) -> None:
    started(context, "anastrozole", "1", "eod", date(2026, 4, 1))
    assert label(screen.tests_box, "Hormone panel status").text() == "▲ overdue since 2026-04-29"
    assert "anastrozole started 2026-04-01" in texts(screen.tests_box)

    with qtbot.waitSignal(screen.navigate_requested) as signal:
        click(qtbot, screen.tests_box, "Log result: Hormone panel")
    assert signal.args == [
        Navigation("labs", NewDraw(("total_testosterone", "estradiol"), "hormone_panel"))
    ]


def test_the_tests_due_follow_the_rule_offsets_and_a_saved_draw(
    screen: TodayScreen, context: AppContext
) -> None:
    started(context, "anastrozole", "1", "eod", date(2026, 4, 1))
    overdue = label(screen.tests_box, "Hormone panel status").text()
    assert overdue == "▲ overdue since 2026-04-29"

    # Worked out once for Today and the tray, and again after a change of what they read.
    set_setting(context.journal, "rule_offsets", {"hormone_after_change_due_days": 35})
    context.notify(Change(frozenset({"settings"}), "rule offsets saved"))
    assert label(screen.tests_box, "Hormone panel status").text() == "▲ overdue since 2026-05-06"

    context.notify(builders.panel(context.journal, date(2026, 5, 30), "600", "25"))
    assert "Hormone panel" not in texts(screen.tests_box)
    due_now = [w for w in context.due_tests(date(2026, 6, 1)) if w.status != "upcoming"]
    assert "hormone_panel" not in {window.test for window in due_now}


def test_semen_analysis_due_navigates_to_semen(qtbot, screen: TodayScreen, context) -> None:
    started(context, "clomiphene", "25", "daily", date(2025, 11, 1))
    with qtbot.waitSignal(screen.navigate_requested) as signal:
        click(qtbot, screen.tests_box, "Log result: Semen analysis")
    assert signal.args == [Navigation("semen", NewAnalysis())]


def test_demo_journal_shows_every_section(qtbot, demo_context) -> None:
    screen = TodayScreen(demo_context)
    qtbot.addWidget(screen)
    assert label(screen.latest_box, "Total testosterone value").text() == "<b>712</b> ng/dL"
    assert "clomiphene" in texts(screen.doses_box)


def test_a_name_with_markup_is_shown_as_typed(screen: TodayScreen, context) -> None:
    started(context, "<i>my pill</i>", "1", "daily", date(2026, 5, 31))
    assert "&lt;i&gt;my pill&lt;/i&gt;" in texts(screen.doses_box)


def test_the_t_e_line_carries_its_flag_and_reference_in_either_unit_system(
    screen: TodayScreen, context
) -> None:
    # 450 ng/dL ÷ 50 pg/mL = 9.0: below the threshold of 10 (docs/clinical.md §3).
    panel(context, date(2026, 5, 1), "450", "50")
    assert label(screen.latest_box, "T/E ratio flag").text() == "▼ below 10"
    assert "Reference: below 10 (ng/dL ÷ pg/mL)" in texts(screen.latest_box)
    source = next(
        w.toolTip() for w in screen.latest_box.findChildren(QLabel) if "Reference" in w.text()
    )
    assert source.startswith("T/E below 10") and "Pavlovich 2001" in source
    set_setting(context.journal, "unit_system", "si")
    context.reload()
    assert label(screen.latest_box, "T/E ratio flag").text() == "▼ below 0.0944"
    assert "Reference: below 0.0944 (nmol/L ÷ pmol/L)" in texts(screen.latest_box)
    # 520 ÷ 50 = 10.4: at or above the threshold.
    panel(context, date(2026, 5, 20), "520", "50")
    assert label(screen.latest_box, "T/E ratio flag").text() == "0.0944 or above"


def test_a_censored_estradiol_above_the_floor_cannot_tell(screen: TodayScreen, context) -> None:
    """docs/clinical.md §4 "cannot tell": a caution of its own, never silence."""
    start_regimen(context.journal, "anastrozole", "1", "mg", "eod", date(2026, 5, 1))
    draw(context, date(2026, 5, 25), ("estradiol", "<20", "pg/mL"))
    assert screen.warning_banner.isVisible()
    text = screen.warning_banner.text()
    assert "over-suppression cannot be ruled out" in text
    assert "A sensitive (LC-MS/MS) estradiol assay can tell" in text
    assert "(&lt;20 pg/mL on 2026-05-25)" in text
    assert label(screen.latest_box, "Estradiol flag").text() == "◆ cannot tell"
