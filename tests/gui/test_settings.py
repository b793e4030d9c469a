"""Settings: units, target ranges with reset, WHO edition, patient, theme, journal, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.settings import SettingsScreen
from fertilitytracker.services.settings import get_setting
from fertilitytracker.storage.journal import Journal

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(show, context: AppContext) -> SettingsScreen:
    return show(SettingsScreen(context))


def target_cell(screen: SettingsScreen, key: str, column: int) -> str:
    for row, entry in enumerate(screen.targets_model.rows()):
        if entry.analyte.key == key:
            return screen.targets_model.index(row, column).data()
    raise AssertionError(key)


def test_unit_system_toggle_is_stored_and_announced(qtbot, screen, context) -> None:
    assert screen.unit_radios["us"].isChecked()
    with qtbot.waitSignal(context.journal_changed) as signal:
        qtbot.mouseClick(screen.unit_radios["si"], Qt.MouseButton.LeftButton)
    assert signal.args[0].summary == "units set to SI"
    assert context.unit_system() == "si"
    assert target_cell(screen, "total_testosterone", 1) == "10.4–37.4 nmol/L"


def test_default_ranges_show_their_source(screen) -> None:
    assert target_cell(screen, "estradiol", 1) == "10–42 pg/mL"
    assert "ARUP" in target_cell(screen, "estradiol", 2)
    assert target_cell(screen, "estradiol", 3) == "—"
    keys = [row.analyte.key for row in screen.targets_model.rows()]
    assert "sperm_concentration" not in keys and "total_sperm_count" not in keys


def test_set_and_reset_a_clinician_range(qtbot, screen, context) -> None:
    screen.select_analyte("estradiol")
    assert screen.target_unit.currentText() == "pg/mL"
    assert not screen.target_set.isEnabled()
    assert not screen.target_reset.isEnabled()
    qtbot.keyClicks(screen.target_low.editor, "20")
    qtbot.keyClicks(screen.target_high.editor, "40")
    qtbot.mouseClick(screen.target_set, Qt.MouseButton.LeftButton)
    assert target_cell(screen, "estradiol", 3) == "20–40 pg/mL"
    assert screen.target_reset.isEnabled()
    qtbot.mouseClick(screen.target_reset, Qt.MouseButton.LeftButton)
    assert target_cell(screen, "estradiol", 3) == "—"
    assert context.journal.settings.targets() == []


def test_range_typed_in_si_is_kept_canonical(qtbot, screen, context) -> None:
    screen.select_analyte("estradiol")
    screen.target_unit.setCurrentText("pmol/L")
    qtbot.keyClicks(screen.target_low.editor, "73.42")
    qtbot.mouseClick(screen.target_set, Qt.MouseButton.LeftButton)
    (target,) = context.journal.settings.targets()
    assert target.low == pytest.approx(20.0, rel=1e-3)
    assert target.high is None
    assert target_cell(screen, "estradiol", 3) == "20–… pg/mL"


def test_bad_bound_is_refused_as_you_type(qtbot, screen, context) -> None:
    screen.select_analyte("lh")
    qtbot.keyClicks(screen.target_low.editor, "abc")
    assert "'abc' is not a number" in screen.target_low.error_label.text()
    assert not screen.target_set.isEnabled()
    screen.target_low.editor.clear()
    qtbot.keyClicks(screen.target_low.editor, "9")
    qtbot.keyClicks(screen.target_high.editor, "2")
    qtbot.mouseClick(screen.target_set, Qt.MouseButton.LeftButton)
    assert "the low end is above the high end" in screen.target_low.error_label.text()
    assert context.journal.settings.targets() == []


def test_who_edition_and_patient_are_saved(qtbot, screen, context) -> None:
    screen.who_combo.setCurrentIndex(screen.who_combo.findData("2010"))
    assert context.who_edition() == "2010"
    qtbot.keyClicks(screen.patient_name, "A. Patient")
    qtbot.keyClicks(screen.patient_birth.editor, "1990-02-30")
    assert "February 1990 has 28 days" in screen.patient_birth.error_label.text()
    assert not screen.patient_save.isEnabled()
    screen.patient_birth.editor.clear()
    qtbot.keyClicks(screen.patient_birth.editor, "1990-02-28")
    qtbot.mouseClick(screen.patient_save, Qt.MouseButton.LeftButton)
    assert get_setting(context.journal, "patient_name") == "A. Patient"
    assert get_setting(context.journal, "patient_birth_date") == "1990-02-28"


def test_theme_choice_is_announced(qtbot, screen) -> None:
    with qtbot.waitSignal(screen.theme_changed) as signal:
        screen.theme_combo.setCurrentIndex(screen.theme_combo.findData("dark"))
    assert signal.args == ["dark"]
    screen.set_theme("light")
    assert screen.theme_combo.currentData() == "light"


def test_rule_offsets_checked_by_the_core_then_stored_and_reset(qtbot, screen, context) -> None:
    assert not screen.offsets_panel.isVisible()  # behind "Advanced"
    qtbot.mouseClick(screen.offsets_toggle, Qt.MouseButton.LeftButton)
    assert screen.offsets_panel.isVisible()
    assert screen.offset_spins["semen_opens_days"].accessibleName() == "Not before (days)"
    screen.offset_spins["semen_opens_days"].setValue(200)
    qtbot.mouseClick(screen.offsets_save, Qt.MouseButton.LeftButton)
    assert "the window would open after it is due" in (
        screen.offset_errors["semen_opens_days"].text()
    )
    assert get_setting(context.journal, "rule_offsets") == {}
    screen.offset_spins["semen_opens_days"].setValue(60)
    qtbot.mouseClick(screen.offsets_save, Qt.MouseButton.LeftButton)
    assert get_setting(context.journal, "rule_offsets") == {"semen_opens_days": 60}
    qtbot.mouseClick(screen.offsets_reset, Qt.MouseButton.LeftButton)
    assert get_setting(context.journal, "rule_offsets") == {}
    assert screen.offset_spins["semen_opens_days"].value() == 90


def test_open_another_journal_and_refuse_a_bad_file(qtbot, screen, context, tmp_path: Path) -> None:
    other = Journal.open(tmp_path / "other.sqlite3")
    other.close()
    with qtbot.waitSignal(context.journal_replaced):
        assert screen.open_journal_path(tmp_path / "other.sqlite3", create=False)
    assert screen.journal_path.text().endswith("other.sqlite3")

    junk = tmp_path / "notes.sqlite3"
    junk.write_text("this is not a journal")
    assert not screen.open_journal_path(junk, create=False)
    assert "notes.sqlite3 could not be opened" in screen.journal_error.text()
    assert context.journal.path.name == "other.sqlite3"

    assert not screen.open_journal_path(tmp_path / "missing.sqlite3", create=False)
    assert "does not exist" in screen.journal_error.text()
    assert screen.open_journal_path(tmp_path / "fresh.sqlite3", create=True)
    assert context.journal.path.name == "fresh.sqlite3"


def test_targets_model_passes_modeltest(qtmodeltester, screen) -> None:
    qtmodeltester.check(screen.targets_model)
