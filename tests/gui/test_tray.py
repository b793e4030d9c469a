"""Dose notifications: the pinned clock passes a dose time, Taken / Skip / Snooze, catch-up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from fertilitytracker.gui import context as context_module
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.tray import LAST_SEEN_KEY, DoseReminderDialog, Tray
from fertilitytracker.services.operations import (
    ResultInput,
    log_dose,
    record_draw,
    start_regimen,
    stop_regimen,
)
from fertilitytracker.services.reminders import DoseSlot
from fertilitytracker.storage.journal import Journal
from tests.builders import Clock, at

pytestmark = pytest.mark.gui

TrayOpener = Callable[[AppContext], AbstractContextManager[Tray]]


@pytest.fixture
def clock() -> Clock:
    return Clock(at("2026-06-01T07:00"))


@pytest.fixture
def ctx(journal: Journal, clock: Clock) -> AppContext:
    start_regimen(journal, "anastrozole", "0.5", "mg", "daily", date(2026, 5, 1), time(8, 0))
    return AppContext(journal, today=clock.today, now=clock.now)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "tray.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_tray(qtbot, settings: QSettings) -> TrayOpener:
    """Start a tray (no system tray icon) on a context; it is stopped when the block ends."""

    @contextmanager
    def opened(ctx: AppContext) -> Iterator[Tray]:
        made = Tray(ctx, settings=settings, tray_available=False)
        qtbot.addWidget(made.dialog)
        try:
            yield made
        finally:
            made.stop()

    return opened


@pytest.fixture
def tray(open_tray: TrayOpener, ctx: AppContext) -> Iterator[Tray]:
    with open_tray(ctx) as made:
        yield made


def doses(journal: Journal) -> list[tuple[str, str]]:
    return [(d.at.isoformat(timespec="minutes"), d.status) for d in journal.history().doses]


def test_a_notification_fires_when_the_pinned_clock_passes_the_dose_time(
    qtbot, tray: Tray, clock: Clock
) -> None:
    assert tray.check(at("2026-06-01T07:59")) == []
    assert not tray.dialog.isVisible()
    with qtbot.waitSignal(tray.notified) as signal:
        came_up = tray.check(at("2026-06-01T08:00"))
    assert [slot.at for slot in came_up] == [at("2026-06-01T08:00")]
    assert signal.args[0] == came_up
    assert tray.dialog.isVisible()
    assert tray.dialog.row_texts() == ["anastrozole 0.5 mg — due at 08:00"]
    # The same reminder does not ring twice.
    assert tray.check(at("2026-06-01T08:01")) == []


def test_the_timer_reads_the_injected_clock(qtbot, tray: Tray, clock: Clock) -> None:
    tray.start()
    assert tray.timer.isActive()
    clock.moment = at("2026-06-01T08:00")
    with qtbot.waitSignal(tray.notified):
        tray.timer.timeout.emit()  # what the QTimer does every 20 s
    assert tray.dialog.row_texts() == ["anastrozole 0.5 mg — due at 08:00"]


def test_taken_logs_the_dose_now_and_closes_the_reminder(
    qtbot, tray: Tray, ctx: AppContext, clock: Clock
) -> None:
    clock.moment = at("2026-06-01T08:03")
    (slot,) = tray.check()
    button = tray.dialog.button(slot, "Taken")
    assert button is not None
    with qtbot.waitSignal(ctx.journal_changed) as changed:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert changed.args[0].summary == "anastrozole taken 2026-06-01 08:03"
    assert doses(ctx.journal) == [("2026-06-01T08:03", "taken")]
    assert not tray.dialog.isVisible()
    assert tray.check(at("2026-06-01T09:00")) == []


def test_skip_logs_a_skipped_dose(qtbot, tray: Tray, ctx: AppContext, clock: Clock) -> None:
    clock.moment = at("2026-06-01T08:10")
    (slot,) = tray.check()
    with qtbot.waitSignal(tray.dose_logged):
        qtbot.mouseClick(tray.dialog.button(slot, "Skip"), Qt.MouseButton.LeftButton)
    assert doses(ctx.journal) == [("2026-06-01T08:10", "skipped")]


def test_snooze_asks_again_after_15_minutes(qtbot, tray: Tray, clock: Clock) -> None:
    clock.moment = at("2026-06-01T08:00")
    (slot,) = tray.check()
    qtbot.mouseClick(tray.dialog.button(slot, "Snooze 15 min"), Qt.MouseButton.LeftButton)
    assert not tray.dialog.isVisible()
    assert tray.snoozed_until(slot) == at("2026-06-01T08:15")
    assert tray.check(at("2026-06-01T08:14")) == []
    assert tray.check(at("2026-06-01T08:15")) == [slot]
    assert tray.dialog.isVisible()


def test_closing_the_dialog_snoozes(qtbot, tray: Tray, clock: Clock) -> None:
    clock.moment = at("2026-06-01T08:00")
    (slot,) = tray.check()
    qtbot.keyClick(tray.dialog, Qt.Key.Key_Escape)
    assert not tray.dialog.isVisible()
    assert tray.snoozed_until(slot) == at("2026-06-01T08:15")


def test_a_dose_logged_elsewhere_answers_the_reminder(
    qtbot, tray: Tray, ctx: AppContext, clock: Clock
) -> None:
    clock.moment = at("2026-06-01T08:00")
    tray.check()
    assert tray.dialog.isVisible()
    change = log_dose(ctx.journal, "anastrozole", at("2026-06-01T08:02"))
    ctx.notify(change)  # e.g. Taken on the Today screen
    assert tray.dialog.slots() == []
    assert not tray.dialog.isVisible()


def test_a_saved_draw_leaves_the_reminder_and_reads_no_draws_for_it(
    tray: Tray, ctx: AppContext, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.moment = at("2026-06-01T08:00")
    (slot,) = tray.check()
    reads: list[date] = []
    monkeypatch.setattr(context_module, "latest_records", lambda _journal, day: reads.append(day))
    ctx.notify(record_draw(ctx.journal, date(2026, 5, 30), [ResultInput("lh", "4.1", "IU/L")]))
    assert tray.dialog.slots() == [slot]  # a draw answers no dose reminder
    assert reads == []  # nor does the tray read the latest draws again for it


def test_a_dose_logged_early_never_rings(tray: Tray, ctx: AppContext) -> None:
    log_dose(ctx.journal, "anastrozole", at("2026-06-01T07:30"))
    ctx.reload()
    assert tray.check(at("2026-06-01T08:00")) == []


def test_catch_up_at_start_up_after_the_laptop_slept(
    ctx: AppContext, settings: QSettings, clock: Clock, open_tray: TrayOpener
) -> None:
    settings.setValue(LAST_SEEN_KEY, "2026-05-30T22:00")
    log_dose(ctx.journal, "anastrozole", at("2026-05-31T08:05"))
    ctx.reload()
    clock.moment = at("2026-06-01T09:30")
    with open_tray(ctx) as tray:
        came_up = tray.start()
        assert [slot.at for slot in came_up] == [at("2026-06-01T08:00")]
        assert settings.value(LAST_SEEN_KEY) == "2026-06-01T09:30"


def test_catch_up_of_an_earlier_day_offers_dismiss_and_logs_at_its_time(
    qtbot, ctx: AppContext, settings: QSettings, clock: Clock, open_tray: TrayOpener
) -> None:
    settings.setValue(LAST_SEEN_KEY, "2026-05-31T07:00")
    clock.moment = at("2026-06-01T07:00")
    with open_tray(ctx) as tray:
        (missed,) = tray.start()
        assert tray.dialog.row_texts() == [
            "anastrozole 0.5 mg was due 2026-05-31 08:00 and was not logged (missed)"
        ]
        assert tray.dialog.heading.text() == "Doses not logged while the app was closed"
        assert tray.dialog.button(missed, "Snooze 15 min") is None
        assert tray.dialog.button(missed, "Dismiss") is not None
        qtbot.mouseClick(tray.dialog.button(missed, "Taken"), Qt.MouseButton.LeftButton)
        # Logged on its own day, at its own time: it was taken then, not now.
        assert doses(ctx.journal) == [("2026-05-31T08:00", "taken")]


def test_dismiss_leaves_an_old_dose_missed(
    qtbot, ctx: AppContext, settings: QSettings, clock: Clock, open_tray: TrayOpener
) -> None:
    settings.setValue(LAST_SEEN_KEY, "2026-05-31T07:00")
    with open_tray(ctx) as tray:
        (missed,) = tray.start()
        qtbot.mouseClick(tray.dialog.button(missed, "Dismiss"), Qt.MouseButton.LeftButton)
        assert doses(ctx.journal) == []
        assert not tray.dialog.isVisible()
        assert tray.check(at("2026-06-01T07:30")) == []


def test_first_start_catches_up_from_midnight(
    ctx: AppContext, clock: Clock, open_tray: TrayOpener
) -> None:
    clock.moment = at("2026-06-01T10:00")
    with open_tray(ctx) as tray:
        assert [slot.at for slot in tray.start()] == [at("2026-06-01T08:00")]


def test_a_clock_set_back_still_rings_at_the_wall_clock_time(
    ctx: AppContext, settings: QSettings, clock: Clock, open_tray: TrayOpener
) -> None:
    # Last run at 10:00 before a flight west; it is now 06:00 local.
    settings.setValue(LAST_SEEN_KEY, "2026-06-01T10:00")
    clock.moment = at("2026-06-01T06:00")
    with open_tray(ctx) as tray:
        assert tray.start() == []
        assert [slot.at for slot in tray.check(at("2026-06-01T08:00"))] == [at("2026-06-01T08:00")]


def test_dst_spring_forward_night_rings_once_at_wall_clock_time(
    journal: Journal, open_tray: TrayOpener
) -> None:
    start_regimen(journal, "clomiphene", "25", "mg", "daily", date(2026, 3, 1), time(2, 30))
    clock = Clock(at("2026-03-29T01:59"))
    ctx = AppContext(journal, today=clock.today, now=clock.now)
    with open_tray(ctx) as tray:
        tray.start()
        # EU clocks jump 02:00 → 03:00: the next tick reads 03:00, the 02:30 dose comes up.
        assert [s.describe() for s in tray.check(at("2026-03-29T03:00"))] == [
            "clomiphene 25 mg at 02:30"
        ]


def test_several_doses_a_day_ring_separately(journal: Journal, open_tray: TrayOpener) -> None:
    start_regimen(journal, "clomiphene", "25", "mg", "daily x2", date(2026, 5, 1), time(8, 0))
    ctx = AppContext(journal, today=lambda: date(2026, 6, 1), now=lambda: at("2026-06-01T07:00"))
    with open_tray(ctx) as tray:
        assert len(tray.check(at("2026-06-01T08:00"))) == 1
        assert [s.describe() for s in tray.check(at("2026-06-01T20:00"))] == [
            "clomiphene 25 mg at 20:00"
        ]
        assert len(tray.dialog.slots()) == 2


def test_taken_for_a_stopped_regimen_shows_why(
    qtbot, tray: Tray, ctx: AppContext, clock: Clock
) -> None:
    clock.moment = at("2026-06-01T08:00")
    (slot,) = tray.check()
    stop_regimen(ctx.journal, "anastrozole", date(2026, 6, 1))  # from the command line
    qtbot.mouseClick(tray.dialog.button(slot, "Taken"), Qt.MouseButton.LeftButton)
    assert tray.dialog.error_label.isVisible()
    assert "was not active on 2026-06-01" in tray.dialog.error_label.text()
    assert doses(ctx.journal) == []


def test_tests_due_are_announced_once_a_day(qtbot, tray: Tray, clock: Clock) -> None:
    # anastrozole since 2026-05-01 without a lipid panel: the baseline window is overdue.
    with qtbot.waitSignal(tray.tests_due) as signal:
        tray.check(at("2026-06-01T07:00"))
    assert {w.test for w in signal.args[0]} == {"lipid_panel", "hormone_panel"}
    with qtbot.assertNotEmitted(tray.tests_due):
        tray.check(at("2026-06-01T07:30"))


def test_with_a_system_tray_the_icon_has_a_menu_and_a_next_dose_tooltip(
    qtbot, ctx: AppContext, settings: QSettings
) -> None:
    tray = Tray(ctx, settings=settings, tray_available=True)
    qtbot.addWidget(tray.dialog)
    try:
        assert tray.has_tray and tray.icon is not None
        tray.check(at("2026-06-01T07:00"))
        assert "Next dose: anastrozole 0.5 mg at 08:00" in tray.icon.toolTip()
        menu = tray.icon.contextMenu()
        assert [a.text() for a in menu.actions() if a.text()] == [
            "Open Fertility Tracker",
            "Dose reminders…",
            "Quit",
        ]
        with qtbot.waitSignal(tray.show_window_requested):
            menu.actions()[0].trigger()
        with qtbot.waitSignal(tray.quit_requested):
            menu.actions()[-1].trigger()
    finally:
        tray.stop()


def test_the_dialog_alone_lists_rows_with_accessible_buttons(qtbot) -> None:
    dialog = DoseReminderDialog()
    qtbot.addWidget(dialog)
    slot = DoseSlot(1, "hcg", 1500.0, "IU", at("2026-06-01T21:00"))
    dialog.add_slots([slot, slot], at("2026-06-01T21:00"))
    assert dialog.row_texts() == ["hcg 1500 IU — due at 21:00"]
    names = sorted(
        b.accessibleName()
        for b in dialog.findChildren(type(dialog.button(slot, "Taken")))
        if b.isVisibleTo(dialog)
    )
    assert names == [
        "Skip: hcg 1500 IU at 21:00",
        "Snooze 15 min: hcg 1500 IU at 21:00",
        "Taken: hcg 1500 IU at 21:00",
    ]
    assert [label.accessibleName() for label in dialog.findChildren(QLabel)
            if label.accessibleName().startswith("reminder")] == ["reminder 1"]  # fmt: skip
