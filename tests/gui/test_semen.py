"""The Semen screen driven through its real widgets: validated form, counts, WHO marks, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.semen import SemenScreen
from fertilitytracker.gui.theme import flag_color
from fertilitytracker.services.operations import build_semen, record_semen
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY
from tests.gui._fixtures_labs import column_named, column_texts

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(show, context: AppContext) -> SemenScreen:
    return show(SemenScreen(context), 1200, 700)


def fill(qtbot, screen: SemenScreen, **values: str) -> None:
    for key, text in values.items():
        screen.edits[key].clear()
        qtbot.keyClicks(screen.edits[key], text)


def cell(screen: SemenScreen, header: str, row: int = 0):
    model = screen.table.model()
    return model.index(row, column_named(model, header))


def test_clinical_example_shows_counts(qtbot, screen: SemenScreen, journal: Journal) -> None:
    assert not screen.save_button.isEnabled()
    fill(qtbot, screen, volume="3.0", concentration="20", motility="50", progressive="40")
    assert screen.save_button.isEnabled()
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)

    assert len(journal.history().semen) == 1
    # docs/clinical.md §3: 3.0 mL, 20 M/mL, 50 %, 40 % → total count 60, TMSC 30, progressive 24.
    assert cell(screen, "Total count").data() == "60"
    assert cell(screen, "TMSC").data() == "30"
    assert cell(screen, "Progr. TMSC").data() == "24"
    assert cell(screen, "Date").data() == "2026-06-01"
    assert cell(screen, "Morph.").data() == ""  # not given
    assert screen.edits["volume"].text() == ""  # the form is empty again


def test_values_under_who_limits_are_marked(qtbot, screen: SemenScreen) -> None:
    fill(qtbot, screen, volume="1.2", concentration="10", motility="30", progressive="20")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    palette = screen.table.palette()
    for header, text in (("Volume", "1.2 ▼"), ("Conc.", "10 ▼"), ("Motility", "30 ▼")):
        index = cell(screen, header)
        assert index.data() == text
        assert index.data(Qt.ItemDataRole.ForegroundRole) == flag_color(palette, "low")
        assert "below WHO 2021 lower reference limit" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert cell(screen, "Total count").data() == "12 ▼"  # 1.2 × 10 = 12, below 39
    assert "WHO 2021" in screen.legend.text()


def test_who_edition_changes_the_marks(qtbot, context: AppContext, journal: Journal) -> None:
    record_semen(journal, build_semen(TODAY, "3", "40", "60", "31"))
    screen = SemenScreen(context)
    qtbot.addWidget(screen)
    screen.show()  # a hidden screen refreshes only when shown again
    assert cell(screen, "Progr.").data() == "31"  # 2021 limit is 30
    set_setting(journal, "who_edition", "2010")
    context.reload()
    assert cell(screen, "Progr.").data() == "31 ▼"  # 2010 limit is 32
    assert "WHO 2010" in screen.legend.text()


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("volume", "abc", "'abc' is not a number"),
        ("volume", "-1", "must not be negative"),
        ("concentration", "3,5", "use a decimal point"),
        ("motility", "120", "at most 100"),
        ("abstinence", "2.5", "whole number"),
    ],
)
def test_bad_field_shows_reason_beside_it(
    qtbot, screen: SemenScreen, journal: Journal, field: str, text: str, message: str
) -> None:
    fill(qtbot, screen, volume="3", concentration="20")
    fill(qtbot, screen, **{field: text})
    assert message in screen.errors[field].text()
    assert screen.errors[field].isVisible()
    others = [key for key in screen.errors if key != field]
    assert all(not screen.errors[key].isVisible() for key in others)
    assert not screen.save_button.isEnabled()
    screen.save()
    assert journal.history().semen == ()


def test_progressive_above_total_is_refused(qtbot, screen: SemenScreen) -> None:
    fill(qtbot, screen, volume="3", concentration="20", motility="40", progressive="50")
    assert "above total motility" in screen.errors["progressive"].text()
    assert not screen.save_button.isEnabled()
    fill(qtbot, screen, progressive="30")
    assert not screen.errors["progressive"].isVisible()
    assert screen.save_button.isEnabled()


def test_required_fields(qtbot, screen: SemenScreen) -> None:
    fill(qtbot, screen, volume="3")
    assert not screen.save_button.isEnabled()
    fill(qtbot, screen, concentration="0")  # azoospermia is a valid result
    assert screen.save_button.isEnabled()
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert cell(screen, "TMSC").data() == "0"


def test_delete_then_undo(
    qtbot, screen: SemenScreen, journal: Journal, context: AppContext
) -> None:
    record_semen(journal, build_semen(TODAY, "3.0", "20", "50", "40"))
    context.reload()
    screen.table.selectRow(0)
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    assert journal.history().semen == ()
    assert screen.table.model().rowCount() == 0
    assert screen.undo_bar.message.text() == "Semen analysis of 2026-06-01 deleted."
    qtbot.mouseClick(screen.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert len(journal.history().semen) == 1
    assert column_texts(screen.table.model(), 0) == ["2026-06-01"]


def test_open_new_analysis_focuses_an_empty_form(qtbot, screen: SemenScreen) -> None:
    fill(qtbot, screen, volume="2")
    screen.open_new_analysis()
    assert screen.edits["volume"].text() == ""
    assert screen.date_edit.value() == TODAY
    qtbot.waitUntil(lambda: screen.edits["volume"].hasFocus() or not screen.isActiveWindow())
