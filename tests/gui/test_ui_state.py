"""Window state lives in one settings file; what an earlier version wrote elsewhere moves once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from fertilitytracker.gui.ui_state import (
    APPLICATION,
    CHARTS_RANGE_KEY,
    CHARTS_VISIBLE_KEY,
    OLD_APPLICATION,
    ORGANIZATION,
    REPORT_FOLDER_KEY,
    THEME_KEY,
    UiState,
    app_settings,
)

pytestmark = pytest.mark.gui


def test_settings_an_earlier_version_wrote_in_a_second_file_move_into_the_one_file(
    tmp_path: Path,
) -> None:
    # An earlier version: the theme in the app's file, Charts and the report in a second one.
    first = QSettings(ORGANIZATION, APPLICATION)
    first.setValue(THEME_KEY, "dark")
    first.sync()
    old = QSettings(ORGANIZATION, OLD_APPLICATION)
    old.setValue(CHARTS_VISIBLE_KEY, "estradiol,total_testosterone")
    old.setValue(CHARTS_RANGE_KEY, "1y")
    old.setValue(REPORT_FOLDER_KEY, str(tmp_path))
    old.setValue(THEME_KEY, "light")  # older than the app's own file: the app's value is kept
    old.sync()
    old_file = Path(old.fileName())
    assert old_file.is_file()
    assert old_file.parent == tmp_path / "qsettings" / ORGANIZATION  # never the user's own
    del old

    state = UiState()

    assert state.theme == "dark"
    assert state.settings.value(CHARTS_VISIBLE_KEY) == "estradiol,total_testosterone"
    assert state.settings.value(CHARTS_RANGE_KEY) == "1y"
    assert state.settings.value(REPORT_FOLDER_KEY) == str(tmp_path)
    assert not old_file.exists()  # one file from now on

    # Once: a later start finds nothing to move and keeps what was chosen since.
    state.settings.setValue(CHARTS_RANGE_KEY, "all")
    state.sync()
    again = UiState()
    assert again.settings.value(CHARTS_RANGE_KEY) == "all"
    assert not old_file.exists()


def test_the_app_keeps_one_file_in_a_folder_of_its_own(tmp_path: Path) -> None:
    assert Path(app_settings().fileName()) == (
        tmp_path / "qsettings" / ORGANIZATION / f"{APPLICATION}.conf"
    )
    assert Path(UiState().settings.fileName()) == Path(app_settings().fileName())
